// Damaged databases: a truncated, bit-flipped, missing or unreadable table file. The
// searcher answers with a clear message and exit status 3 when it reads damage, and
// never crashes, hangs or prints broken output; `indexer --check` names the table.
//
// Xapian's glass tables carry no checksums: a flipped bit inside stored text or a
// posting can go unnoticed by any reader (docs/RELIABILITY.md). What the tests demand
// is what can be detected: block structure, file sizes, files present and readable.
#include <sys/stat.h>

#include <fstream>
#include <random>

#include "robustness_support.h"

namespace polsearch::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRequiredTables[] = {"postlist", "termlist", "docdata", "position"};

// One database for every test in the suite (building it is the slow part); each test
// damages its own copy.
const fs::path& pristine() {
  static TempDir dir;
  static const fs::path db = [] {
    fs::path path = dir.path() / "db";
    auto r = run_command({indexer_path(), "--db", path.string(), "--progress", "never", "-"},
                         wordy_statements(150));
    if (r.exit_status != 0) throw std::runtime_error("indexing failed: " + r.err);
    return path;
  }();
  return db;
}

fs::path damaged_copy(const TempDir& dir) {
  fs::path copy = dir.path() / "db";
  fs::copy(pristine(), copy, fs::copy_options::recursive);
  return copy;
}

// The searcher's ways into each table: postings, positions (phrase), stored text
// (show), term lists (--like), the spelling table (an unknown word), and the JSON
// output that carries them; the last reads every passage's stored text.
std::vector<std::vector<std::string>> probes() {
  return {{"patrols"},    {"\"maritime patrols\""},
          {"show", "w7"}, {"--like", "w7#1"},
          {"patrolz"},    {"--limit", "1000", "--per-doc", "0", "maritime"}};
}

struct ProbeOutcome {
  size_t refused = 0;  // probes that stopped with exit status 3
  std::string first_message;
};

// Runs every probe; checks each ends with 0 (and whole JSON Lines) or 3 (and a message
// naming the database), never a signal or another status.
ProbeOutcome probe(const fs::path& db, const std::string& damage,
                   const std::vector<std::string>& prefix = {}) {
  ProbeOutcome outcome;
  for (const auto& args : probes()) {
    std::vector<std::string> argv = prefix;
    for (auto a : {searcher_path(), std::string("--db"), db.string(), std::string("--format"),
                   std::string("json")})
      argv.push_back(a);
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_command(argv);
    const std::string what = damage + ", searcher " + args.front();
    EXPECT_TRUE(r.exit_status == 0 || r.exit_status == 3)
        << what << ": exit status " << r.exit_status << "\n"
        << r.err;
    if (r.exit_status == 3) {
      EXPECT_NE(r.err.find(db.string()), std::string::npos) << what << ": " << r.err;
      EXPECT_EQ(r.out, "") << what << ": printed results before failing";
      if (outcome.refused++ == 0) outcome.first_message = r.err;
    } else if (r.exit_status == 0) {
      std::istringstream lines(r.out);
      for (std::string line; std::getline(lines, line);)
        EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded())
            << what << ": broken output line: " << line.substr(0, 200);
    }
  }
  return outcome;
}

// `indexer --check` must fail (5) and name `table`.
void expect_check_names(const fs::path& db, const std::string& table, const std::string& damage) {
  auto check = run_command({indexer_path(), "--check", "--db", db.string()});
  EXPECT_EQ(check.exit_status, 5) << damage << ":\n" << check.err;
  EXPECT_NE(check.err.find("the " + table + " table"), std::string::npos) << damage << ":\n"
                                                                          << check.err;
}

void flip_bits(const fs::path& file, const std::function<bool(size_t offset)>& where) {
  std::string bytes = read_file(file);
  for (size_t i = 0; i < bytes.size(); ++i)
    if (where(i)) bytes[i] ^= 0x10;
  write_file(file, bytes);
}

TEST(DamagedDatabase, TruncatedTableIsReportedAndNamed) {
  for (const char* table : kRequiredTables) {
    TempDir dir;
    fs::path db = damaged_copy(dir);
    const fs::path file = db / (std::string(table) + ".glass");
    fs::resize_file(file, fs::file_size(file) / 2);
    const std::string damage = std::string(table) + ".glass cut in half";
    ProbeOutcome o = probe(db, damage);
    // Every search reads postings and every hit its stored text.
    if (std::string(table) == "postlist" || std::string(table) == "docdata") {
      EXPECT_GT(o.refused, 0u) << damage << ": no searcher noticed";
    }
    std::cout << damage << ": " << o.refused << " of " << probes().size()
              << " searches stopped with 3: " << o.first_message;
    expect_check_names(db, table, damage);
  }
}

TEST(DamagedDatabase, FlippedBlockHeadersAreReportedAndNamed) {
  for (const char* table : kRequiredTables) {
    TempDir dir;
    fs::path db = damaged_copy(dir);
    // Byte 4 of every 8 KB block is its B-tree level: damage the structure everywhere.
    flip_bits(db / (std::string(table) + ".glass"), [](size_t i) { return i % 8192 == 4; });
    const std::string damage = std::string(table) + ".glass block levels flipped";
    ProbeOutcome o = probe(db, damage);
    if (std::string(table) == "postlist" || std::string(table) == "docdata") {
      EXPECT_GT(o.refused, 0u) << damage << ": no searcher noticed";
    }
    std::cout << damage << ": " << o.refused << " of " << probes().size()
              << " searches stopped with 3: " << o.first_message;
    expect_check_names(db, table, damage);
  }
}

TEST(DamagedDatabase, RandomBitFlipsNeverCrashTheSearcher) {
  // Flips anywhere (text, postings, structure): detection is not promised, but
  // neither crash nor broken output is allowed.
  size_t refused = 0, runs = 0;
  for (const char* table : kRequiredTables) {
    for (unsigned seed = 1; seed <= 3; ++seed) {
      TempDir dir;
      fs::path db = damaged_copy(dir);
      const fs::path file = db / (std::string(table) + ".glass");
      std::mt19937 random(seed);
      std::uniform_int_distribution<size_t> anywhere(0, fs::file_size(file) - 1);
      std::vector<size_t> offsets(64);
      for (auto& o : offsets) o = anywhere(random);
      flip_bits(file, [&](size_t i) {
        return std::find(offsets.begin(), offsets.end(), i) != offsets.end();
      });
      refused +=
          probe(db, std::string(table) + ".glass, 64 random flips, seed " + std::to_string(seed))
              .refused;
      runs += probes().size();
    }
  }
  std::cout << "random flips: " << refused << " of " << runs << " searches stopped with 3, the "
            << "rest answered (glass has no checksums)\n";
}

TEST(DamagedDatabase, MissingTableFileIsReportedAndNamed) {
  for (const char* table : kRequiredTables) {
    TempDir dir;
    fs::path db = damaged_copy(dir);
    fs::remove(db / (std::string(table) + ".glass"));
    const std::string damage = std::string(table) + ".glass removed";
    ProbeOutcome o = probe(db, damage);
    EXPECT_EQ(o.refused, probes().size()) << damage << ": some searches answered without it";
    EXPECT_NE(o.first_message.find(table), std::string::npos) << o.first_message;
    expect_check_names(db, table, damage);
  }
}

// Root reads any file whatever its mode, so as root the searcher runs as nobody
// (setpriv, util-linux); without setpriv the test is skipped.
TEST(DamagedDatabase, UnreadableTableFileIsReported) {
  std::vector<std::string> as_other_user;
  if (geteuid() == 0) {
    const std::string setpriv = find_program("setpriv");
    if (setpriv.empty()) GTEST_SKIP() << "running as root and setpriv is missing";
    as_other_user = {setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"};
  }
  for (const char* table : kRequiredTables) {
    TempDir dir;
    fs::permissions(dir.path(), fs::perms::all);  // nobody must reach the database
    fs::path db = damaged_copy(dir);
    fs::permissions(db, fs::perms::owner_all | fs::perms::group_all | fs::perms::others_read |
                            fs::perms::others_exec);
    fs::permissions(db / (std::string(table) + ".glass"), fs::perms::none);
    const std::string damage = std::string(table) + ".glass unreadable";
    ProbeOutcome o = probe(db, damage, as_other_user);
    EXPECT_EQ(o.refused, probes().size()) << damage << ": some searches answered without it";
    EXPECT_NE(o.first_message.find(table), std::string::npos) << o.first_message;
    EXPECT_NE(o.first_message.find("Permission denied"), std::string::npos) << o.first_message;
  }
}

}  // namespace
}  // namespace polsearch::testing
