// A full disk: the indexer stops with a message naming the database and the cause and
// exit status 4; the database keeps its last commit, opens and passes `--check`; with
// space freed, the same command converges to what a clean run writes.
//
// The small disk is a tmpfs (the tests run as root). Where mounting is not allowed,
// the indexer runs under RLIMIT_FSIZE instead (SIGXFSZ ignored, so writes fail with
// EFBIG, "File too large"), and "freeing space" means running it without the limit.
#include <sys/mount.h>

#include <cerrno>
#include <cstring>

#include "robustness_support.h"

namespace polsearch::testing {
namespace {

namespace fs = std::filesystem;

// A small filesystem at `where`: a tmpfs of `size` if mounting works, else nothing
// (the caller then limits file sizes instead).
class SmallDisk {
 public:
  SmallDisk(const fs::path& where, const std::string& size) : where_(where) {
    fs::create_directories(where);
    mounted_ = ::mount("tmpfs", where.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
    if (!mounted_) why_not_ = std::strerror(errno);
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(where_.c_str(), MNT_DETACH);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& why_not() const { return why_not_; }
  void grow(const std::string& size) {
    ASSERT_EQ(::mount("tmpfs", where_.c_str(), "tmpfs", MS_REMOUNT, ("size=" + size).c_str()), 0)
        << std::strerror(errno);
  }

 private:
  fs::path where_;
  bool mounted_ = false;
  std::string why_not_;
};

std::vector<std::string> index_command(const fs::path& db, const fs::path& input) {
  return {indexer_path(), "--db",  db.string(), "--commit-mb", "0.02",
          "--progress",   "never", "--quiet",   input.string()};
}

// The same command with files limited to `kib` KiB and SIGXFSZ ignored.
std::vector<std::string> with_file_size_limit(std::vector<std::string> argv, int kib) {
  std::vector<std::string> out = {
      "/bin/bash", "-c", "trap '' XFSZ; ulimit -f " + std::to_string(kib) + "; exec \"$@\"",
      "bash"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

bool names_a_full_disk(const std::string& message) {
  return message.find("No space left on device") != std::string::npos ||
         message.find("File too large") != std::string::npos;
}

TEST(FullDisk, IndexerStopsClearlyDatabaseKeepsItsLastCommitAndReRunConverges) {
  TempDir dir;
  const fs::path input = dir.path() / "wordy.jsonl";
  write_file(input, wordy_statements(300));
  auto clean = run_command(index_command(dir.path() / "reference", input));
  ASSERT_EQ(clean.exit_status, 0) << clean.err;
  const auto reference = dump_database((dir.path() / "reference").string());

  SmallDisk disk(dir.path() / "small", "1m");
  const fs::path db = dir.path() / "small/db";
  auto full = disk.mounted() ? run_command(index_command(db, input))
                             : run_command(with_file_size_limit(index_command(db, input), 512));
  if (!disk.mounted()) std::cout << "no tmpfs (" << disk.why_not() << "): RLIMIT_FSIZE instead\n";
  EXPECT_EQ(full.exit_status, 4) << full.err;
  EXPECT_NE(full.err.find(db.string()), std::string::npos) << "no database named: " << full.err;
  EXPECT_TRUE(names_a_full_disk(full.err)) << "no cause given: " << full.err;
  EXPECT_NE(full.err.find("keeps its last commit"), std::string::npos) << full.err;

  // The last commit: whole statements, sound tables.
  Xapian::Database opened(db.string());
  const auto statements = opened.get_termfreq(std::string(terms::kRecordType));
  EXPECT_GT(statements, 0u) << "the disk filled before the first commit: make it bigger";
  EXPECT_LT(statements, 300u) << "the disk did not fill: make it smaller";
  auto check = run_command({indexer_path(), "--check", "--db", db.string()});
  EXPECT_EQ(check.exit_status, 0) << check.err;
  auto search = run_command({searcher_path(), "--db", db.string(), "--format", "json", "wordy"});
  EXPECT_EQ(search.exit_status, 0) << search.err;
  std::cout << "full disk: stopped with " << statements
            << " of 300 statements committed: " << full.err;

  if (disk.mounted()) disk.grow("64m");
  auto again = run_command(index_command(db, input));
  ASSERT_EQ(again.exit_status, 0) << again.err;
  EXPECT_EQ(dump_database(db.string()), reference)
      << dump_difference(reference, dump_database(db.string()));
}

TEST(FullDisk, NoRoomToCreateTheDatabaseLeavesNothingBehind) {
  TempDir dir;
  SmallDisk disk(dir.path() / "tiny", "8k");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << disk.why_not();
  const fs::path db = dir.path() / "tiny/db";
  write_file(dir.path() / "one.jsonl", "{\"id\":\"a\",\"text\":\"Patrols.\"}\n");
  auto r = run_command(index_command(db, dir.path() / "one.jsonl"));
  EXPECT_EQ(r.exit_status, 3) << r.err;
  EXPECT_NE(r.err.find(db.string() + ": cannot create database"), std::string::npos) << r.err;
  EXPECT_TRUE(names_a_full_disk(r.err)) << r.err;
  EXPECT_TRUE(fs::is_empty(dir.path() / "tiny")) << "a half-made database or folder is left";
}

}  // namespace
}  // namespace polsearch::testing
