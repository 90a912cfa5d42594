// querytail: where the query tail goes, and a check that an execution change keeps the
// results. Runs the bench queries (queries_syntax.tsv, the form `compare` sends) on an
// existing database the way `compare` does (top 10, no per-statement collapse, highlighted
// passages), optionally with --explain or --expand, and prints p50/p95/p99 per class and
// the slowest queries. --dump FILE writes each query's hits (statement, passage, score,
// and with --explain its parts) so that two builds can be diffed. See bench/README.md.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "output.h"
#include "searcher.h"

#ifndef BENCH_REPO_ROOT
#define BENCH_REPO_ROOT ""
#endif

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitFailed = 4;

struct BenchQuery {
  std::string qid, cls, text;
  std::vector<double> ms;
};

// qid<TAB>class<TAB>query[<TAB>...]
std::vector<BenchQuery> load_queries(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read");
  std::vector<BenchQuery> out;
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find('\t'), b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (b == std::string::npos) continue;
    size_t c = line.find('\t', b + 1);
    out.push_back({line.substr(0, a),
                   line.substr(a + 1, b - a - 1),
                   line.substr(b + 1, c == std::string::npos ? c : c - b - 1),
                   {}});
  }
  if (out.empty()) throw std::runtime_error(path + ": no queries");
  return out;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100 * static_cast<double>(values.size())));
  return values[std::min(values.size(), std::max<size_t>(rank, 1)) - 1];
}

// Milliseconds of this thread's CPU: on a loaded machine wall time counts the waits
// for a core, CPU time only the work (--cpu).
double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double median(std::vector<double> values) { return percentile(std::move(values), 50); }

void dump_result(std::ostream& out, const BenchQuery& q, const polsearch::SearchResult& r) {
  char buf[64];
  for (const polsearch::Hit& hit : r.hits) {
    std::snprintf(buf, sizeof buf, "%.12g", hit.score);
    out << q.qid << '\t' << hit.rank << '\t' << hit.doc_id << '\t' << hit.passage << '\t' << buf
        << '\t' << polsearch::marked_text(hit, polsearch::HighlightStyle::Markers).size() << '\t'
        << hit.collapsed << '\n';
    if (!hit.explain) continue;
    for (const polsearch::ExplainPart& part : *hit.explain) {
      std::snprintf(buf, sizeof buf, "%.12g", part.weight);
      out << "  " << part.kind << '\t' << part.term << '\t' << part.query << '\t' << buf << '\n';
    }
  }
  const polsearch::Count &passages = r.counts.passages, &statements = r.counts.statements;
  out << q.qid << "\tmatches\t" << passages.estimate << ' ' << passages.lower << ' '
      << passages.upper << '\t' << statements.estimate << ' ' << statements.lower << ' '
      << statements.upper << '\n';
}

void print_table(const std::vector<BenchQuery>& queries, size_t slowest) {
  std::map<std::string, std::vector<double>> by_class;
  for (const BenchQuery& q : queries) {
    by_class[q.cls].insert(by_class[q.cls].end(), q.ms.begin(), q.ms.end());
    by_class["all"].insert(by_class["all"].end(), q.ms.begin(), q.ms.end());
  }
  std::printf("%-8s %8s %9s %9s %9s\n", "class", "timings", "p50 ms", "p95 ms", "p99 ms");
  for (auto& [cls, ms] : by_class)
    std::printf("%-8s %8zu %9.2f %9.2f %9.2f\n", cls.c_str(), ms.size(), percentile(ms, 50),
                percentile(ms, 95), percentile(ms, 99));
  std::vector<const BenchQuery*> order;
  for (const BenchQuery& q : queries) order.push_back(&q);
  std::sort(order.begin(), order.end(),
            [](auto* a, auto* b) { return median(a->ms) > median(b->ms); });
  std::printf("slowest (median ms over the counted passes):\n");
  for (size_t i = 0; i < slowest && i < order.size(); ++i)
    std::printf("  %7.2f  %s %-7s %s\n", median(order[i]->ms), order[i]->qid.c_str(),
                order[i]->cls.c_str(), order[i]->text.c_str());
}

int usage() {
  std::cerr << "usage: querytail --db DIR [--queries queries_syntax.tsv] "
               "[--mode plain|explain|expand] [--repeat N] [--dump FILE] [--slowest N] "
               "[--cpu 1] [--check-at-least N]\n";
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, queries_path, mode = "plain", dump_path;
  unsigned repeat = 3;
  size_t slowest = 10;
  bool cpu = false;
  unsigned check_at_least = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) return usage();
    std::string value = argv[++i];
    if (arg == "--db")
      db = value;
    else if (arg == "--queries")
      queries_path = value;
    else if (arg == "--mode")
      mode = value;
    else if (arg == "--dump")
      dump_path = value;
    else if (arg == "--repeat")
      repeat = static_cast<unsigned>(std::stoul(value));
    else if (arg == "--slowest")
      slowest = std::stoul(value);
    else if (arg == "--cpu")
      cpu = value == "1";
    else if (arg == "--check-at-least")
      check_at_least = static_cast<unsigned>(std::stoul(value));
    else
      return usage();
  }
  if (db.empty() || repeat < 2 || (mode != "plain" && mode != "explain" && mode != "expand"))
    return usage();
  if (queries_path.empty())
    queries_path = std::string(BENCH_REPO_ROOT) + "/../shared/bench/queries_syntax.tsv";
  try {
    std::vector<BenchQuery> queries = load_queries(queries_path);
    polsearch::Searcher searcher(db);
    polsearch::SearchOptions options;
    options.limit = 10;
    options.per_doc = 0;  // as compare: the peers do not collapse per statement
    options.explain = mode == "explain";
    options.expand = mode == "expand";
    options.check_at_least = check_at_least;  // e.g. the doccount: no pruning
    std::ofstream dump;
    if (!dump_path.empty()) dump.open(dump_path);
    for (unsigned pass = 0; pass < repeat; ++pass) {
      for (BenchQuery& q : queries) {
        auto start = std::chrono::steady_clock::now();
        double cpu_start = thread_cpu_ms();
        polsearch::SearchResult r = searcher.search(q.text, options);
        for (const polsearch::Hit& hit : r.hits)
          (void)polsearch::marked_text(hit, polsearch::HighlightStyle::Markers);
        double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        if (cpu) ms = thread_cpu_ms() - cpu_start;
        if (pass == 0 && dump.is_open()) dump_result(dump, q, r);
        if (pass > 0) q.ms.push_back(ms);  // the first pass warms the caches
      }
    }
    std::printf("database %s, mode %s, %zu queries, %u counted passes, %s\n", db.c_str(),
                mode.c_str(), queries.size(), repeat - 1, cpu ? "thread CPU time" : "wall time");
    print_table(queries, slowest);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "querytail: " << e.what() << '\n';
  } catch (const Xapian::Error& e) {
    std::cerr << "querytail: " << e.get_description() << '\n';
  }
  return kExitFailed;
}
