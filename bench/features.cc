// features: latency of the analyst features on an existing database, warm and in-process.
// For a fixed set of policy queries it times the plain query and the same query with
// --facets, a date window, a country filter, --expand, --sort -date, --like (of the plain
// query's top hit) and --context 1, and prints p50/p95/p99 per mode. See bench/README.md.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "searcher.h"

#ifndef BENCH_REPO_ROOT
#define BENCH_REPO_ROOT ""
#endif

namespace {

constexpr int kExitUsage = 2;     // src/model/exit_status.h
constexpr int kExitDatabase = 3;  // cannot open the database
constexpr int kExitFailed = 4;

// ../shared/bench/queries.tsv (qid<TAB>class<TAB>query): the first `count` queries of the
// policy and phrase classes, alternately, so the set mixes word bags and phrases.
std::vector<std::string> load_queries(const std::string& path, size_t count) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read");
  std::map<std::string, std::vector<std::string>> by_class;
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find('\t'), b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (b == std::string::npos) continue;
    by_class[line.substr(a + 1, b - a - 1)].push_back(line.substr(b + 1));
  }
  std::vector<std::string> out;
  const auto& policy = by_class["policy"];
  const auto& phrase = by_class["phrase"];
  for (size_t i = 0; out.size() < count && (i < policy.size() || i < phrase.size()); ++i) {
    if (i < policy.size()) out.push_back(policy[i]);
    if (i < phrase.size() && out.size() < count) out.push_back(phrase[i]);
  }
  if (out.empty()) throw std::runtime_error(path + ": no policy or phrase queries");
  return out;
}

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<size_t>(rank, 1)) - 1];
}

struct Mode {
  using Prepare = std::function<bool(size_t, std::string&, polsearch::SearchOptions&)>;
  Mode(std::string mode_name, Prepare how) : name(std::move(mode_name)), prepare(std::move(how)) {}
  std::string name;
  // Fills the query text and options for query i; false to skip it (e.g. no seed for --like).
  Prepare prepare;
  std::vector<double> ms;
  double hits = 0;
  size_t runs = 0;
};

struct FeaturesArgs {
  std::string db_path, queries_path, country = "USA", date_window = "1990..2010";
  size_t count = 20;
  unsigned repeat = 5, limit = 10;
  unsigned facet_sample = polsearch::kDefaultFacetSample;
};

void add_options(CLI::App& app, FeaturesArgs& a) {
  app.footer(
      "Prints one row per mode: queries timed, p50/p95/p99 latency in ms (nearest rank over\n"
      "every counted pass) and mean hits returned. Exit status: 0 done; 2 usage error or\n"
      "unreadable queries file; 3 database missing or unreadable; 4 unexpected failure.");
  app.add_option("--db", a.db_path, "Database folder (e.g. one built from the UNGDC corpus)")
      ->required();
  app.add_option("--queries", a.queries_path,
                 "queries.tsv (qid<TAB>class<TAB>query); default ../shared/bench/queries.tsv");
  app.add_option("--count", a.count, "Queries (policy and phrase classes, alternately)")
      ->capture_default_str();
  app.add_option("--repeat", a.repeat, "Passes; the first is a warm-up and is not counted")
      ->capture_default_str()
      ->check(CLI::Range(2u, 1000u));
  app.add_option("--limit", a.limit, "Hits per query")->capture_default_str();
  app.add_option("--country", a.country, "Value of the country: filter mode")
      ->capture_default_str();
  app.add_option("--date", a.date_window, "Range of the date: filter mode")->capture_default_str();
  app.add_option("--facet-sample", a.facet_sample, "Matches the --facets mode counts")
      ->capture_default_str();
}

using polsearch::SearchOptions;

// Every mode timed: the plain query, then each feature on the same query.
std::vector<Mode> build_modes(const std::vector<std::string>& queries, const SearchOptions& base,
                              const std::vector<std::optional<polsearch::PassageRef>>& seeds,
                              const FeaturesArgs& a) {
  auto with = [&](std::function<void(std::string&, SearchOptions&)> change) {
    return [&, change](size_t i, std::string& q, SearchOptions& o) {
      q = queries[i];
      o = base;
      change(q, o);
      return true;
    };
  };
  std::vector<Mode> modes;
  modes.push_back({"plain", with([](std::string&, SearchOptions&) {})});
  modes.push_back({"--facets", with([&](std::string&, SearchOptions& o) {
                     o.facets = true;
                     o.facet_sample = a.facet_sample;
                   })});
  modes.push_back({"--exact-facets", with([](std::string&, SearchOptions& o) {
                     o.facets = true;
                     o.exact_facets = true;
                   })});
  modes.push_back({"date:" + a.date_window, with([&](std::string& q, SearchOptions&) {
                     q = "date:" + a.date_window + " " + q;
                   })});
  modes.push_back({"country:" + a.country, with([&](std::string& q, SearchOptions&) {
                     q = "country:" + a.country + " " + q;
                   })});
  modes.push_back({"--expand", with([](std::string&, SearchOptions& o) { o.expand = true; })});
  modes.push_back({"--sort date", with([](std::string&, SearchOptions& o) {
                     o.sort = polsearch::SortOrder::DateAscending;
                   })});
  modes.push_back({"--sort -date", with([](std::string&, SearchOptions& o) {
                     o.sort = polsearch::SortOrder::DateDescending;
                   })});
  modes.push_back({"--like top hit", [&](size_t i, std::string& q, SearchOptions& o) {
                     if (!seeds[i]) return false;
                     q.clear();
                     o = base;
                     o.like = seeds[i];
                     return true;
                   }});
  modes.push_back({"--context 1", with([](std::string&, SearchOptions& o) { o.context = 1; })});
  modes.push_back({"--explain", with([](std::string&, SearchOptions& o) { o.explain = true; })});
  return modes;
}

// Pass by pass, each mode in turn, so a load change on the machine touches all modes.
void time_modes(polsearch::Searcher& searcher, std::vector<Mode>& modes, size_t queries,
                unsigned repeat) {
  for (unsigned pass = 0; pass < repeat; ++pass) {
    for (Mode& mode : modes) {
      for (size_t i = 0; i < queries; ++i) {
        std::string q;
        SearchOptions o;
        if (!mode.prepare(i, q, o)) continue;
        auto start = std::chrono::steady_clock::now();
        polsearch::SearchResult r = searcher.search(q, o);
        double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        if (pass == 0) continue;  // warm-up
        mode.ms.push_back(ms);
        mode.hits += static_cast<double>(r.hits.size());
        ++mode.runs;
      }
    }
  }
}

void print_table(polsearch::Searcher& searcher, std::vector<Mode>& modes, size_t queries,
                 const FeaturesArgs& a) {
  Xapian::Database& db = searcher.database();
  std::printf("database %s: %u documents; %zu queries, %u counted passes, top %u\n",
              a.db_path.c_str(), db.get_doccount(), queries, a.repeat - 1, a.limit);
  std::printf("%-22s %8s %9s %9s %9s %10s\n", "mode", "queries", "p50 ms", "p95 ms", "p99 ms",
              "mean hits");
  for (Mode& mode : modes) {
    std::sort(mode.ms.begin(), mode.ms.end());
    std::printf("%-22s %8zu %9.2f %9.2f %9.2f %10.1f\n", mode.name.c_str(),
                mode.runs / (a.repeat - 1), percentile(mode.ms, 50), percentile(mode.ms, 95),
                percentile(mode.ms, 99), mode.runs ? mode.hits / mode.runs : 0.0);
  }
}

int run_features(polsearch::Searcher& searcher, const std::vector<std::string>& queries,
                 const FeaturesArgs& a) {
  try {
    SearchOptions base;
    base.limit = a.limit;
    // The --like seed of each query: its plain top hit.
    std::vector<std::optional<polsearch::PassageRef>> seeds(queries.size());
    for (size_t i = 0; i < queries.size(); ++i) {
      polsearch::SearchResult r = searcher.search(queries[i], base);
      if (!r.hits.empty()) seeds[i] = polsearch::PassageRef{r.hits[0].doc_id, r.hits[0].passage};
    }
    std::vector<Mode> modes = build_modes(queries, base, seeds, a);
    time_modes(searcher, modes, queries.size(), a.repeat);
    print_table(searcher, modes, queries.size(), a);
    return 0;
  } catch (const polsearch::QuerySyntaxError& e) {
    std::cerr << "features: query syntax error: " << e.what() << '\n';
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "features: " << e.what() << '\n';
    return kExitFailed;
  } catch (const Xapian::Error& e) {
    std::cerr << "features: " << e.get_description() << '\n';
    return kExitFailed;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Latency of the searcher's analyst features on a database (warm, in-process)",
               "features"};
  FeaturesArgs args;
  add_options(app, args);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  if (args.queries_path.empty()) {
    std::string root = BENCH_REPO_ROOT;
    args.queries_path =
        (root.empty() ? std::string("..") : root + "/..") + "/shared/bench/queries.tsv";
  }
  std::vector<std::string> queries;
  try {
    queries = load_queries(args.queries_path, args.count);
  } catch (const std::exception& e) {
    std::cerr << "features: " << e.what() << '\n';
    return kExitUsage;
  }
  std::optional<polsearch::Searcher> searcher;
  try {
    searcher.emplace(args.db_path);
  } catch (const std::exception& e) {
    std::cerr << "features: " << args.db_path << ": " << e.what() << '\n';
    return kExitDatabase;
  } catch (const Xapian::Error& e) {
    std::cerr << "features: " << args.db_path << ": " << e.get_description() << '\n';
    return kExitDatabase;
  }
  return run_features(*searcher, queries, args);
}
