// The HTTP JSON API (docs/API.md) over one database: routes, limits, errors, access
// log, metrics and the web page's static files. server/main.cc and the tests run it.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include <httplib.h>

#include "api_request.h"
#include "connection_pool.h"
#include "metrics.h"
#include "searcher_pool.h"

namespace polsearch::serve {

struct ServerOptions {
  std::string db_path;
  std::string host = "127.0.0.1";
  int port = 8080;            // 0: any free port (listen() reports it)
  unsigned threads = 512;     // connections served at once (an idle one holds a thread)
  unsigned max_queued = 256;  // connections waiting for a thread
  unsigned max_in_flight = 16;
  std::string cors_origin;  // "" = no CORS headers
  std::string web_dir;      // "" = no web page
  bool json_log = false;
  std::chrono::milliseconds read_timeout{5000}, write_timeout{5000};
  unsigned keep_alive_seconds = 5;
  Limits limits;
  // Tests only: every API request waits this long in its handler (requests in flight).
  std::chrono::milliseconds handler_delay{0};
};

// httplib::Server whose listen backlog can be raised after binding: the library's is
// compiled in as 5, so a burst of connections would see SYNs dropped and wait a
// second to retry. Linux takes a second listen() on the socket as the new backlog.
class HttpServer : public httplib::Server {
 public:
  void raise_backlog(int backlog);
};

class ApiServer {
 public:
  // Opens the database once to check it (throws DatabaseError if it cannot).
  ApiServer(ServerOptions options, std::ostream& log);
  ~ApiServer();

  int bind();    // the bound port; throws std::runtime_error if it cannot bind
  void serve();  // accepts until stop(); returns when the requests in flight are done
  void stop();   // safe from any thread
  bool running() const { return http_.is_running(); }

 private:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  void add_routes();
  void add_api_routes();
  Handler api(Handler handler);  // in-flight cap, errors as JSON
  void configure();
  httplib::Server::HandlerResponse pre_route(const httplib::Request& req, httplib::Response& res);
  void on_error(const httplib::Request& req, httplib::Response& res);
  void log_request(const httplib::Request& req, const httplib::Response& res);
  void serve_static(const httplib::Request& req, httplib::Response& res);

  void search(const httplib::Request& req, httplib::Response& res, const Params& params);
  void statement(const httplib::Request& req, httplib::Response& res);
  void passage(const httplib::Request& req, httplib::Response& res);
  void like(const httplib::Request& req, httplib::Response& res);
  void export_hits(const httplib::Request& req, httplib::Response& res);
  void schema(httplib::Response& res);
  void related(const httplib::Request& req, httplib::Response& res);
  void ready(httplib::Response& res);
  void metrics(httplib::Response& res);

  ServerOptions options_;
  std::ostream& log_;
  std::mutex log_mutex_;
  SearcherPool searchers_;
  Metrics metrics_;
  ConnectionPool* connections_ = nullptr;  // owned by http_
  std::atomic<bool> stop_requested_{false};
  HttpServer http_;
};

// The JSON body of an API answer (invalid UTF-8 from a damaged index replaced).
void set_json(httplib::Response& res, const nlohmann::json& body, int status = 200);
void set_error(httplib::Response& res, const ApiError& error);

}  // namespace polsearch::serve
