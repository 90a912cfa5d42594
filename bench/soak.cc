// soak: a long run of everything at once, for docs/RELIABILITY.md (a program, not a
// test). A writer re-indexes the corpus, deletes some statements and adds them back,
// in a loop, with the real indexer binary; meanwhile N searcher processes query the
// database without pause (reopening every few queries to follow the commits). At the
// end it prints queries answered and failed (must be 0), each process's memory at
// start and end, the indexer's peak memory per cycle, and the database size before
// and after compaction (`indexer --backup`). Exit status 1 if any query failed.
//
//   build/release/bench/soak --minutes 5 [--searchers 4] [--corpus FILE.jsonl.gz]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "searcher.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Settings {
  std::string corpus, work, bin;
  double minutes = 5;
  unsigned searchers = 4;
  unsigned churn = 50;  // statements deleted and re-added per cycle
};

// Resident set size of this process in MB (from /proc/self/statm).
double rss_mb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * double(sysconf(_SC_PAGESIZE)) / 1e6;
}

double folder_mb(const fs::path& folder) {
  uintmax_t bytes = 0;
  std::error_code ec;
  for (auto& entry : fs::recursive_directory_iterator(folder, ec))
    if (entry.is_regular_file(ec)) bytes += entry.file_size(ec);
  return bytes / 1e6;
}

// Runs a program to its end; returns its exit status and peak RSS (MB).
std::pair<int, double> run(const std::vector<std::string>& argv) {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  struct rusage usage = {};
  wait4(pid, &status, 0, &usage);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
          usage.ru_maxrss / 1024.0};
}

// The corpus's statements, one JSON line each.
std::vector<std::string> read_corpus(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error(path + ": cannot open");
  std::vector<std::string> lines;
  std::string line;
  char buf[1 << 16];
  while (gzgets(f, buf, sizeof buf)) {
    line += buf;
    if (line.back() == '\n') {
      lines.push_back(std::move(line));
      line.clear();
    }
  }
  gzclose(f);
  return lines;
}

const std::vector<std::string>& queries() {
  static const std::vector<std::string> list = {"peace",
                                                "freedom liberty",
                                                "\"united states\"",
                                                "tax AND reform",
                                                "war NEAR/5 peace",
                                                "econom*",
                                                "date:1900..1950 depression",
                                                "union OR slavery",
                                                "\"federal government\"",
                                                "-war peace",
                                                "congress NOT senate",
                                                "nuclear weapons",
                                                "speaker:Lincoln union",
                                                "health care",
                                                "energy independence"};
  return list;
}

struct SearcherFigures {
  unsigned long answered = 0, failed = 0;
  double rss_start = 0, rss_end = 0;
  std::string first_error;
};

// A searcher process's report line: "answered failed rss_start rss_end first error".
SearcherFigures parse_figures(const std::string& line) {
  SearcherFigures f;
  std::istringstream in(line);
  in >> f.answered >> f.failed >> f.rss_start >> f.rss_end;
  std::getline(in >> std::ws, f.first_error);
  if (!in && line.empty()) f.failed = 1;  // the process died without a report
  return f;
}

// One searcher process: queries until the deadline; writes its figures to `out`.
void searcher_loop(const Settings& s, Clock::time_point deadline, int out) {
  SearcherFigures f;
  polsearch::Searcher searcher(s.work + "/db");
  polsearch::SearchOptions options;
  std::string first_error;
  for (unsigned long i = 0; Clock::now() < deadline; ++i) {
    if (i == 100) f.rss_start = rss_mb();  // after warming up
    try {
      if (i % 20 == 0) searcher.database().reopen();  // follow the indexer's commits
      searcher.search(queries()[i % queries().size()], options);
      ++f.answered;
    } catch (const std::exception& e) {
      if (f.failed++ == 0) first_error = e.what();
    } catch (const Xapian::Error& e) {
      if (f.failed++ == 0) first_error = e.get_description();
    }
  }
  f.rss_end = rss_mb();
  std::string line = std::to_string(f.answered) + " " + std::to_string(f.failed) + " " +
                     std::to_string(f.rss_start) + " " + std::to_string(f.rss_end) + " " +
                     first_error;
  for (char& c : line)
    if (c == '\n') c = ' ';
  line += '\n';
  ssize_t ignored = write(out, line.data(), line.size());
  (void)ignored;
}

struct WriterFigures {
  unsigned cycles = 0, failures = 0;
  std::vector<double> peak_rss;  // indexer, per cycle's re-index
};

// One cycle: re-index everything, delete `churn` statements, add them back.
void writer_cycle(const Settings& s, const std::vector<std::string>& corpus, std::mt19937& random,
                  WriterFigures& w) {
  const std::string db = s.work + "/db";
  const std::vector<std::string> quiet = {"--progress", "never", "--quiet"};
  auto indexer = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {s.bin + "/indexer", "--db", db});
    args.insert(args.end(), quiet.begin(), quiet.end());
    return run(args);
  };
  auto [status, rss] = indexer({s.corpus});
  w.peak_rss.push_back(rss);
  w.failures += status != 0;
  std::vector<std::string> deletes;
  std::ofstream again(s.work + "/again.jsonl", std::ios::trunc);
  for (unsigned i = 0; i < s.churn; ++i) {
    const std::string& line = corpus[random() % corpus.size()];
    deletes.push_back("--delete");
    deletes.push_back(nlohmann::json::parse(line)["id"].get<std::string>());
    again << line;
  }
  again.close();
  w.failures += indexer(deletes).first > 1;  // 1: an id picked twice was already gone
  w.failures += indexer({s.work + "/again.jsonl"}).first != 0;
  ++w.cycles;
}

void report(const Settings& s, const WriterFigures& w, const std::vector<std::string>& lines,
            double size_before, double size_after) {
  unsigned long answered = 0, failed = 0;
  std::printf("soak: %.1f minutes, %u searchers, corpus %s\n", s.minutes, s.searchers,
              s.corpus.c_str());
  std::printf(
      "| process | queries answered | failed | RSS start MB | RSS end MB "
      "|\n|---|---|---|---|---|\n");
  for (size_t i = 0; i < lines.size(); ++i) {
    const SearcherFigures f = parse_figures(lines[i]);
    const std::string& error = f.first_error;
    answered += f.answered;
    failed += f.failed;
    std::printf("| searcher %zu | %lu | %lu | %.1f | %.1f |%s\n", i + 1, f.answered, f.failed,
                f.rss_start, f.rss_end, error.empty() ? "" : (" first error:" + error).c_str());
  }
  std::printf("| all searchers | %lu | %lu | | |\n", answered, failed);
  std::printf(
      "writer: %u cycles (re-index all, delete %u, re-add them), %u failed commands; "
      "indexer peak RSS first %.1f MB, last %.1f MB\n",
      w.cycles, s.churn, w.failures, w.peak_rss.empty() ? 0 : w.peak_rss.front(),
      w.peak_rss.empty() ? 0 : w.peak_rss.back());
  std::printf("database: %.1f MB before compaction, %.1f MB after (indexer --backup)\n",
              size_before, size_after);
}

int soak(const Settings& s) {
  const auto corpus = read_corpus(s.corpus);
  fs::remove_all(s.work);
  fs::create_directories(s.work);
  if (run({s.bin + "/indexer", "--db", s.work + "/db", "--progress", "never", "--quiet", s.corpus})
          .first != 0)
    throw std::runtime_error("the first indexing run failed");
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<long>(s.minutes * 60000));
  std::vector<std::pair<pid_t, int>> children;
  for (unsigned i = 0; i < s.searchers; ++i) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      searcher_loop(s, deadline, fds[1]);
      _exit(0);
    }
    close(fds[1]);
    children.push_back({pid, fds[0]});
  }
  WriterFigures w;
  std::mt19937 random(42);
  while (Clock::now() < deadline) writer_cycle(s, corpus, random, w);
  std::vector<std::string> lines;
  for (auto [pid, fd] : children) {
    std::string text;
    char buf[512];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) text.append(buf, n);
    close(fd);
    waitpid(pid, nullptr, 0);
    lines.push_back(text);
  }
  const double before = folder_mb(s.work + "/db");
  run({s.bin + "/indexer", "--backup", s.work + "/compacted", "--db", s.work + "/db"});
  report(s, w, lines, before, folder_mb(s.work + "/compacted"));
  for (auto& line : lines)
    if (parse_figures(line).failed > 0) return 1;
  return w.failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Soak: indexer cycles and searchers at once for N minutes (docs/RELIABILITY.md)"};
  Settings s;
  const fs::path repo = fs::path(BENCH_REPO_ROOT);
  s.corpus = (repo.parent_path() / "shared/corpus/us-presidential-speeches/docs.jsonl.gz").string();
  s.work = (fs::temp_directory_path() / "polsearch-soak").string();
  s.bin = fs::canonical("/proc/self/exe").parent_path().parent_path().string();
  app.add_option("--minutes", s.minutes, "How long to run")->capture_default_str();
  app.add_option("--searchers", s.searchers, "Searcher processes")->capture_default_str();
  app.add_option("--churn", s.churn, "Statements deleted and re-added per cycle")
      ->capture_default_str();
  app.add_option("--corpus", s.corpus, "Gzipped JSON Lines corpus")->capture_default_str();
  app.add_option("--work", s.work, "Scratch folder (removed first)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    return soak(s);
  } catch (const std::exception& e) {
    std::cerr << "soak: " << e.what() << '\n';
    return 2;
  }
}
