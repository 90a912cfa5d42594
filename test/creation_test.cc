// Creating a database: a new one appears whole or not at all (built beside the
// target and renamed into place), a folder half-created by an older version is
// replaced unless an indexer holds its lock, and what is not a database is refused.
// Kill points during creation are in crash_test.cc.
#include <fcntl.h>
#include <unistd.h>

#include "robustness_support.h"

namespace polsearch::testing {
namespace {

namespace fs = std::filesystem;

const std::string kStatement =
    "{\"id\":\"s1\",\"title\":\"One\",\"text\":\"Maritime patrols and the ceasefire line.\"}\n";

CommandResult index_stdin(const fs::path& db, const std::string& input,
                          std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {indexer_path(), "--db", db.string(), "--progress", "never"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back("-");
  return run_command(argv, input);
}

// What an indexer before this change left when killed while Xapian created the
// database in place: table and lock files, no revision file (iamglass).
void make_half_created(const fs::path& db) {
  { Xapian::WritableDatabase created(db.string(), Xapian::DB_CREATE); }
  fs::remove(db / "iamglass");
  write_file(db / "v.tmp", "");
}

// Names in `dir` that contain `part`.
std::vector<std::string> names_with(const fs::path& dir, const std::string& part) {
  std::vector<std::string> out;
  for (auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().find(part) != std::string::npos)
      out.push_back(entry.path().filename().string());
  return out;
}

TEST(Creation, NewDatabaseHasItsMetadataCommittedAndNoTemporaryFolderLeft) {
  TempDir dir;
  auto r = index_stdin(dir.path() / "db", kStatement);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  Xapian::Database db((dir.path() / "db").string());
  EXPECT_FALSE(db.get_metadata(std::string(terms::kMetaSchema)).empty());
  EXPECT_EQ(db.get_termfreq(std::string(terms::kRecordType)), 1u);
  EXPECT_TRUE(names_with(dir.path(), ".polsearch-").empty());
}

TEST(Creation, EmptyFolderBecomesADatabase) {
  TempDir dir;
  fs::create_directory(dir.path() / "db");
  auto r = index_stdin(dir.path() / "db/", kStatement);  // trailing slash: siblings stay outside
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir.path() / "db/iamglass"));
  EXPECT_TRUE(names_with(dir.path(), ".polsearch-").empty());
  EXPECT_TRUE(names_with(dir.path() / "db", ".polsearch-").empty());
}

TEST(Creation, HalfCreatedFolderFromAnOlderVersionIsReplaced) {
  TempDir dir;
  const fs::path db = dir.path() / "db";
  make_half_created(db);
  auto r = index_stdin(db, kStatement);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  auto check = run_command({indexer_path(), "--check", "--db", db.string()});
  EXPECT_EQ(check.exit_status, 0) << check.err;
  EXPECT_EQ(Xapian::Database(db.string()).get_termfreq(std::string(terms::kRecordType)), 1u);
  EXPECT_TRUE(names_with(dir.path(), ".polsearch-").empty());
}

TEST(Creation, HalfCreatedFolderWhoseLockIsHeldIsLeftAlone) {
  TempDir dir;
  const fs::path db = dir.path() / "db";
  make_half_created(db);
  // Stands in for an older indexer still creating it: it holds the lock.
  int fd = open((db / "flintlock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  struct flock lock = {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  ASSERT_EQ(fcntl(fd, F_OFD_SETLK, &lock), 0);
  auto r = index_stdin(db, kStatement);
  close(fd);
  EXPECT_EQ(r.exit_status, 3) << r.err;
  EXPECT_NE(r.err.find("locked by another indexer"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(db / "postlist.glass")) << "a locked folder was touched";
  EXPECT_FALSE(fs::exists(db / "iamglass"));
}

TEST(Creation, FolderWithOtherFilesOrAFileIsRefused) {
  TempDir dir;
  fs::create_directory(dir.path() / "notes");
  write_file(dir.path() / "notes/todo.txt", "keep me");
  auto r = index_stdin(dir.path() / "notes", kStatement);
  EXPECT_EQ(r.exit_status, 3);
  EXPECT_NE(r.err.find("notes: the folder holds other files and no database"), std::string::npos)
      << r.err;
  EXPECT_EQ(read_file(dir.path() / "notes/todo.txt"), "keep me");

  write_file(dir.path() / "file", "x");
  r = index_stdin(dir.path() / "file", kStatement);
  EXPECT_EQ(r.exit_status, 3);
  EXPECT_NE(r.err.find("file: exists and is not a database folder"), std::string::npos) << r.err;
}

TEST(Creation, TemporaryFoldersOfDeadIndexersAreRemovedAndLiveOnesKept) {
  TempDir dir;
  pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  const fs::path db = dir.path() / "db";
  const std::string stale = db.string() + ".polsearch-create-" + std::to_string(dead);
  const std::string live = db.string() + ".polsearch-create-" + std::to_string(getpid());
  fs::create_directory(stale);
  fs::create_directory(live);
  auto r = index_stdin(db, kStatement);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_FALSE(fs::exists(stale)) << "a dead indexer's temporary folder is left";
  EXPECT_TRUE(fs::exists(live)) << "a live process's temporary folder was removed";
}

TEST(Creation, TwoIndexersCreatingTheSameDatabaseBothGetIn) {
  TempDir dir;
  const fs::path db = dir.path() / "db";
  std::string second = kStatement;
  second.replace(second.find("s1"), 2, "s2");
  write_file(dir.path() / "a.jsonl", kStatement);
  write_file(dir.path() / "b.jsonl", second);
  auto command = [&](const char* input) {
    return std::vector<std::string>{indexer_path(), "--db",    db.string(),
                                    "--wait",       "60",      "--progress",
                                    "never",        "--quiet", (dir.path() / input).string()};
  };
  Background a(command("a.jsonl"), dir.path() / "a.log");
  Background b(command("b.jsonl"), dir.path() / "b.log");
  EXPECT_EQ(a.wait(), 0) << read_file(dir.path() / "a.log");
  EXPECT_EQ(b.wait(), 0) << read_file(dir.path() / "b.log");
  EXPECT_EQ(Xapian::Database(db.string()).get_termfreq(std::string(terms::kRecordType)), 2u);
  EXPECT_TRUE(names_with(dir.path(), ".polsearch-").empty());
}

}  // namespace
}  // namespace polsearch::testing
