// Concurrent use: a searcher answering queries while the indexer commits batch
// after batch, and a second indexer on a locked database.
#include <atomic>
#include <chrono>
#include <thread>

#include "robustness_support.h"
#include "searcher.h"

namespace polsearch::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kPassagesPerStatement = 3;

// A statement of three paragraphs long enough to stay three passages, each with the
// word "zebra", so a query for it counts passages: always a multiple of three in a
// committed state (a statement is never half there).
std::string statement(const std::string& id, int n) {
  std::string text;
  for (int p = 0; p < kPassagesPerStatement; ++p) {
    if (p) text += "\\n\\n";
    text += "Paragraph " + std::to_string(p) + " of statement " + std::to_string(n) +
            " mentions the zebra crossing, the harbour, fisheries policy and several other "
            "matters that the delegation wished to record for the minutes of the meeting "
            "and for the budget of the coming year.";
  }
  return "{\"id\":\"" + id + "\",\"title\":\"Statement " + std::to_string(n) +
         "\",\"country\":\"UKR\",\"date\":\"2022-01-01\",\"text\":\"" + text + "\"}\n";
}

std::string statements(const std::string& prefix, int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i) out += statement(prefix + std::to_string(i), i);
  return out;
}

// Waits until the indexer has written its pid file, i.e. holds the database lock.
bool wait_for_lock_owner(const fs::path& db, pid_t pid) {
  auto deadline = Clock::now() + std::chrono::seconds(60);  // hang guard only
  while (Clock::now() < deadline) {
    if (read_file(db / "polsearch-indexer.pid") == std::to_string(pid) + "\n") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST(Concurrency, SearcherSeesOnlyCommittedStatesWhileIndexerCommits) {
  TempDir dir;
  fs::path db = dir.path() / "db";
  // A first commit, so the searcher has a database to open.
  ASSERT_EQ(
      run_command({indexer_path(), "--db", db.string(), "-"}, statements("s", 0, 10)).exit_status,
      0);
  fs::path input = dir.path() / "more.jsonl";
  write_file(input, statements("s", 10, 2010));
  // About 500 bytes of text per statement: a commit every 40 or so statements.
  Background indexer({indexer_path(), "--db", db.string(), "--commit-mb", "0.02", "--progress",
                      "never", input.string()},
                     dir.path() / "indexer.log");

  Searcher searcher(db.string());
  SearchOptions options;
  options.per_doc = 0;
  options.limit = 5;
  options.check_at_least = 1000000;  // exact counts
  options.highlight = false;
  std::vector<Xapian::doccount> counts;
  size_t failures = 0;
  std::string first_failure;
  for (int round = 0; !indexer.poll() || round < 3; ++round) {
    // A long-lived reader either follows every commit (reopen) or stays on its
    // snapshot until the indexer has moved on (Xapian then throws
    // DatabaseModifiedError, which Searcher::search handles by reopening).
    if (round % 3 != 2) searcher.database().reopen();
    try {
      auto result = searcher.search("zebra", options);
      counts.push_back(result.estimated_matches);
    } catch (const std::exception& e) {
      if (!failures++) first_failure = e.what();
    }
  }
  EXPECT_EQ(indexer.wait(), 0) << read_file(dir.path() / "indexer.log");
  EXPECT_EQ(failures, 0u) << "first failure: " << first_failure;
  ASSERT_GE(counts.size(), 3u);
  size_t distinct_states = 1;
  for (size_t i = 0; i < counts.size(); ++i) {
    EXPECT_EQ(counts[i] % kPassagesPerStatement, 0u) << "query " << i << " saw a partial statement";
    if (i > 0) {
      EXPECT_GE(counts[i], counts[i - 1]) << "query " << i << " went back to an older state";
      distinct_states += counts[i] != counts[i - 1];
    }
  }
  // The loop did run while commits happened (else it tested nothing).
  EXPECT_GE(distinct_states, 3u) << counts.size() << " queries";
  searcher.database().reopen();
  EXPECT_EQ(searcher.search("zebra", options).estimated_matches, 2010u * kPassagesPerStatement);
  std::cout << counts.size() << " queries saw " << distinct_states
            << " committed states while the indexer ran\n";
}

TEST(Concurrency, SecondIndexerFailsAtOnceByDefaultAndWaitsWithWait) {
  TempDir dir;
  fs::path db = dir.path() / "db";
  // The first indexer reads standard input, so it holds the lock until we close it.
  Background first({indexer_path(), "--db", db.string(), "--progress", "never", "-"},
                   dir.path() / "first.log", /*stdin_pipe=*/true);
  first.write_stdin(statements("a", 0, 5));
  ASSERT_TRUE(wait_for_lock_owner(db, first.pid())) << read_file(dir.path() / "first.log");

  fs::path second_input = dir.path() / "second.jsonl";
  write_file(second_input, statements("b", 0, 5));
  auto refused = run_command({indexer_path(), "--db", db.string(), second_input.string()});
  EXPECT_EQ(refused.exit_status, 3) << refused.err;
  EXPECT_NE(refused.err.find("database is locked by another indexer (pid " +
                             std::to_string(first.pid()) + "); use --wait to wait for it"),
            std::string::npos)
      << refused.err;

  Background waiting({indexer_path(), "--db", db.string(), "--wait", "30", "--progress", "never",
                      second_input.string()},
                     dir.path() / "second.log");
  // While the first holds the lock, the second neither fails nor finishes.
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  EXPECT_FALSE(waiting.poll().has_value()) << read_file(dir.path() / "second.log");
  first.write_stdin(statements("a", 5, 10));
  first.close_stdin();
  EXPECT_EQ(first.wait(), 0) << read_file(dir.path() / "first.log");
  EXPECT_EQ(waiting.wait(), 0) << read_file(dir.path() / "second.log");

  Xapian::Database done(db.string());
  EXPECT_EQ(done.get_termfreq(std::string(terms::kRecordType)), 15u);
  EXPECT_FALSE(fs::exists(db / "polsearch-indexer.pid")) << "the lock owner file is left behind";
}

TEST(Concurrency, WaitGivesUpWhenTheLockIsNotReleased) {
  TempDir dir;
  fs::path db = dir.path() / "db";
  Background first({indexer_path(), "--db", db.string(), "--progress", "never", "-"},
                   dir.path() / "first.log", /*stdin_pipe=*/true);
  ASSERT_TRUE(wait_for_lock_owner(db, first.pid())) << read_file(dir.path() / "first.log");
  auto r = run_command({indexer_path(), "--db", db.string(), "--wait", "0.5", "-"},
                       statements("c", 0, 1));
  EXPECT_EQ(r.exit_status, 3) << r.err;
  EXPECT_NE(r.err.find("locked by another indexer (pid " + std::to_string(first.pid()) + ")"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("gave up waiting"), std::string::npos) << r.err;
  first.close_stdin();
  EXPECT_EQ(first.wait(), 0) << read_file(dir.path() / "first.log");
}

// `--jobs 2` builds a new database in shards, merges them and swaps the merged copy in
// place of the empty database. An indexer waiting for the lock must not get in during
// the swap (its statements would go into the folder being replaced and be lost): the
// swap is slowed down here so that any unlocked moment would be hit.
TEST(Concurrency, WaitingIndexerGetsInOnlyAfterAParallelBuildIsSwappedIn) {
  TempDir dir;
  fs::path db = dir.path() / "db";
  fs::path first_input = dir.path() / "first.jsonl";
  write_file(first_input, statements("a", 0, 200));
  fs::path second_input = dir.path() / "second.jsonl";
  write_file(second_input, statements("b", 0, 5));
  setenv("POLSEARCH_TEST_SWAP_DELAY_MS", "1500", 1);
  Background first({indexer_path(), "--db", db.string(), "--jobs", "2", "--progress", "never",
                    first_input.string()},
                   dir.path() / "first.log");
  unsetenv("POLSEARCH_TEST_SWAP_DELAY_MS");
  ASSERT_TRUE(wait_for_lock_owner(db, first.pid())) << read_file(dir.path() / "first.log");
  Background waiting({indexer_path(), "--db", db.string(), "--wait", "60", "--progress", "never",
                      second_input.string()},
                     dir.path() / "second.log");
  EXPECT_EQ(first.wait(), 0) << read_file(dir.path() / "first.log");
  EXPECT_EQ(waiting.wait(), 0) << read_file(dir.path() / "second.log");

  Xapian::Database done(db.string());
  EXPECT_EQ(done.get_termfreq(std::string(terms::kRecordType)), 205u)
      << "statements of the waiting indexer were lost in the swap";
  EXPECT_FALSE(fs::exists(dir.path() / "db.polsearch-new")) << "the swap left a folder behind";
  EXPECT_FALSE(fs::exists(db / "polsearch-indexer.pid")) << "the lock owner file is left behind";
}

}  // namespace
}  // namespace polsearch::testing
