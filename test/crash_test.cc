// Crash safety: the real indexer is killed with SIGKILL at many points (after a
// given commit plus a delay, or the moment a commit starts writing the postings)
// and each time the database must open, pass xapian-check and `indexer --check`,
// and a plain re-run of the same command must converge to exactly what one clean
// run writes.
//
// The short version (3 kill points on a 100-statement slice) runs in `make test`;
// POLSEARCH_CRASH_FULL=1 runs 12 kill points over the whole US presidential corpus.
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "robustness_support.h"

namespace polsearch::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Where to kill: once the database has `after_commits` commits, either wait
// `delay_ms` (somewhere inside the next batch) or, with `during_commit`, wait for
// the postlist table to be written (postings are buffered in memory and written
// only when a batch commits) and kill at once.
struct KillPoint {
  Xapian::rev after_commits = 0;
  bool during_commit = false;
  int delay_ms = 0;
  std::string when_exists;  // if set: kill once DB + this suffix exists, + delay_ms
  std::string describe() const {
    if (!when_exists.empty())
      return "once <db>" + when_exists + " exists, +" + std::to_string(delay_ms) + " ms";
    return "after commit " + std::to_string(after_commits) +
           (during_commit ? ", as the next commit writes postings"
                          : ", +" + std::to_string(delay_ms) + " ms");
  }
};

// Revision of the database at `path`, or nullopt if there is none (yet).
std::optional<Xapian::rev> revision_of(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path / "iamglass", ec)) return std::nullopt;
  try {
    return Xapian::Database(path.string()).get_revision();
  } catch (const Xapian::Error&) {
    return std::nullopt;
  }
}

// Modification time of a file in nanoseconds (0 if missing).
int64_t mtime_ns(const fs::path& file) {
  struct stat st;
  if (::stat(file.c_str(), &st) != 0) return 0;
  return int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

struct Outcome {
  std::string point;
  std::string state;  // what the database looked like right after the kill
  bool killed = false;
};

class CrashHarness {
 public:
  CrashHarness(fs::path input, std::string commit_mb, std::vector<std::string> extra = {})
      : input_(std::move(input)), commit_mb_(std::move(commit_mb)), extra_(std::move(extra)) {}

  std::vector<std::string> command(const fs::path& db) const {
    std::vector<std::string> argv = {indexer_path(), "--db",       db.string(), "--commit-mb",
                                     commit_mb_,     "--progress", "never",     "--quiet"};
    argv.insert(argv.end(), extra_.begin(), extra_.end());
    argv.push_back(input_.string());
    return argv;
  }

  // One clean run: the contents every crashed-and-re-run database must end with.
  void reference(const fs::path& db) {
    auto r = run_command(command(db));
    ASSERT_EQ(r.exit_status, 0) << r.err;
    reference_ = dump_database(db.string());
    final_revision_ = *revision_of(db);
    if (extra_.empty()) {
      ASSERT_GE(final_revision_, 4u) << "too few commits for a crash test; lower --commit-mb";
    }
  }
  Xapian::rev final_revision() const { return final_revision_; }

  Outcome crash_and_recover(const fs::path& db, const KillPoint& point) {
    Outcome out;
    out.point = point.describe();
    Background indexer(command(db), db.string() + ".log");
    auto deadline = Clock::now() + std::chrono::minutes(10);  // hang guard only
    const fs::path trigger = db.string() + point.when_exists;
    while (!indexer.poll() && Clock::now() < deadline) {
      if (!point.when_exists.empty() ? fs::exists(trigger)
                                     : revision_of(db).value_or(0) >= point.after_commits)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(point.when_exists.empty() ? 2 : 1));
    }
    if (point.during_commit) {
      const int64_t before = mtime_ns(db / "postlist.glass");
      while (!indexer.poll() && Clock::now() < deadline &&
             mtime_ns(db / "postlist.glass") == before)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(point.delay_ms));
    }
    bool ran_to_end = indexer.poll().has_value();
    int status = indexer.kill_now();
    out.killed = !ran_to_end && status == 128 + SIGKILL;
    EXPECT_TRUE(out.killed) << point.describe() << ": the indexer was not killed (status " << status
                            << "); the kill point is past its last commit\n"
                            << read_file(db.string() + ".log");

    // The state it left: no database (killed before creating it), an empty one
    // (killed before its first commit), or its last commit.
    auto after = revision_of(db);
    if (!fs::exists(db)) {
      out.state = "no database folder";
    } else if (!fs::exists(db / "iamglass")) {
      out.state = "empty folder, no database yet";
    } else {
      EXPECT_TRUE(after.has_value()) << point.describe() << ": the database does not open";
      out.state = "revision " + std::to_string(after.value_or(0));
      auto xc = run_command({xapian_check(), db.string()});
      EXPECT_EQ(xc.exit_status, 0) << point.describe() << ": xapian-check:\n" << xc.out << xc.err;
      out.state += xc.exit_status == 0 ? ", xapian-check ok" : ", xapian-check FAILED";
      if (after.value_or(0) >= 1) {
        // Committed states always hold whole statements with their metadata.
        auto check = run_command({indexer_path(), "--check", "--db", db.string()});
        EXPECT_EQ(check.exit_status, 0) << point.describe() << ":\n" << check.err;
        out.state += check.exit_status == 0 ? ", --check ok" : ", --check FAILED";
        Xapian::Database opened(db.string());
        out.state += ", " + std::to_string(opened.get_termfreq(std::string(terms::kRecordType))) +
                     " statements";
        // A parallel build installs its result in one step: all or nothing.
        if (!extra_.empty() && out.killed) {
          EXPECT_EQ(opened.get_doccount(), 0u) << point.describe() << ": half-built database";
        }
      } else {
        // Revision 0: created, nothing committed. Acceptable: it holds nothing.
        EXPECT_EQ(Xapian::Database(db.string()).get_doccount(), 0u);
        out.state += " (nothing committed)";
      }
    }

    // Recovery is the same command again, with no cleanup in between.
    auto again = run_command(command(db));
    EXPECT_EQ(again.exit_status, 0) << point.describe() << ": re-run failed:\n" << again.err;
    auto dump = dump_database(db.string());
    bool same = dump == reference_;
    EXPECT_TRUE(same) << point.describe()
                      << ": re-run differs from a clean run: " << dump_difference(reference_, dump);
    out.state += same ? "; re-run converged" : "; re-run DIFFERS";
    return out;
  }

  static std::string xapian_check() {
    static const std::string path = find_program("xapian-check");
    return path;
  }

 private:
  fs::path input_;
  std::string commit_mb_;
  std::vector<std::string> extra_;
  std::vector<std::string> reference_;
  Xapian::rev final_revision_ = 0;
};

void run_harness(const fs::path& input, const std::string& commit_mb, size_t points) {
  ASSERT_FALSE(CrashHarness::xapian_check().empty()) << "xapian-check (xapian-tools) not found";
  TempDir dir;
  CrashHarness harness(input, commit_mb);
  harness.reference(dir.path() / "reference");
  if (::testing::Test::HasFatalFailure()) return;
  const Xapian::rev last = harness.final_revision();

  // The first point kills at start-up, before any commit. The others are spread
  // over the commits, alternating between "inside a batch" (growing delays) and
  // "as a commit writes its postings"; none is at or after the last commit.
  std::vector<KillPoint> plan = {{0, false, 0, ""}};
  // With room for it, one more inside the first batch (database created, nothing
  // committed yet).
  if (points >= 6) plan.push_back({0, false, 300, ""});
  const int delays[] = {30, 120, 250, 400};
  const size_t spread = points - plan.size();
  for (size_t i = 0; i < spread; ++i) {
    KillPoint p;
    p.after_commits = static_cast<Xapian::rev>(1 + i * (last - 2) / spread);
    p.during_commit = i % 2 == 0;
    p.delay_ms = delays[(i / 2) % 4];
    plan.push_back(p);
  }
  std::ostringstream summary;
  size_t killed = 0, converged = 0;
  for (size_t i = 0; i < plan.size(); ++i) {
    const fs::path db = dir.path() / ("crash-" + std::to_string(i));
    Outcome o = harness.crash_and_recover(db, plan[i]);
    fs::remove_all(db);  // a corpus-sized database each: keep the disk footprint small
    killed += o.killed;
    converged += o.state.find("converged") != std::string::npos;
    summary << "  kill " << i + 1 << ": " << o.point << " -> " << o.state << '\n';
  }
  summary << "  " << killed << " of " << plan.size() << " kills landed, " << converged
          << " re-runs converged; clean run has " << last << " commits\n";
  std::cout << "crash harness (" << input.filename().string() << ", --commit-mb " << commit_mb
            << "):\n"
            << summary.str();
  ::testing::Test::RecordProperty("crash_summary", summary.str());
}

TEST(Crash, KilledIndexerLeavesAUsableDatabaseAndReRunConverges) {
  REQUIRE_SHARED("corpus/us-presidential-speeches/docs.jsonl.gz");
  TempDir dir;
  fs::path input = dir.path() / "slice.jsonl";
  write_file(input, gz_head(shared_dir() / "corpus/us-presidential-speeches/docs.jsonl.gz", 100));
  run_harness(input, "0.1", 3);
}

TEST(Crash, KilledParallelBuildLeavesAnEmptyDatabaseAndReRunConverges) {
  REQUIRE_SHARED("corpus/us-presidential-speeches/docs.jsonl.gz");
  ASSERT_FALSE(CrashHarness::xapian_check().empty()) << "xapian-check (xapian-tools) not found";
  TempDir dir;
  fs::path input = dir.path() / "slice.jsonl";
  write_file(input, gz_head(shared_dir() / "corpus/us-presidential-speeches/docs.jsonl.gz", 100));
  CrashHarness harness(input, "0.1", {"--jobs", "2"});
  harness.reference(dir.path() / "reference");
  if (::testing::Test::HasFatalFailure()) return;
  // While the shards are written, and once the compactor has started the merged copy.
  const std::vector<KillPoint> plan = {{0, false, 300, ".polsearch-shards"},
                                       {0, false, 0, ".polsearch-new"}};
  std::ostringstream summary;
  for (size_t i = 0; i < plan.size(); ++i) {
    const fs::path db = dir.path() / ("crash-" + std::to_string(i));
    Outcome o = harness.crash_and_recover(db, plan[i]);
    summary << "  kill " << i + 1 << ": " << o.point << " -> " << o.state << '\n';
  }
  std::cout << "crash harness (--jobs 2):\n" << summary.str();
}

// --- Kill points while the database is created -------------------------------------
//
// The indexer reads statements from a pipe that the test keeps open, so it can never
// finish before the kill lands: every kill point is a real kill. A database folder must
// then be absent, or hold a whole database (a revision file that opens); and the same
// command again must converge to what one clean run writes.

// Small synthetic statements (no corpus needed): 30 of about 1.4 KB, several commits
// at --commit-mb 0.005, and together well under a pipe's 64 KB buffer, so writing them
// never blocks.
std::string creation_input() {
  std::string out;
  for (int i = 0; i < 30; ++i) {
    std::string text;
    for (int p = 0; p < 3; ++p) {
      if (p) text += "\\n\\n";
      text += "Statement " + std::to_string(i) + " paragraph " + std::to_string(p) +
              ": the delegation records its position on maritime patrols, the ceasefire "
              "line, security guarantees and the reconstruction budget for year " +
              std::to_string(2000 + i) + ", and asks that the minutes say so plainly.";
    }
    out += "{\"id\":\"create-" + std::to_string(i) + "\",\"title\":\"Statement " +
           std::to_string(i) + "\",\"country\":\"UKR\",\"text\":\"" + text + "\"}\n";
  }
  return out;
}

std::vector<std::string> creation_command(const fs::path& db) {
  return {indexer_path(), "--db",    db.string(), "--commit-mb", "0.005", "--progress",
          "never",        "--quiet", "-"};
}

// When to kill a creating indexer: `delay_ms` after start, or once `trigger` says so
// (then at once). A trigger that never fires kills after kTriggerPatience.
struct CreationKill {
  std::string name;
  int delay_ms = 0;
  std::function<bool(const fs::path& db, pid_t indexer)> trigger;
};
constexpr auto kTriggerPatience = std::chrono::seconds(5);

// Statement records a reader sees in the last commit (0 if nothing opens).
Xapian::doccount committed_statements(const fs::path& db) {
  if (!revision_of(db)) return 0;
  try {
    return Xapian::Database(db.string()).get_termfreq(std::string(terms::kRecordType));
  } catch (const Xapian::Error&) {
    return 0;
  }
}

std::vector<CreationKill> creation_plan() {
  std::vector<CreationKill> plan;
  for (int ms = 0; ms <= 100; ms += 4) plan.push_back({"+" + std::to_string(ms) + " ms", ms, {}});
  auto exists = [](std::string name) {
    return [name](const fs::path& db, pid_t) { return fs::exists(db / name); };
  };
  // The temporary folder a new database is built in (src/database_create.h).
  auto temporary = [](std::string name) {
    return [name](const fs::path& db, pid_t pid) {
      return fs::exists(db.string() + ".polsearch-create-" + std::to_string(pid) + name);
    };
  };
  plan.push_back({"once the temporary folder exists", 0, temporary("")});
  plan.push_back({"once the temporary folder has its revision file", 0, temporary("/iamglass")});
  plan.push_back({"once <db>/flintlock exists", 0, exists("flintlock")});
  plan.push_back({"once <db>/v.tmp exists", 0, exists("v.tmp")});
  // The first commit of statements: postings are written only when a batch commits,
  // so a change of postlist.glass after the database first opens is that commit.
  auto first_postings = std::make_shared<int64_t>(-1);
  plan.push_back(
      {"as the first commit writes postings", 0, [first_postings](const fs::path& db, pid_t) {
         if (*first_postings < 0) {
           if (revision_of(db)) *first_postings = mtime_ns(db / "postlist.glass");
           return false;
         }
         return mtime_ns(db / "postlist.glass") != *first_postings;
       }});
  plan.push_back({"just after the first commit of statements", 0,
                  [](const fs::path& db, pid_t) { return committed_statements(db) > 0; }});
  return plan;
}

// Kills one creating indexer; returns what it left, checked (EXPECTs on failure).
std::string kill_while_creating(const fs::path& db, const CreationKill& point,
                                const std::string& input) {
  Background indexer(creation_command(db), db.string() + ".log", true);
  indexer.write_stdin(input);  // stays open: the indexer waits for more
  const auto started = Clock::now();
  if (point.trigger) {
    while (!point.trigger(db, indexer.pid()) && Clock::now() - started < kTriggerPatience)
      std::this_thread::sleep_for(std::chrono::microseconds(200));
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(point.delay_ms));
  }
  const int status = indexer.kill_now();
  EXPECT_EQ(status, 128 + SIGKILL) << point.name << ": the indexer ended by itself\n"
                                   << read_file(db.string() + ".log");
  if (!fs::exists(db)) return "no database folder";
  if (!fs::exists(db / "iamglass")) {
    std::string files;
    for (auto& entry : fs::directory_iterator(db)) files += " " + entry.path().filename().string();
    ADD_FAILURE() << point.name << ": half-created database left behind:" << files;
    return "HALF-CREATED (" + files.substr(std::min<size_t>(files.size(), 1)) + ")";
  }
  auto xc = run_command({CrashHarness::xapian_check(), db.string()});
  EXPECT_EQ(xc.exit_status, 0) << point.name << ": xapian-check:\n" << xc.out << xc.err;
  // A database that opens has its metadata committed: a whole, empty polsearch database.
  auto check = run_command({indexer_path(), "--check", "--db", db.string()});
  EXPECT_EQ(check.exit_status, 0) << point.name << ":\n" << check.err;
  return "revision " + std::to_string(revision_of(db).value_or(0)) + ", " +
         std::to_string(committed_statements(db)) + " statements" +
         (xc.exit_status == 0 ? ", xapian-check ok" : ", xapian-check FAILED") +
         (check.exit_status == 0 ? ", --check ok" : ", --check FAILED");
}

TEST(Crash, KilledWhileCreatingTheDatabaseLeavesNoneOrAWholeOneAndReRunConverges) {
  ASSERT_FALSE(CrashHarness::xapian_check().empty()) << "xapian-check (xapian-tools) not found";
  TempDir dir;
  const std::string input = creation_input();
  auto clean = run_command(creation_command(dir.path() / "reference"), input);
  ASSERT_EQ(clean.exit_status, 0) << clean.err;
  const auto reference = dump_database((dir.path() / "reference").string());

  std::ostringstream summary;
  size_t converged = 0;
  const auto plan = creation_plan();
  for (size_t i = 0; i < plan.size(); ++i) {
    const fs::path db = dir.path() / ("create-" + std::to_string(i));
    std::string state = kill_while_creating(db, plan[i], input);
    auto again = run_command(creation_command(db), input);
    EXPECT_EQ(again.exit_status, 0) << plan[i].name << ": re-run failed:\n" << again.err;
    bool same = again.exit_status == 0 && dump_database(db.string()) == reference;
    EXPECT_TRUE(same) << plan[i].name << ": re-run differs from a clean run";
    converged += same;
    for (auto& entry : fs::directory_iterator(dir.path()))
      EXPECT_EQ(entry.path().filename().string().find(db.filename().string() + ".polsearch-"),
                std::string::npos)
          << plan[i].name << ": left behind: " << entry.path();
    summary << "  kill " << i + 1 << ": " << plan[i].name << " -> " << state
            << (same ? "; re-run converged" : "; re-run FAILED: " + again.err.substr(0, 300))
            << '\n';
  }
  summary << "  " << converged << " of " << plan.size() << " re-runs converged\n";
  std::cout << "crash harness (database creation):\n" << summary.str();
  ::testing::Test::RecordProperty("creation_summary", summary.str());
}

TEST(Crash, FullCorpusTwelveKillPoints) {
  if (!std::getenv("POLSEARCH_CRASH_FULL"))
    GTEST_SKIP() << "set POLSEARCH_CRASH_FULL=1 for 12 kill points over the whole corpus";
  REQUIRE_SHARED("corpus/us-presidential-speeches/docs.jsonl.gz");
  run_harness(shared_dir() / "corpus/us-presidential-speeches/docs.jsonl.gz", "1", 12);
}

}  // namespace
}  // namespace polsearch::testing
