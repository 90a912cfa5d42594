#include "harness.h"

#include <malloc.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace bench {

using json = nlohmann::json;

const std::vector<std::string> kQueryClasses = {"term", "and", "or", "phrase", "policy"};

const Figure* EngineResult::find(const std::string& key) const {
  for (const auto& f : figures) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

namespace {

constexpr double kMB = 1e6;  // MB = 10^6 bytes everywhere in the tables

double now_s() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

double tv_s(const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; }

struct Usage {
  double wall = 0;
  double self_cpu = 0;
  double child_cpu = 0;
  static Usage now() {
    Usage u;
    u.wall = now_s();
    rusage r{};
    getrusage(RUSAGE_SELF, &r);
    u.self_cpu = tv_s(r.ru_utime) + tv_s(r.ru_stime);
    getrusage(RUSAGE_CHILDREN, &r);
    u.child_cpu = tv_s(r.ru_utime) + tv_s(r.ru_stime);
    return u;
  }
};

// Resident set size now, in bytes.
uint64_t current_rss() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// Peak RSS (bytes) of this process, or of its waited-for children.
uint64_t peak_rss(bool children) {
  rusage r{};
  getrusage(children ? RUSAGE_CHILDREN : RUSAGE_SELF, &r);
  return static_cast<uint64_t>(r.ru_maxrss) * 1024;
}

// Sets this process's peak-RSS mark back to its current RSS (Linux >= 4.0), so the
// peak measured afterwards belongs to what runs next, not to what the harness held
// before. Returns false if the kernel refused; the peak then includes the start RSS.
bool reset_peak_rss() {
  FILE* f = std::fopen("/proc/self/clear_refs", "w");
  if (!f) return false;
  bool ok = std::fputs("5", f) >= 0;
  ok = std::fclose(f) == 0 && ok;
  return ok;
}

// Runs `body` in a forked child and returns the JSON it produced. The child never
// returns: it writes its result to a pipe and _exits, so its memory (and anything
// the engine left open) goes away with it.
json in_child(const std::function<json()>& body) {
  std::fflush(stdout);
  std::fflush(stderr);
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    close(fds[0]);
    std::string out;
    try {
      json result = body();
      result["ok"] = true;
      out = result.dump(-1, ' ', false, json::error_handler_t::replace);
    } catch (const std::exception& e) {
      out = json{{"ok", false}, {"error", e.what()}}.dump(-1, ' ', false,
                                                          json::error_handler_t::replace);
    } catch (...) {
      out = R"({"ok":false,"error":"unknown exception"})";
    }
    const char* p = out.data();
    size_t left = out.size();
    while (left > 0) {
      ssize_t n = write(fds[1], p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      p += n;
      left -= static_cast<size_t>(n);
    }
    close(fds[1]);
    std::fflush(stderr);
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (out.empty()) {
    std::string why = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                          : "exit status " + std::to_string(WEXITSTATUS(status));
    return json{{"ok", false}, {"error", "child process died (" + why + ")"}};
  }
  try {
    return json::parse(out);
  } catch (const std::exception& e) {
    return json{{"ok", false}, {"error", std::string("bad child output: ") + e.what()}};
  }
}

// The index phase, run in the child.
json index_phase(Engine& engine, const Corpus& corpus, IndexContext& ctx) {
  engine.prepare(corpus, ctx);
  bool reset = reset_peak_rss();
  uint64_t start_rss = engine.runs_subprocess() ? 0 : current_rss();
  Usage u0 = Usage::now();
  engine.index(corpus, ctx);
  Usage u1 = Usage::now();
  json r;
  r["wall"] = u1.wall - u0.wall;
  r["cpu"] = (u1.self_cpu - u0.self_cpu) + (u1.child_cpu - u0.child_cpu);
  r["peak_rss"] = peak_rss(engine.runs_subprocess());
  r["start_rss"] = start_rss;
  r["peak_reset"] = reset;
  if (engine.has_index()) r["size"] = disk_usage(ctx.index_dir);
  json steps = json::array();
  for (const auto& step : engine.extra_steps()) {
    reset_peak_rss();
    Usage s0 = Usage::now();
    std::string dir = engine.run_extra_step(step, ctx);
    Usage s1 = Usage::now();
    steps.push_back({{"name", step},
                     {"wall", s1.wall - s0.wall},
                     {"cpu", (s1.self_cpu - s0.self_cpu) + (s1.child_cpu - s0.child_cpu)},
                     {"size", dir.empty() ? 0 : disk_usage(dir)}});
  }
  r["steps"] = steps;
  r["counters"] = ctx.counters;
  return r;
}

// The query phase, run in the child. Latencies are per query, in seconds, including
// snippet generation for every hit.
json query_phase(Engine& engine, Corpus& corpus, const std::vector<Query>& queries,
                 const RunOptions& options, const std::string& index_dir) {
  corpus.release();  // the searcher works from its index alone
  malloc_trim(0);
  reset_peak_rss();
  uint64_t start_rss = current_rss();
  double t0 = now_s();
  engine.open(index_dir);
  double open_s = now_s() - t0;
  const size_t passes = std::max<size_t>(1, options.repeat);
  json lat = json::array();  // passes x queries; null for a failed query
  std::vector<size_t> hit_counts(queries.size(), 0);
  size_t errors = 0;
  std::string first_error;
  json dump = json::array();
  std::vector<Hit> hits;
  for (size_t pass = 0; pass < passes; ++pass) {
    json row = json::array();
    for (size_t i = 0; i < queries.size(); ++i) {
      double q0 = now_s();
      try {
        hits.clear();
        engine.query(queries[i], options.k, hits);
        double dt = now_s() - q0;
        row.push_back(dt);
      } catch (const std::exception& e) {
        row.push_back(nullptr);
        if (pass == 0) {
          ++errors;
          if (first_error.empty()) first_error = queries[i].id + ": " + e.what();
        }
        hits.clear();
      }
      if (pass == 0) {
        hit_counts[i] = hits.size();
        if (!options.hits_path.empty()) {
          json h = json::array();
          for (const auto& hit : hits) {
            h.push_back({{"passage", hit.passage}, {"score", hit.score}, {"snippet", hit.snippet}});
          }
          dump.push_back({{"qid", queries[i].id}, {"hits", h}});
        }
      }
    }
    lat.push_back(row);
  }
  json r;
  r["open"] = open_s;
  r["lat"] = lat;
  r["hits"] = hit_counts;
  r["errors"] = errors;
  r["first_error"] = first_error;
  r["peak_rss"] = peak_rss(false);
  r["start_rss"] = start_rss;
  r["dump"] = dump;
  return r;
}

void progress(const RunOptions& o, const std::string& msg) {
  if (o.progress) std::fprintf(stderr, "%s\n", msg.c_str());
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

uint64_t disk_usage(const std::string& path) {
  namespace fs = std::filesystem;
  uint64_t total = 0;
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return 0;
  total += static_cast<uint64_t>(st.st_blocks) * 512;
  if (!S_ISDIR(st.st_mode)) return total;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (lstat(it->path().c_str(), &st) == 0) total += static_cast<uint64_t>(st.st_blocks) * 512;
  }
  return total;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

EngineResult run_engine(Engine& engine, Corpus& corpus, const std::vector<Query>& queries,
                        const RunOptions& options) {
  namespace fs = std::filesystem;
  EngineResult res;
  res.name = engine.name();
  res.description = engine.description();
  auto add = [&](std::string key, std::string label, double value, int precision,
                 bool higher_is_better = false, bool ratio = true) {
    res.figures.push_back(
        Figure{std::move(key), std::move(label), value, precision, higher_is_better, ratio});
  };

  fs::path base = fs::path(options.work_dir) / engine.name();
  IndexContext ctx;
  ctx.index_dir = (base / "index").string();
  ctx.scratch_dir = (base / "scratch").string();
  fs::remove_all(base);
  fs::create_directories(ctx.index_dir);
  fs::create_directories(ctx.scratch_dir);

  // ---- index phase
  progress(options,
           "[" + engine.name() + "] index: " + std::to_string(corpus.size()) + " passages ...");
  json ix = in_child([&] { return index_phase(engine, corpus, ctx); });
  if (!ix.value("ok", false)) {
    res.notes.push_back("index phase failed: " + ix.value("error", std::string("?")));
    progress(options, "[" + engine.name() + "] index FAILED: " + res.notes.back());
    return res;
  }
  const double wall = ix["wall"].get<double>();
  const double mb = static_cast<double>(corpus.bytes()) / kMB;
  const uint64_t peak = ix["peak_rss"].get<uint64_t>();
  const uint64_t start = ix["start_rss"].get<uint64_t>();
  add("index.wall_s", "index wall s", wall, 2);
  add("index.cpu_s", "index CPU s", ix["cpu"].get<double>(), 2);
  add("index.mb_per_s", "index MB/s", wall > 0 ? mb / wall : 0, 2, true);
  add("index.passages_per_s", "index passages/s",
      wall > 0 ? static_cast<double>(corpus.size()) / wall : 0, 0, true);
  add("index.peak_rss_mb", "index peak RSS MB", static_cast<double>(peak) / kMB, 1);
  if (!engine.runs_subprocess()) {
    add("index.rss_added_mb", "index peak RSS above start MB",
        static_cast<double>(peak > start ? peak - start : 0) / kMB, 1);
  }
  if (!ix.value("peak_reset", false)) {
    res.notes.push_back(
        "could not reset the peak-RSS mark (/proc/self/clear_refs); peak RSS "
        "includes the passages the harness holds");
  }
  if (engine.has_index()) {
    double size = ix["size"].get<double>();
    add("index.size_mb", "index size MB", size / kMB, 1);
    add("index.size_pct", "index size % of input", mb > 0 ? 100.0 * size / kMB / mb : 0, 0);
  }
  for (const auto& s : ix["steps"]) {
    std::string n = s["name"].get<std::string>();
    add("step." + n + ".wall_s", n + " wall s", s["wall"].get<double>(), 2);
    add("step." + n + ".cpu_s", n + " CPU s", s["cpu"].get<double>(), 2);
    if (s["size"].get<uint64_t>() > 0) {
      add("step." + n + ".size_mb", "size after " + n + " MB", s["size"].get<double>() / kMB, 1);
    }
  }
  for (const auto& [counter, value] : ix["counters"].items()) {
    add("count." + counter, counter, value.get<double>(), 0, false, false);
  }
  progress(options, "[" + engine.name() + "] index: " + fmt("%.2f s", wall));

  if (!engine.searchable()) return res;

  // ---- query phase
  progress(options, "[" + engine.name() + "] query: " + std::to_string(queries.size()) +
                        " queries x " + std::to_string(options.repeat) + " passes ...");
  json qx = in_child([&] { return query_phase(engine, corpus, queries, options, ctx.index_dir); });
  if (!qx.value("ok", false)) {
    res.notes.push_back("query phase failed: " + qx.value("error", std::string("?")));
    progress(options, "[" + engine.name() + "] query FAILED: " + res.notes.back());
    return res;
  }
  const auto& lat = qx["lat"];
  const size_t first_counted = lat.size() > 1 ? 1 : 0;
  if (first_counted == 0) res.notes.push_back("--repeat 1: latencies are from a cold pass");
  std::map<std::string, std::vector<double>> by_class;
  std::vector<double> all;
  double busy = 0;
  for (size_t pass = first_counted; pass < lat.size(); ++pass) {
    for (size_t i = 0; i < queries.size() && i < lat[pass].size(); ++i) {
      if (lat[pass][i].is_null()) continue;
      double ms = lat[pass][i].get<double>() * 1000.0;
      by_class[queries[i].cls].push_back(ms);
      all.push_back(ms);
      busy += ms;
    }
  }
  std::vector<std::string> classes = {"all"};
  for (const auto& c : kQueryClasses) {
    if (by_class.count(c)) classes.push_back(c);
  }
  for (const auto& [c, v] : by_class) {
    if (std::find(classes.begin(), classes.end(), c) == classes.end()) classes.push_back(c);
  }
  by_class["all"] = all;
  add("query.open_ms", "open ms", qx["open"].get<double>() * 1000.0, 2);
  for (const auto& c : classes) {
    auto& v = by_class[c];
    std::sort(v.begin(), v.end());
    for (int p : {50, 95, 99}) {
      add("query." + c + ".p" + std::to_string(p) + "_ms",
          "query " + c + " p" + std::to_string(p) + " ms", percentile(v, p), 3);
    }
  }
  add("query.qps", "queries/s (1 thread)",
      busy > 0 ? static_cast<double>(all.size()) / (busy / 1000.0) : 0, 0, true);
  double hits = 0;
  for (const auto& h : qx["hits"]) hits += h.get<double>();
  add("query.mean_hits", "mean hits returned (of " + std::to_string(options.k) + ")",
      queries.empty() ? 0 : hits / static_cast<double>(queries.size()), 2, false, false);
  add("query.errors", "query errors", qx["errors"].get<double>(), 0, false, false);
  const uint64_t qpeak = qx["peak_rss"].get<uint64_t>();
  const uint64_t qstart = qx["start_rss"].get<uint64_t>();
  add("query.peak_rss_mb", "query peak RSS MB", static_cast<double>(qpeak) / kMB, 1);
  add("query.rss_added_mb", "query peak RSS above start MB",
      static_cast<double>(qpeak > qstart ? qpeak - qstart : 0) / kMB, 1);
  if (qx["errors"].get<size_t>() > 0) {
    res.notes.push_back(std::to_string(qx["errors"].get<size_t>()) +
                        " queries failed, first: " + qx["first_error"].get<std::string>());
  }
  if (!options.hits_path.empty()) {
    std::ofstream out(options.hits_path, std::ios::app);
    for (auto& d : qx["dump"]) {
      d["engine"] = engine.name();
      out << d.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    }
  }
  progress(options,
           "[" + engine.name() + "] query: p50 " + fmt("%.3f ms", percentile(by_class["all"], 50)));
  return res;
}

}  // namespace bench
