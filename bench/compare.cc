// compare: indexes the same passages and runs the same queries with several search
// engines, one after the other, and prints one table of their figures side by side
// (index time, throughput, peak memory, index size, query latency percentiles per
// query class) and the ratio of each engine's figures to each peer's.
//
// See bench/README.md. To add an engine: implement bench::Engine (bench/lib/engine.h)
// and add one line to engine_registry() below.
#include <sys/utsname.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>

#include "lib/corpus.h"
#include "lib/engine.h"
#include "lib/harness.h"
#include "lib/peers.h"
#include "lib/polsearch_engine.h"
#include "lib/report.h"

#ifndef BENCH_REPO_ROOT
#define BENCH_REPO_ROOT ""
#endif
#ifndef BENCH_BUILD_TYPE
#define BENCH_BUILD_TYPE "unknown"
#endif

namespace {

namespace fs = std::filesystem;

struct EngineEntry {
  std::string name;
  std::function<std::unique_ptr<bench::Engine>(const std::string& scriptindex)> make;
  // Why the engine cannot run here ("" if it can): it is then skipped with a note,
  // or refused if asked for by name.
  std::function<std::string(const std::string& scriptindex)> missing = [](const std::string&) {
    return std::string();
  };
};

// Every engine compare knows, in default run order.
std::vector<EngineEntry> engine_registry() {
  return {
      {"icu", [](const std::string&) { return bench::make_icu_floor(); }},
      {"fts5", [](const std::string&) { return bench::make_fts5(); }},
      {"xapian", [](const std::string&) { return bench::make_xapian(); }},
      {"scriptindex", [](const std::string& p) { return bench::make_scriptindex(p); },
       [](const std::string& p) {
         return bench::program_available(p) ? std::string()
                                            : p + " not found (Debian package xapian-omega)";
       }},
      {"polsearch", [](const std::string&) { return bench::make_polsearch(0); }},
  };
}

double parse_fraction(const std::string& s) {
  size_t slash = s.find('/');
  double v = slash == std::string::npos
                 ? std::stod(s)
                 : std::stod(s.substr(0, slash)) / std::stod(s.substr(slash + 1));
  if (!(v > 0 && v <= 1)) throw std::invalid_argument("fraction must be in (0, 1]: " + s);
  return v;
}

std::string fraction_text(double f) {
  if (f == 1) return "all";
  double inv = 1 / f;
  if (std::fabs(inv - std::round(inv)) < 1e-9) return "1/" + std::to_string(std::lround(inv));
  std::ostringstream o;
  o << f;
  return o.str();
}

std::string loadavg() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&t));
  return buf;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// The command line.
struct CompareArgs {
  std::vector<std::string> corpora;
  std::string fraction_arg;
  bool quick = false;
  std::string engines_arg;
  std::string queries_path =
      bench::resolve_default_path("../shared/bench/queries_syntax.tsv", BENCH_REPO_ROOT);
  std::string work_dir;
  bool keep = false;
  size_t repeat = 0;
  std::string format = "text";
  std::string output;
  std::string hits_path;
  std::string scriptindex = "scriptindex";
  bool quiet = false;
};

void add_options(CLI::App& app, CompareArgs& a) {
  app.add_option("--corpus", a.corpora,
                 "statements as JSON Lines (.jsonl or .jsonl.gz); repeat to combine corpora "
                 "[default: ../shared/corpus/ungdc/docs.jsonl.gz from the repo root]");
  app.add_option("--fraction", a.fraction_arg,
                 "first F of the statements of each corpus: 1/8, 0.25, 1/2, 1 [default: 1; "
                 "--quick: 1/64]");
  app.add_flag("--quick", a.quick,
               "small slice (1/64 of the statements) and 2 query passes: well under a minute");
  app.add_option("--engines", a.engines_arg,
                 "comma-separated engines to run, in that order [default: all available]");
  app.add_option("--queries", a.queries_path, "queries_syntax.tsv (queries.tsv is read beside it)");
  app.add_option("--work-dir", a.work_dir,
                 "folder for the indexes [default: a new temporary folder]; removed at the end "
                 "unless --keep");
  app.add_flag("--keep", a.keep, "keep the indexes in --work-dir");
  app.add_option("--repeat", a.repeat,
                 "query passes; the first is a warm-up and not counted [default: 5; --quick: 2]");
  app.add_option("--format", a.format, "output format")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  app.add_option("--output", a.output, "write the table to this file instead of standard output");
  app.add_option("--hits", a.hits_path,
                 "append every engine's top hits (first pass) as JSON Lines");
  app.add_option("--scriptindex", a.scriptindex, "scriptindex program");
  app.add_flag("--quiet", a.quiet, "no progress lines on standard error");
}

// A usage error: compare exits 2 with this message.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The engines to run, in order: those named, or every one that can run here (the others
// are skipped with a note).
std::vector<std::unique_ptr<bench::Engine>> select_engines(const std::vector<EngineEntry>& registry,
                                                           const CompareArgs& a,
                                                           std::vector<std::string>& notes) {
  std::vector<std::unique_ptr<bench::Engine>> engines;
  std::vector<std::string> wanted;
  bool explicit_list = !a.engines_arg.empty();
  if (explicit_list) {
    wanted = split_commas(a.engines_arg);
  } else {
    for (const auto& e : registry) wanted.push_back(e.name);
  }
  for (const auto& w : wanted) {
    auto it = std::find_if(registry.begin(), registry.end(),
                           [&](const EngineEntry& e) { return e.name == w; });
    if (it == registry.end())
      throw UsageError("unknown engine '" + w + "' (--engines list shows them)");
    if (std::string msg = it->missing(a.scriptindex); !msg.empty()) {
      if (explicit_list) throw UsageError(msg);
      notes.push_back(msg + ": skipped");
      continue;
    }
    engines.push_back(it->make(a.scriptindex));
  }
  return engines;
}

// The folder for the indexes; returns true if compare made it (and so removes it whole).
bool prepare_work_dir(std::string& work_dir) {
  if (work_dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "polsearch-compare-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    work_dir = tmpl;
    return true;
  }
  bool made = !fs::exists(work_dir);
  fs::create_directories(work_dir);
  return made;
}

std::string build_description() {
  return std::string(BENCH_BUILD_TYPE) + ", " +
#if defined(__clang__)
         "clang " __clang_version__
#elif defined(__GNUC__)
         "g++ " __VERSION__
#else
         "unknown compiler"
#endif
      ;
}

// What the run was: when, where, on what, with which queries.
struct RunContext {
  std::string started, load_start, load_end;
  double fraction = 1;
  std::vector<std::string> notes;
};

void describe_run(bench::Report& report, const RunContext& run, const CompareArgs& a,
                  const bench::Corpus& corpus, const std::vector<bench::Query>& queries) {
  std::map<std::string, int> per_class;
  for (const auto& q : queries) per_class[q.cls]++;
  std::string classes;
  for (const auto& c : bench::kQueryClasses) {
    if (per_class.count(c))
      classes += (classes.empty() ? "" : ", ") + c + " " + std::to_string(per_class[c]);
  }
  std::string sources;
  for (const auto& s : corpus.sources) sources += (sources.empty() ? "" : " + ") + s;
  char corpus_line[512];
  std::snprintf(corpus_line, sizeof corpus_line,
                "%s of the statements: %llu statements, %zu passages, %.1f MB",
                fraction_text(run.fraction).c_str(),
                static_cast<unsigned long long>(corpus.statements), corpus.size(),
                static_cast<double>(corpus.bytes()) / 1e6);
  utsname un{};
  uname(&un);
  report.meta.push_back({"run", run.started});
  report.meta.push_back({"machine", std::string(un.machine) + " " + un.release + ", " +
                                        std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) +
                                        " CPUs online, load " + run.load_start + " at start, " +
                                        run.load_end +
                                        " at end (a busy machine inflates every figure)"});
  report.meta.push_back({"build", build_description()});
  report.meta.push_back({"corpus", sources});
  report.meta.push_back({"passages", corpus_line});
  report.meta.push_back(
      {"queries",
       std::to_string(queries.size()) + " (" + classes + ") from " + a.queries_path + "; " +
           std::to_string(a.repeat) + " passes, " +
           (a.repeat > 1 ? "first a warm-up, " + std::to_string(a.repeat - 1) + " counted"
                         : "1 counted (cold)")});
  report.meta.push_back({"work dir", a.work_dir + (a.keep ? " (kept)" : " (removed)")});
  for (const auto& n : run.notes) report.meta.push_back({"note", n});
}

// Writes the table; returns compare's exit status (1 if a phase of an engine failed).
int write_report(const bench::Report& report, const CompareArgs& a) {
  std::string text = a.format == "json"       ? bench::format_json(report)
                     : a.format == "markdown" ? bench::format_markdown(report)
                                              : bench::format_text(report);
  if (a.output.empty()) {
    std::cout << text << std::flush;
  } else {
    std::ofstream out(a.output);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + a.output);
  }
  bool failed = false;
  for (const auto& r : report.engines) {
    for (const auto& n : r.notes) failed |= n.find("phase failed") != std::string::npos;
  }
  return failed ? 1 : 0;
}

// Reads the corpus and the queries (before anything is timed).
void load_inputs(const CompareArgs& a, double fraction, bench::Corpus& corpus,
                 std::vector<bench::Query>& queries) {
  auto t0 = std::chrono::steady_clock::now();
  bench::load_corpus(a.corpora, fraction, corpus);
  queries = bench::load_queries(a.queries_path);
  double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (corpus.size() == 0) throw std::runtime_error("the corpus has no passages");
  if (!a.quiet) {
    std::fprintf(stderr,
                 "compare: %zu passages (%.1f MB) from %llu statements, %zu queries; "
                 "read in %.1f s\n",
                 corpus.size(), static_cast<double>(corpus.bytes()) / 1e6,
                 static_cast<unsigned long long>(corpus.statements), queries.size(), load_s);
  }
}

int run_compare(CompareArgs& a, const std::vector<EngineEntry>& registry) {
  RunContext run;
  run.fraction =
      a.fraction_arg.empty() ? (a.quick ? 1.0 / 64 : 1.0) : parse_fraction(a.fraction_arg);
  if (a.repeat == 0) a.repeat = a.quick ? 2 : 5;
  if (a.corpora.empty())
    a.corpora.push_back(
        bench::resolve_default_path("../shared/corpus/ungdc/docs.jsonl.gz", BENCH_REPO_ROOT));
  std::vector<std::unique_ptr<bench::Engine>> engines = select_engines(registry, a, run.notes);

  run.started = utc_now();
  run.load_start = loadavg();
  bench::Corpus corpus;
  std::vector<bench::Query> queries;
  load_inputs(a, run.fraction, corpus, queries);
  bool made_work_dir = prepare_work_dir(a.work_dir);

  bench::RunOptions options;
  options.repeat = a.repeat;
  options.work_dir = a.work_dir;
  options.hits_path = a.hits_path;
  options.progress = !a.quiet;
  if (!a.hits_path.empty()) std::ofstream(a.hits_path, std::ios::trunc);
  bench::Report report;
  for (auto& e : engines) report.engines.push_back(bench::run_engine(*e, corpus, queries, options));
  run.load_end = loadavg();

  if (!a.keep) {
    std::error_code ec;
    if (made_work_dir) {
      fs::remove_all(a.work_dir, ec);
    } else {
      for (auto& e : engines) fs::remove_all(fs::path(a.work_dir) / e->name(), ec);
    }
  }
  describe_run(report, run, a, corpus, queries);
  return write_report(report, a);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Side-by-side benchmark of search engines on the same passages and queries"};
  CompareArgs args;
  add_options(app, args);
  CLI11_PARSE(app, argc, argv);

  std::vector<EngineEntry> registry = engine_registry();
  if (args.engines_arg == "list") {
    for (const auto& e : registry) std::cout << e.name << "\n";
    return 0;
  }
  try {
    return run_compare(args, registry);
  } catch (const UsageError& e) {
    std::cerr << "compare: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "compare: " << e.what() << "\n";
    return 1;
  }
}
