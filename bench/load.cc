// load: the HTTP server under 1, 2, 4, 8, 16 concurrent keep-alive clients on
// loopback, side by side with the in-process Searcher on the same queries
// (docs/PERFORMANCE.md). A bounded request loop that prints figures; not a test.
//
//   build/release/bench/load --db DB --queries ../shared/bench/queries.tsv
//       [--server build/release/server] [--clients 1,2,4,8,16] [--requests 400]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <httplib.h>
#include <CLI/CLI.hpp>

#include "searcher.h"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::vector<std::string> read_queries(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    auto tab = line.rfind('\t');
    if (tab != std::string::npos) out.push_back(line.substr(tab + 1));
  }
  return out;
}

struct Row {
  std::string what;
  unsigned clients = 0;
  size_t requests = 0, errors = 0;
  double seconds = 0;
  std::vector<double> latencies;  // ms
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

Row in_process(const std::string& db, const std::vector<std::string>& queries, size_t requests) {
  polsearch::Searcher searcher(db);
  Row row{"in-process Searcher", 1, 0, 0, 0, {}};
  auto start = Clock::now();
  for (size_t i = 0; i < requests; ++i) {
    auto t = Clock::now();
    try {
      searcher.search(queries[i % queries.size()], polsearch::SearchOptions{});
    } catch (const std::exception&) {
      ++row.errors;
    }
    row.latencies.push_back(ms_since(t));
  }
  row.seconds = ms_since(start) / 1000;
  row.requests = requests;
  return row;
}

Row over_http(int port, unsigned clients, const std::vector<std::string>& queries,
              size_t requests) {
  Row row{"server", clients, 0, 0, 0, {}};
  std::atomic<size_t> next{0}, errors{0};
  std::vector<std::vector<double>> latencies(clients);
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (unsigned c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(60, 0);
      for (size_t i; (i = next++) < requests;) {
        std::string path =
            "/api/v1/search?q=" + httplib::detail::encode_query_param(queries[i % queries.size()]);
        auto t = Clock::now();
        auto r = client.Get(path);
        latencies[c].push_back(ms_since(t));
        if (!r || r->status != 200) ++errors;
      }
    });
  for (auto& t : threads) t.join();
  row.seconds = ms_since(start) / 1000;
  row.requests = requests;
  row.errors = errors;
  for (auto& l : latencies) row.latencies.insert(row.latencies.end(), l.begin(), l.end());
  return row;
}

long peak_rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

// Starts the server on a free port; returns its pid and port (read from its log).
std::pair<pid_t, int> start_server(const std::string& server, const std::string& db,
                                   const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(log.c_str(), "w", stderr)) _exit(127);
    execl(server.c_str(), server.c_str(), "--db", db.c_str(), "--listen", "127.0.0.1:0",
          "--log-format", "json", static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 600; ++i) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    auto at = text.str().find("http://127.0.0.1:");
    if (at != std::string::npos) return {pid, std::atoi(text.str().c_str() + at + 17)};
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("the server did not start; see " + log);
}

void print_row(const Row& row, long rss_kb) {
  std::printf("| %s | %u | %zu | %.0f | %.2f | %.2f | %zu | %s |\n", row.what.c_str(), row.clients,
              row.requests, row.requests / row.seconds, percentile(row.latencies, 0.5),
              percentile(row.latencies, 0.99), row.errors,
              rss_kb < 0 ? "" : (std::to_string(rss_kb / 1024) + " MB").c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, queries_path, server = std::string(BENCH_BINARY_DIR) + "/server";
  std::vector<unsigned> levels = {1, 2, 4, 8, 16};
  size_t requests = 400;
  CLI::App app("Load benchmark of the HTTP server against the in-process searcher", "load");
  app.add_option("--db", db, "Database")->required();
  app.add_option("--queries", queries_path, "qid<TAB>class<TAB>query file")->required();
  app.add_option("--server", server, "The server program")->capture_default_str();
  app.add_option("--clients", levels, "Concurrent clients per round")->delimiter(',');
  app.add_option("--requests", requests, "Requests per round")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  auto queries = read_queries(queries_path);
  if (queries.empty()) return std::cerr << "load: no queries in " << queries_path << '\n', 2;
  std::printf(
      "| what | clients | requests | req/s | p50 ms | p99 ms | errors | server peak RSS |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  in_process(db, queries, queries.size());  // warm the page cache
  print_row(in_process(db, queries, requests), -1);
  std::string log = "/tmp/polsearch-load-" + std::to_string(getpid()) + ".log";
  auto [pid, port] = start_server(server, db, log);
  over_http(port, 1, queries, queries.size());  // warm each Searcher of the pool
  for (unsigned clients : levels)
    print_row(over_http(port, clients, queries, requests), peak_rss_kb(pid));
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  std::remove(log.c_str());
  return 0;
}
