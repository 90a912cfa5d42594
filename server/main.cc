// server: the HTTP JSON API (docs/API.md) over one database, read-only. A thin layer
// over polsearch::serve::ApiServer: options in, serve until SIGTERM/SIGINT, exit 0
// once the requests in flight are answered.
#include <csignal>
#include <filesystem>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "api_server.h"
#include "exit_status.h"
#include "static_files.h"

namespace {

// "HOST:PORT" (the last colon splits, so "[::1]:80" works too).
bool split_listen(const std::string& listen, polsearch::serve::ServerOptions& o) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  o.host = listen.substr(0, colon);
  if (o.host.size() > 2 && o.host.front() == '[') o.host = o.host.substr(1, o.host.size() - 2);
  try {
    o.port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    return false;
  }
  return o.port >= 0 && o.port <= 65535;
}

}  // namespace

int main(int argc, char** argv) {
  polsearch::serve::ServerOptions o;
  std::string listen = "127.0.0.1:8080", log_format = "text", web;
  CLI::App app("Serve a polsearch database over HTTP (JSON API, docs/API.md)", "server");
  app.add_option("--db", o.db_path, "Database folder")->required()->envname("POLSEARCH_DB");
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0: any free one)")
      ->capture_default_str();
  app.add_option("--threads", o.threads, "Connections served at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  app.add_option("--max-in-flight", o.max_in_flight, "Requests answered at once; more get 503")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  app.add_option("--max-connections", o.max_queued,
                 "Connections waiting for a thread; more get 503")
      ->capture_default_str();
  app.add_option("--cors", o.cors_origin, "Allow this origin (CORS); off by default");
  app.add_option("--web", web,
                 "Folder of the web page (default: installed, else the source tree's web/)");
  app.add_option("--log-format", log_format, "Access log on stderr: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  CLI11_PARSE(app, argc, argv);
  if (!split_listen(listen, o)) {
    std::cerr << "server: --listen: '" << listen << "' is not HOST:PORT\n";
    return polsearch::kExitUsage;
  }
  o.json_log = log_format == "json";
  auto exe_dir = std::filesystem::absolute(argv[0]).parent_path();
  o.web_dir = web.empty() ? polsearch::serve::default_web_dir(exe_dir, POLSEARCH_SOURCE_WEB) : web;
  if (const char* delay = std::getenv("POLSEARCH_TEST_HANDLER_DELAY_MS"))
    o.handler_delay = std::chrono::milliseconds(std::atoi(delay));
  // SIGTERM and SIGINT wait for a thread of ours (sigwait), which stops the server.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  try {
    polsearch::serve::ApiServer server(o, std::cerr);
    int port = server.bind();
    std::cerr << "server: serving " << o.db_path << " on http://" << o.host << ':' << port << "/\n";
    std::thread waiter([&] {
      int signal = 0;
      sigwait(&stop_signals, &signal);
      std::cerr << "server: stopping (signal " << signal << "), finishing requests in flight\n";
      server.stop();
    });
    waiter.detach();
    server.serve();
    std::cerr << "server: stopped\n";
    return polsearch::kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "server: " << e.what() << '\n';
    return polsearch::kExitDatabase;
  }
}
