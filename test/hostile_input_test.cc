// Hostile input end to end: the real indexer over the fixtures in test/data/input/
// and generated big or damaged files, all into one database that already holds a
// good set. For each: the exact exit status (README's table), a message naming
// file and line, every good record around the bad ones indexed and findable, and
// nothing that was in the database before lost.
#include <grp.h>

#include <set>

#include "robustness_support.h"
#include "searcher.h"

namespace polsearch::testing {
namespace {

namespace fs = std::filesystem;

const std::string kData = std::string(POLSEARCH_TEST_DATA) + "/input";
const std::string kSamples = std::string(POLSEARCH_SOURCE_DIR) + "/samples/statements";

std::string good_records(const std::string& prefix, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += "{\"id\":\"" + prefix + std::to_string(i) +
           "\",\"speaker\":\"Test Speaker\",\"date\":\"2020-05-0" + std::to_string(i % 9 + 1) +
           "\",\"text\":\"Good record " + std::to_string(i) +
           " about maritime patrols and the grain corridor.\"}\n";
  return out;
}

std::string gzip(const std::string& data) {
  uLongf size = compressBound(data.size()) + 64;
  std::string out(size, '\0');
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

struct Case {
  std::string name;
  std::vector<std::string> inputs;
  int status;                         // README: 0 all indexed, 1 some records skipped
  std::vector<std::string> messages;  // each must appear in stderr
  std::vector<std::string> indexed;   // ids that must be findable afterwards
  std::vector<std::string> absent;    // ids of the bad records: never indexed
};

// A database with a good set indexed first; each case then indexes into it.
class HostileInput : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path() / "db";
    write_file(dir_.path() / "good.jsonl", good_records("good-", 30));
    auto r = run_command(
        {indexer_path(), "--db", db_.string(), kSamples, (dir_.path() / "good.jsonl").string()});
    ASSERT_EQ(r.exit_status, 0) << r.err;
    baseline_ = good_set();
    ASSERT_EQ(baseline_.size(), 32u);  // 30 records + 2 samples, with their passages
  }

  // Dump lines (records and passages) of the statements indexed in SetUp.
  std::map<std::string, std::vector<std::string>> good_set() const {
    std::map<std::string, std::vector<std::string>> out;
    for (auto& line : dump_database(db_.string())) {
      std::istringstream in(line);
      std::string kind, id;
      in >> kind >> id;
      if ((kind == "record" || kind == "passage") &&
          (id.rfind("good-", 0) == 0 || id.rfind("seed-", 0) == 0 ||
           id.rfind("north-atlantic", 0) == 0))
        out[id].push_back(line);
    }
    return out;
  }

  // Hits for the filter id:"ID" through the library searcher.
  size_t hits_for_id(const std::string& id) {
    Searcher searcher(db_.string());
    SearchOptions options;
    options.per_doc = 0;
    options.limit = 1000;
    options.highlight = false;
    return searcher.search("id:\"" + id + "\"", options).hits.size();
  }

  void run_case(const Case& c) {
    SCOPED_TRACE(c.name);
    std::vector<std::string> argv = {indexer_path(), "--db", db_.string(), "--progress", "never"};
    argv.insert(argv.end(), c.inputs.begin(), c.inputs.end());
    auto r = run_command(argv);
    EXPECT_EQ(r.exit_status, c.status) << r.err;
    for (auto& m : c.messages) EXPECT_NE(r.err.find(m), std::string::npos) << m << "\n" << r.err;
    for (auto& id : c.indexed) EXPECT_GE(hits_for_id(id), 1u) << "good record '" << id << "' lost";
    for (auto& id : c.absent) EXPECT_EQ(hits_for_id(id), 0u) << "bad record '" << id << "' indexed";
    EXPECT_EQ(good_set(), baseline_) << "the statements indexed before were changed";
    auto check = run_command({indexer_path(), "--check", "--db", db_.string()});
    EXPECT_EQ(check.exit_status, 0) << check.err;
  }

  TempDir dir_;
  fs::path db_;
  std::map<std::string, std::vector<std::string>> baseline_;
};

TEST_F(HostileInput, FixturesEachGiveTheirStatusMessagesAndKeepGoodRecords) {
  const std::string d = kData + "/";
  const std::vector<Case> cases = {
      {"malformed JSON",
       {d + "malformed.jsonl"},
       1,
       {"malformed.jsonl:2: error: invalid JSON at column",
        "malformed.jsonl:6: error: invalid JSON",
        "malformed.jsonl:7: error: invalid JSON at column 26", "3 statements added"},
       {"a", "c", "e"},
       {"b", "d"}},
      {"invalid UTF-8 in JSON Lines",
       {d + "invalid_utf8.jsonl"},
       1,
       {"invalid_utf8.jsonl:2: error: invalid UTF-8 at column 24",
        "invalid_utf8.jsonl:3: error: invalid UTF-8", "invalid_utf8.jsonl:4: error: invalid UTF-8"},
       {"u1", "u5"},
       {"u2", "u3", "u4"}},
      {"NUL bytes",
       {d + "nul.jsonl"},
       1,
       {"nul.jsonl:1: error: invalid JSON at column 28", "nul.jsonl:2: error: invalid JSON"},
       {"n3"},
       {"n1"}},
      {"missing id or text",
       {d + "missing_fields.jsonl"},
       1,
       {"missing_fields.jsonl:1: error: record has no \"id\"",
        "missing_fields.jsonl:2: error: record has no \"text\"",
        "missing_fields.jsonl:3: error: record has an empty \"id\"",
        "missing_fields.jsonl:4: error: record has an empty \"text\"",
        "missing_fields.jsonl:5: error: record has no \"id\""},
       {"m6"},
       {"m2", "m4"}},
      {"wrong types",
       {d + "wrong_types.jsonl"},
       1,
       {"wrong_types.jsonl:1: error: field \"date\" must be a string, got an object",
        "wrong_types.jsonl:2: error: field \"title\" must be a string, got an array",
        "wrong_types.jsonl:5: error: expected a JSON object, got an array",
        "wrong_types.jsonl:8: error: expected a JSON object, got null"},
       {"w3", "7"},
       {"w1", "w2"}},
      {"binary file",
       {d + "binary.txt"},
       1,
       {"binary.txt: error: binary file (NUL byte at byte offset 8)"},
       {},
       {"binary.txt"}},
      {"invalid UTF-8 text file",
       {d + "invalid_utf8.txt"},
       1,
       {"invalid_utf8.txt: error: invalid UTF-8 at byte offset 38"},
       {},
       {"invalid_utf8.txt"}},
      {"empty file", {d + "empty.txt"}, 1, {"empty.txt: error: empty file"}, {}, {"empty.txt"}},
      {"rule without front matter", {d + "horizontal_rule.md"}, 0, {}, {"horizontal_rule.md"}, {}},
      {"folder with hidden and foreign files",
       {d + "folder"},
       0,
       {"5 statements added"},
       {"a.md", "b.txt", "c1", "c2", "sub/deeper/d.markdown"},
       {".hidden.txt", "notes.csv", "x.txt"}},
      {"non-existent path between good ones",
       {d + "horizontal_rule.md", d + "no-such-file.jsonl", d + "folder/sub/c.jsonl"},
       1,
       {"no-such-file.jsonl: error: cannot read: No such file or directory"},
       {"horizontal_rule.md", "c1", "c2"},
       {}},
  };
  for (const Case& c : cases) run_case(c);
}

TEST_F(HostileInput, DuplicateIdKeepsTheLastVersionWithAWarning) {
  run_case({"duplicate ids",
            {kData + "/duplicate_ids.jsonl"},
            0,
            {"duplicate_ids.jsonl:2: warning: id 'dup' was also read at", "1 statement added"},
            {"dup"},
            {}});
  Searcher searcher(db_.string());
  SearchOptions options;
  options.per_doc = 0;
  auto r = searcher.search("id:dup", options);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].text, "Second version.");
}

TEST_F(HostileInput, GeneratedDamageDeepNestingTruncatedGzipAndLongWords) {
  const fs::path t = dir_.path();
  // Deep nesting between good records.
  std::string deep = good_records("deep-before-", 2) +
                     "{\"id\":\"deep\",\"text\":\"x\",\"n\":" + std::string(100000, '[') + "\n" +
                     good_records("deep-after-", 2);
  write_file(t / "deep.jsonl", deep);
  run_case({"deep nesting",
            {(t / "deep.jsonl").string()},
            1,
            {"deep.jsonl:3: error: JSON nested deeper than 1000 levels"},
            {"deep-before-0", "deep-before-1", "deep-after-0", "deep-after-1"},
            {"deep"}});

  // A gzip file cut in the middle: the records before the damage are kept.
  std::string gz = gzip(good_records("gz-", 400));
  write_file(t / "cut.jsonl.gz", gz.substr(0, gz.size() / 2));
  run_case({"truncated gzip",
            {(t / "cut.jsonl.gz").string()},
            1,
            {"cut.jsonl.gz: error: truncated or corrupt gzip data after line"},
            {"gz-0", "gz-1", "gz-50"},
            {"gz-399"}});

  // A 10,000-character word is indexed (cut to the longest term) and findable.
  std::string word(10000, 'w');
  write_file(t / "word.jsonl", "{\"id\":\"long-word\",\"text\":\"A " + word + " word.\"}\n");
  run_case({"10,000-character word", {(t / "word.jsonl").string()}, 0, {}, {"long-word"}, {}});
  Searcher searcher(db_.string());
  SearchOptions options;
  options.per_doc = 0;
  auto r = searcher.search(word, options);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].doc_id, "long-word");

  // Junk on standard input: every line is one error, nothing is indexed, and the
  // good records on either side of it are.
  std::string junk = good_records("stdin-", 1) + std::string("\x89PNG\r\n\x1a\n\0\0\0", 11) +
                     "\xff\xfe\n" + good_records("stdin-after-", 1);
  auto sr = run_command({indexer_path(), "--db", db_.string(), "-"}, junk);
  EXPECT_EQ(sr.exit_status, 1) << sr.err;
  EXPECT_NE(sr.err.find("<stdin>:2: error:"), std::string::npos) << sr.err;
  EXPECT_NE(sr.err.find("<stdin>:3: error:"), std::string::npos) << sr.err;
  EXPECT_EQ(hits_for_id("stdin-0"), 1u);
  EXPECT_EQ(hits_for_id("stdin-after-0"), 1u);
  EXPECT_EQ(good_set(), baseline_);
}

TEST_F(HostileInput, FiftyMegabyteStatementIsIndexedWithItsNeighbours) {
  const fs::path f = dir_.path() / "huge.jsonl";
  std::string text;
  text.reserve(51u << 20);
  const std::string paragraph =
      "A very long statement about peace and security, the harbour and \\\"quoted\\\" words, "
      "repeated to make a statement of fifty megabytes. ";
  for (int i = 0; text.size() < (50u << 20); ++i)
    text += paragraph + paragraph + "Paragraph " + std::to_string(i) + ".\\n\\n";
  write_file(f, good_records("huge-before-", 1) + "{\"id\":\"huge\",\"text\":\"" + text + "\"}\n" +
                    good_records("huge-after-", 1));
  text.clear();
  run_case({"50 MB statement",
            {f.string()},
            0,
            {"3 statements added"},
            {"huge-before-0", "huge", "huge-after-0"},
            {}});
}

// Runs the indexer as user `nobody` (permission bits do not stop root). Returns
// nullopt if we cannot switch users.
std::optional<CommandResult> run_as_nobody(const std::vector<std::string>& argv) {
  if (geteuid() != 0) return run_command(argv);
  TempDir scratch;
  fs::path out = scratch.path() / "out";
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) _exit(99);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int raw = 0;
  waitpid(pid, &raw, 0);
  CommandResult r;
  r.exit_status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  if (r.exit_status == 99) return std::nullopt;
  r.err = read_file(out);
  return r;
}

TEST_F(HostileInput, UnreadableFileAndFolderAreReportedAndTheRestIndexed) {
  const fs::path in = dir_.path() / "in";
  fs::create_directories(in / "locked");
  write_file(in / "a.jsonl", good_records("readable-", 2));
  write_file(in / "b.txt", "Locked text.\n");
  write_file(in / "locked" / "x.txt", "Hidden away.\n");
  chmod((in / "b.txt").c_str(), 0);
  chmod((in / "locked").c_str(), 0);
  // When run as nobody, nobody must be able to write the database and enter dir_.
  chmod(dir_.path().c_str(), 0777);
  for (auto& e : fs::recursive_directory_iterator(db_)) chmod(e.path().c_str(), 0666);
  chmod(db_.c_str(), 0777);
  chmod(in.c_str(), 0777);
  auto r =
      run_as_nobody({indexer_path(), "--db", db_.string(), "--progress", "never", in.string()});
  chmod((in / "locked").c_str(), 0755);
  if (!r) GTEST_SKIP() << "running as root and cannot switch to nobody";
  EXPECT_EQ(r->exit_status, 1) << r->err;
  EXPECT_NE(r->err.find("b.txt: error: cannot read: Permission denied"), std::string::npos)
      << r->err;
  EXPECT_NE(r->err.find("locked: error: cannot read folder: Permission denied"), std::string::npos)
      << r->err;
  EXPECT_EQ(hits_for_id("readable-0"), 1u);
  EXPECT_EQ(hits_for_id("readable-1"), 1u);
  EXPECT_EQ(good_set(), baseline_);
}

}  // namespace
}  // namespace polsearch::testing
