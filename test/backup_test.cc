// Online backup (`indexer --backup DEST --db DIR`): a compacted copy of the last
// commit that passes xapian-check and `indexer --check`, taken while an indexer
// writes; the destination appears whole or not at all.
#include <atomic>
#include <chrono>
#include <thread>

#include "robustness_support.h"

namespace polsearch::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Statements of three passages each (the same shape as the concurrency tests').
std::string statements(int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i) {
    std::string text;
    for (int p = 0; p < 3; ++p) {
      if (p) text += "\\n\\n";
      text += "Paragraph " + std::to_string(p) + " of statement " + std::to_string(i) +
              " records the delegation's view on maritime patrols, fisheries and the budget "
              "for the coming year, item " +
              std::to_string(i * 7 + p) + ".";
    }
    out += "{\"id\":\"b" + std::to_string(i) + "\",\"title\":\"Statement " + std::to_string(i) +
           "\",\"text\":\"" + text + "\"}\n";
  }
  return out;
}

// Statements in the last commit; 0 if it does not open (never throws: a thread runs).
Xapian::doccount statements_in(const fs::path& db) {
  try {
    return Xapian::Database(db.string()).get_termfreq(std::string(terms::kRecordType));
  } catch (const Xapian::Error&) {
    return 0;
  }
}

void expect_sound(const fs::path& copy) {
  auto xc = run_command({find_program("xapian-check"), copy.string()});
  EXPECT_EQ(xc.exit_status, 0) << xc.out << xc.err;
  auto check = run_command({indexer_path(), "--check", "--db", copy.string()});
  EXPECT_EQ(check.exit_status, 0) << check.err;
  auto search = run_command({searcher_path(), "--db", copy.string(), "patrols"});
  EXPECT_EQ(search.exit_status, 0) << search.err;
}

TEST(Backup, CopyOfAQuietDatabaseIsCompactedCheckedAndEqual) {
  ASSERT_FALSE(find_program("xapian-check").empty()) << "xapian-check (xapian-tools) not found";
  TempDir dir;
  const fs::path db = dir.path() / "db", copy = dir.path() / "copy";
  ASSERT_EQ(run_command({indexer_path(), "--db", db.string(), "--commit-mb", "0.01", "-"},
                        statements(0, 60))
                .exit_status,
            0);
  auto r = run_command({indexer_path(), "--backup", copy.string(), "--db", db.string()});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.err.find("60 statements, 60 passages, checked (1 attempt)"), std::string::npos)
      << r.err;
  expect_sound(copy);
  EXPECT_EQ(dump_database(copy.string()), dump_database(db.string()));
  EXPECT_FALSE(fs::exists(copy / "polsearch-indexer.pid"));
}

TEST(Backup, TakenWhileAnIndexerWritesHoldsWholeStatementsOfOneCommit) {
  ASSERT_FALSE(find_program("xapian-check").empty()) << "xapian-check (xapian-tools) not found";
  TempDir dir;
  const fs::path db = dir.path() / "db";
  // Many small commits, fed through a pipe the test controls, so the indexer is
  // certainly writing while the backups run.
  Background indexer({indexer_path(), "--db", db.string(), "--commit-mb", "0.002", "--progress",
                      "never", "--quiet", "-"},
                     dir.path() / "indexer.log", true);
  // The last batch waits for the backups, so they certainly copy an unfinished run.
  std::atomic<bool> backups_done{false};
  std::thread feeder([&] {
    for (int batch = 0; batch < 40; ++batch) {
      while (batch == 39 && !backups_done)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      indexer.write_stdin(statements(batch * 10, batch * 10 + 10));
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    indexer.close_stdin();
  });
  auto deadline = Clock::now() + std::chrono::seconds(60);  // hang guard only
  while (Clock::now() < deadline && (!fs::exists(db / "iamglass") || statements_in(db) == 0))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::vector<Xapian::doccount> copied;
  for (int i = 0; i < 3; ++i) {
    const fs::path copy = dir.path() / ("copy-" + std::to_string(i));
    auto r = run_command({indexer_path(), "--backup", copy.string(), "--db", db.string()});
    EXPECT_EQ(r.exit_status, 0) << r.err;
    if (r.exit_status != 0) break;  // (no ASSERT: the feeder thread must be joined)
    std::cout << r.err;
    expect_sound(copy);
    copied.push_back(statements_in(copy));
  }
  backups_done = true;
  feeder.join();
  EXPECT_EQ(indexer.wait(), 0) << read_file(dir.path() / "indexer.log");
  ASSERT_EQ(copied.size(), 3u);
  EXPECT_GT(copied.front(), 0u);
  EXPECT_LT(copied.back(), 400u);
  EXPECT_EQ(statements_in(db), 400u);
}

TEST(Backup, RefusesAnOccupiedDestinationAndAMissingDatabase) {
  TempDir dir;
  const fs::path db = dir.path() / "db";
  ASSERT_EQ(run_command({indexer_path(), "--db", db.string(), "-"}, statements(0, 2)).exit_status,
            0);
  fs::create_directory(dir.path() / "full");
  write_file(dir.path() / "full/keep", "x");
  auto r = run_command(
      {indexer_path(), "--backup", (dir.path() / "full").string(), "--db", db.string()});
  EXPECT_EQ(r.exit_status, 3) << r.err;
  EXPECT_NE(r.err.find("exists and is not an empty folder"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(dir.path() / "full/keep"), "x");

  r = run_command({indexer_path(), "--backup", (dir.path() / "copy").string(), "--db",
                   (dir.path() / "missing").string()});
  EXPECT_EQ(r.exit_status, 3) << r.err;
  EXPECT_NE(r.err.find("missing: no such database"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir.path() / "copy"));
}

}  // namespace
}  // namespace polsearch::testing
