#include "api_server.h"

#include <sys/socket.h>

#include <fstream>
#include <iomanip>
#include <sstream>
#include <thread>

#include "database.h"
#include "output.h"
#include "static_files.h"

namespace polsearch::serve {

namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kJsonType = "application/json";

double milliseconds_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double rounded_ms(double ms) { return std::round(ms * 1000) / 1000; }

// A query the searcher ran (q with the request's filter clauses added) as the client's
// q: the filter clauses taken off again, so the client can put it in its search box.
// A spelling suggestion leaves the filters as written, so they end the query as sent.
std::string as_client_q(const SearchRequest& request, const std::string& query) {
  size_t q_end = std::min(request.q.size() + 2 * request.q_offset, request.query.size());
  std::string_view filters = std::string_view(request.query).substr(q_end);
  if (filters.empty() || !query.ends_with(filters)) return query;
  std::string q = query.substr(0, query.size() - filters.size());
  if (request.q_offset == 0) return q;
  // q was grouped as "(q)" before the filters.
  if (q.size() < 2 || q.front() != '(' || q.back() != ')') return query;
  return q.substr(1, q.size() - 2);
}

nlohmann::json search_json(const SearchResult& result, const SearchRequest& request) {
  nlohmann::json j;
  // As the JSON Lines summary: when the suggestion's results are shown, the query
  // searched is the suggestion.
  bool corrected = !result.corrected_from.empty();
  j["query"] = corrected ? result.query : request.query;
  j["parsed"] = result.parsed;
  j["total"] = counts_to_json(result.counts);
  j["took_ms"] = rounded_ms(result.elapsed_ms);
  j["offset"] = request.options.offset;
  j["limit"] = request.options.limit;
  j["sort"] = sort_order_name(result.sort);
  nlohmann::json hits = nlohmann::json::array();
  for (const Hit& hit : result.hits) {
    nlohmann::json h = hit_to_json(hit, result.fields);
    h["more"] = hit.collapsed;
    hits.push_back(std::move(h));
  }
  j["hits"] = std::move(hits);
  nlohmann::json all_facets = facets_to_json(result.facets), facets = nlohmann::json::object();
  for (const std::string& name : request.facets)
    if (all_facets.contains(name)) facets[name] = all_facets[name]["counts"];
  j["facets"] = std::move(facets);
  j["facet_sample"] =
      request.facets.empty() ? nlohmann::json() : facet_sample_to_json(result.facet_sample);
  // Both as the client's q: `suggestion` the corrected q (also when its results are
  // shown), `corrected_from` the q typed.
  const std::string& suggestion = corrected ? result.query : result.suggestion;
  j["suggestion"] =
      suggestion.empty() ? nlohmann::json() : nlohmann::json(as_client_q(request, suggestion));
  j["corrected_from"] = corrected ? nlohmann::json(request.q) : nlohmann::json();
  j["notes"] = result.notes;
  if (result.like) {
    j["like"] = result.like->str();
    j["like_terms"] = result.like_terms;
  }
  return j;
}

// The query string as browsers write it ('+' is a space, as in URLSearchParams):
// httplib 0.11's own parameters keep '+'.
Params params_of(const httplib::Request& req) {
  Params params;
  size_t question = req.target.find('?');
  if (question == std::string::npos) return params;
  std::string_view query(req.target);
  query.remove_prefix(question + 1);
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    if (pair.empty()) continue;
    size_t equals = std::min(pair.find('='), pair.size());
    std::string key(pair.substr(0, equals));
    std::string value(equals < pair.size() ? pair.substr(equals + 1) : std::string_view());
    params.emplace(httplib::detail::decode_url(key, true),
                   httplib::detail::decode_url(value, true));
  }
  return params;
}

// The statement's full text: each passage at its own offset, gaps as newlines.
std::string full_text(const StatementView& view) {
  std::string text;
  uint64_t at = 0;
  for (const StatementPassage& p : view.passages) {
    if (p.char_start > at) text.append(p.char_start - at, '\n');
    text += p.text;
    at = std::max(at, p.char_end);
  }
  return text;
}

std::string csv_field(const nlohmann::json& value) {
  std::string s = value.is_string() ? value.get<std::string>()
                  : value.is_null() ? ""
                                    : value.dump();
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + '"';
}

std::string export_chunk(const SearchResult& result, size_t from, size_t to,
                         const std::string& format) {
  std::ostringstream out;
  for (size_t i = from; i < to; ++i) {
    const Hit& hit = result.hits[i];
    if (format == "trec") {
      out << "1 Q0 " << hit.doc_id << '#' << hit.passage << ' ' << hit.rank << ' ' << std::fixed
          << std::setprecision(6) << (result.ranked ? hit.score : -double(hit.rank))
          << " polsearch\n";
      continue;
    }
    nlohmann::json j = hit_to_json(hit, result.fields);
    if (format == "jsonl") {
      out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
      continue;
    }
    for (const char* key :
         {"rank", "doc_id", "passage", "score", "title", "speaker", "country", "date", "source"})
      out << csv_field(j.value(key, nlohmann::json())) << ',';
    out << csv_field(j["text"]) << "\r\n";
  }
  return out.str();
}

// Searches; a syntax error becomes a 400 pointing into q. When filters were added,
// q is parsed alone first, so the error is q's own (not one the grouping made).
SearchResult run_search(Searcher& searcher, const SearchRequest& request) {
  try {
    if (request.query != request.q && request.q.find_first_not_of(' ') != std::string::npos)
      parse_query(request.q, searcher.schema().field_names());
  } catch (const QuerySyntaxError& e) {
    SearchRequest alone = request;
    alone.query = request.q;
    alone.q_offset = 0;
    throw syntax_error(alone, e);
  }
  try {
    return searcher.search(request.query, request.options);
  } catch (const QuerySyntaxError& e) {
    throw syntax_error(request, e);
  }
}

}  // namespace

void set_json(httplib::Response& res, const nlohmann::json& body, int status) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), kJsonType);
}

void set_error(httplib::Response& res, const ApiError& error) {
  set_json(res, error.to_json(), error.status());
}

ApiServer::ApiServer(ServerOptions options, std::ostream& log)
    : options_(std::move(options)), log_(log), searchers_(options_.db_path) {
  searchers_.borrow();  // fails now, with the reason, if the database cannot be opened
  http_.new_task_queue = [this] {
    connections_ = new ConnectionPool(options_.threads, options_.max_queued);
    return connections_;
  };
  configure();
  add_routes();
}

ApiServer::~ApiServer() { stop(); }

void ApiServer::configure() {
  httplib::Headers headers = {{"Content-Security-Policy", "default-src 'self'"}};
  if (!options_.cors_origin.empty()) {
    headers.emplace("Access-Control-Allow-Origin", options_.cors_origin);
    headers.emplace("Vary", "Origin");
  }
  http_.set_default_headers(headers);
  auto seconds = [](std::chrono::milliseconds ms) { return ms.count() / 1000; };
  auto micros = [](std::chrono::milliseconds ms) { return (ms.count() % 1000) * 1000; };
  http_.set_read_timeout(seconds(options_.read_timeout), micros(options_.read_timeout));
  http_.set_write_timeout(seconds(options_.write_timeout), micros(options_.write_timeout));
  http_.set_keep_alive_timeout(options_.keep_alive_seconds);
  http_.set_keep_alive_max_count(100);
  http_.set_payload_max_length(options_.limits.max_body_bytes);
  http_.set_idle_interval(0, 100000);
  http_.set_tcp_nodelay(true);  // headers and body are separate writes: no 40 ms Nagle wait
  http_.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) { return pre_route(req, res); });
  http_.set_error_handler(
      [this](const httplib::Request& req, httplib::Response& res) { on_error(req, res); });
  http_.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        set_error(res, ApiError(500, "internal", "unexpected failure"));
      });
  http_.set_logger(
      [this](const httplib::Request& req, const httplib::Response& res) { log_request(req, res); });
}

httplib::Server::HandlerResponse ApiServer::pre_route(const httplib::Request& req,
                                                      httplib::Response& res) {
  using R = httplib::Server::HandlerResponse;
  if (connections_ && connections_->is_rejecting(std::this_thread::get_id())) {
    metrics_.rejected();
    set_error(res, ApiError(503, "overloaded", "too many connections; retry later"));
    res.set_header("Retry-After", "1");
    res.set_header("Connection", "close");
    return R::Handled;
  }
  if (req.method == "OPTIONS" && !options_.cors_origin.empty()) {
    res.status = 204;
    res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "Content-Type");
    res.set_header("Access-Control-Max-Age", "600");
    return R::Handled;
  }
  bool read_only = req.method == "GET" || req.method == "HEAD" ||
                   (req.method == "POST" && req.path == "/api/v1/search");
  if (!read_only) {
    set_error(res, ApiError(405, "method_not_allowed", req.method + " is not allowed here"));
    return R::Handled;
  }
  return R::Unhandled;
}

void ApiServer::on_error(const httplib::Request& req, httplib::Response& res) {
  if (!res.body.empty() || res.is_chunked_content_provider_) return;
  switch (res.status) {
    case 404:
      set_error(res, ApiError(404, "not_found", "no such path: " + req.path.substr(0, 200)));
      break;
    case 413:
      set_error(res, ApiError(413, "payload_too_large", "the body is over the limit"));
      break;
    case 414:
      set_error(res, ApiError(414, "uri_too_long", "the request line is too long"));
      break;
    case 503:
      set_error(res, ApiError(503, "overloaded", "the server is saturated"));
      break;
    default:
      set_error(res, ApiError(res.status, "bad_request", "malformed HTTP request"));
      break;
  }
}

void ApiServer::log_request(const httplib::Request& req, const httplib::Response& res) {
  double ms = 0;
  std::string timing = res.get_header_value("Server-Timing");
  if (auto at = timing.find("dur="); at != std::string::npos)
    ms = std::atof(timing.c_str() + at + 4);
  metrics_.record(endpoint_label(req.path), res.status, ms / 1000);
  std::string path = req.path.substr(0, 300);
  std::lock_guard lock(log_mutex_);
  if (options_.json_log) {
    nlohmann::json line = {{"method", req.method},
                           {"path", path},
                           {"status", res.status},
                           {"ms", rounded_ms(ms)},
                           {"remote", req.remote_addr}};
    log_ << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else {
    log_ << req.method.substr(0, 20) << ' '
         << nlohmann::json(path).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
         << ' ' << res.status << ' ' << std::fixed << std::setprecision(3) << ms << '\n';
  }
  log_.flush();
}

ApiServer::Handler ApiServer::api(Handler handler) {
  return [this, handler](const httplib::Request& req, httplib::Response& res) {
    auto start = Clock::now();
    auto& in_flight = metrics_.in_flight();
    if (++in_flight > static_cast<int>(options_.max_in_flight)) {
      --in_flight;
      metrics_.rejected();
      set_error(res, ApiError(503, "overloaded", "too many requests in flight; retry later"));
      res.set_header("Retry-After", "1");
      return;
    }
    try {
      if (options_.handler_delay.count()) std::this_thread::sleep_for(options_.handler_delay);
      handler(req, res);
    } catch (const ApiError& e) {
      set_error(res, e);
    } catch (const NotFoundError& e) {
      set_error(res, ApiError(404, "not_found", e.what()));
    } catch (const DatabaseError& e) {
      set_error(res, ApiError(503, "database_unavailable", e.what()));
    } catch (const Xapian::DatabaseError& e) {
      set_error(res, ApiError(503, "database_unavailable", e.get_description()));
    } catch (const Xapian::InvalidArgumentError& e) {
      set_error(res, ApiError(400, "bad_query", e.get_description()));
    } catch (const Xapian::Error& e) {
      set_error(res, ApiError(500, "internal", e.get_description()));
    } catch (const std::exception& e) {
      set_error(res, ApiError(500, "internal", e.what()));
    }
    --in_flight;
    res.set_header("Server-Timing", "app;dur=" + std::to_string(milliseconds_since(start)));
  };
}

void ApiServer::add_routes() {
  add_api_routes();
  http_.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    set_json(res, {{"status", "ok"}});
  });
  http_.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) { ready(res); });
  http_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) { metrics(res); });
  http_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
    serve_static(req, res);
  });
}

void ApiServer::add_api_routes() {
  http_.Get("/api/v1/search", api([this](const httplib::Request& req, httplib::Response& res) {
              search(req, res, params_of(req));
            }));
  http_.Post("/api/v1/search", api([this](const httplib::Request& req, httplib::Response& res) {
               search(req, res, params_from_json(req.body));
             }));
  http_.Get(
      R"(/api/v1/statements/([^/]+))",
      api([this](const httplib::Request& req, httplib::Response& res) { statement(req, res); }));
  http_.Get(
      R"(/api/v1/statements/([^/]+)/passages/([0-9]{1,9}))",
      api([this](const httplib::Request& req, httplib::Response& res) { passage(req, res); }));
  http_.Get(R"(/api/v1/statements/([^/]+)/passages/([0-9]{1,9})/like)",
            api([this](const httplib::Request& req, httplib::Response& res) { like(req, res); }));
  http_.Get("/api/v1/export", api([this](const httplib::Request& req, httplib::Response& res) {
              export_hits(req, res);
            }));
  http_.Get("/api/v1/related", api([this](const httplib::Request& req, httplib::Response& res) {
              related(req, res);
            }));
  http_.Get("/api/v1/schema",
            api([this](const httplib::Request&, httplib::Response& res) { schema(res); }));
  http_.Get(R"(/api/v1/.*)", [](const httplib::Request& req, httplib::Response& res) {
    set_error(res, ApiError(404, "not_found", "no such endpoint: " + req.path.substr(0, 200)));
  });
}

void ApiServer::search(const httplib::Request&, httplib::Response& res, const Params& params) {
  SearchRequest request = parse_search_request(params, options_.limits, RequestKind::Search);
  SearchResult result =
      searchers_.with_searcher([&](Searcher& s) { return run_search(s, request); });
  set_json(res, search_json(result, request));
}

void ApiServer::statement(const httplib::Request& req, httplib::Response& res) {
  std::string id = req.matches[1];
  Params params = params_of(req);
  auto q = single_param(params, "q").value_or("");
  check_query_text(q, options_.limits);
  bool expand = flag_param(params, "expand");
  nlohmann::json j = searchers_.with_searcher([&](Searcher& s) {
    StatementView view = s.statement(id);
    nlohmann::json out = statement_to_json(view);
    out["text"] = full_text(view);
    if (q.empty() || id.find('"') != std::string::npos) return out;
    SearchRequest request;
    request.q = q;
    request.q_offset = q.find("OR") != std::string::npos ? 1 : 0;
    request.query = (request.q_offset ? "(" + q + ")" : q) + " (id:\"" + id + "\")";
    request.options.per_doc = 0;
    request.options.expand = expand;  // marks what search with expand=1 would find
    request.options.limit = std::min<unsigned>(view.passages.size(), options_.limits.export_cap);
    SearchResult result = run_search(s, request);
    out["query"] = q;
    for (const Hit& hit : result.hits)
      for (auto& p : out["passages"])
        if (p["passage"] == hit.passage) p["highlights"] = hit_to_json(hit, {})["highlights"];
    return out;
  });
  set_json(res, j);
}

void ApiServer::passage(const httplib::Request& req, httplib::Response& res) {
  PassageRef ref{req.matches[1], static_cast<uint32_t>(std::stoul(req.matches[2]))};
  unsigned context = unsigned_param(params_of(req), "context", 0, 0, options_.limits.max_context);
  nlohmann::json j = searchers_.with_searcher([&](Searcher& s) {
    StatementPassage p = load_passage(s.database(), s.schema(), ref);
    Hit hit;
    hit.doc_id = ref.doc_id;
    hit.passage = p.passage;
    hit.char_start = p.char_start;
    hit.char_end = p.char_end;
    hit.text = p.text;
    hit.metadata = s.statement(ref.doc_id).metadata;
    HitContext around;
    for (auto& n :
         load_neighbours(s.database(), s.schema(), ref.doc_id, p.docid, p.passage, context))
      (n.passage < p.passage ? around.before : around.after).push_back({n.passage, n.text});
    hit.context = around;
    nlohmann::json out = hit_to_json(hit, s.schema().shown_fields());
    for (const char* key :
         {"type", "rank", "score", "all_terms", "highlights", "matched", "collapsed"})
      out.erase(key);
    return out;
  });
  set_json(res, j);
}

void ApiServer::like(const httplib::Request& req, httplib::Response& res) {
  SearchRequest request = parse_search_request(params_of(req), options_.limits, RequestKind::Like);
  request.options.like =
      PassageRef{req.matches[1], static_cast<uint32_t>(std::stoul(req.matches[2]))};
  SearchResult result =
      searchers_.with_searcher([&](Searcher& s) { return run_search(s, request); });
  set_json(res, search_json(result, request));
}

void ApiServer::export_hits(const httplib::Request& req, httplib::Response& res) {
  Params params = params_of(req);
  std::string format = single_param(params, "format").value_or("jsonl");
  if (format != "jsonl" && format != "csv" && format != "trec")
    throw bad_parameter("'format' must be jsonl, csv or trec");
  params.erase("format");
  if (!params.count("per_doc")) params.emplace("per_doc", "0");  // every matching passage
  SearchRequest request = parse_search_request(params, options_.limits, RequestKind::Export);
  request.options.highlight = format != "trec";
  auto result = std::make_shared<SearchResult>(
      searchers_.with_searcher([&](Searcher& s) { return run_search(s, request); }));
  std::string type = format == "csv"    ? "text/csv; charset=utf-8"
                     : format == "trec" ? "text/plain; charset=utf-8"
                                        : "application/x-ndjson";
  res.set_chunked_content_provider(type, [result, format, next = size_t{0}](
                                             size_t, httplib::DataSink& sink) mutable {
    if (next == 0 && format == "csv") {
      std::string header = "rank,doc_id,passage,score,title,speaker,country,date,source,text\r\n";
      sink.write(header.data(), header.size());
    }
    size_t to = std::min(result->hits.size(), next + 200);
    std::string chunk = export_chunk(*result, next, to, format);
    next = to;
    if (!chunk.empty() && !sink.write(chunk.data(), chunk.size())) return false;
    if (next < result->hits.size()) return true;
    if (format == "jsonl") {
      std::string summary =
          summary_to_json(*result).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
          '\n';
      sink.write(summary.data(), summary.size());
    }
    sink.done();
    return true;
  });
}

// The wordings learned near a word (indexer --learn-wordings), as searcher --related
// gives them; a word with none answers an empty list, a database with none a 404.
void ApiServer::related(const httplib::Request& req, httplib::Response& res) {
  std::string word = single_param(params_of(req), "word").value_or("");
  if (word.empty()) throw bad_parameter("give a word: /api/v1/related?word=...");
  check_query_text(word, options_.limits);
  nlohmann::json j = searchers_.with_searcher([&](Searcher& s) {
    try {
      return related_to_json(word, s.related(word));
    } catch (const NoLearnedWordings& e) {
      throw ApiError(404, "not_found", e.what());
    }
  });
  set_json(res, j);
}

void ApiServer::schema(httplib::Response& res) {
  nlohmann::json j = searchers_.with_searcher([&](Searcher& s) {
    const Schema& schema = s.schema();
    nlohmann::json fields = nlohmann::json::array();
    for (const FieldSpec& f : schema.fields) {
      static const char* const kRoles[] = {"", "id", "body", "date", "language"};
      fields.push_back({{"name", f.name},
                        {"role", kRoles[static_cast<int>(f.role)]},
                        {"text", f.is_text()},
                        {"filter", f.is_filter()},
                        {"value_slot", f.value_slot},
                        {"stored", f.stored}});
    }
    const Limits& l = options_.limits;
    return nlohmann::json{
        {"name", schema.name},
        {"format", schema.format},
        {"documents", s.database().get_doccount()},
        {"revision", s.database().get_revision()},
        {"fields", fields},
        {"filters", {"country", "speaker", "source", "lang", "date_from", "date_to"}},
        {"facets", facet_names()},
        {"sorts", {"relevance", "date", "-date"}},
        {"limits",
         {{"max_limit", l.max_limit},
          {"max_window", l.max_window},
          {"max_query_bytes", l.max_query_bytes},
          {"max_body_bytes", l.max_body_bytes},
          {"export_cap", l.export_cap}}}};
  });
  set_json(res, j);
}

void ApiServer::ready(httplib::Response& res) {
  try {
    auto [docs, revision] = searchers_.with_searcher([](Searcher& s) {
      return std::pair(s.database().get_doccount(), s.database().get_revision());
    });
    set_json(res, {{"status", "ready"}, {"documents", docs}, {"revision", revision}});
  } catch (const std::exception& e) {
    set_error(res, ApiError(503, "database_unavailable", e.what()));
  } catch (const Xapian::Error& e) {
    set_error(res, ApiError(503, "database_unavailable", e.get_description()));
  }
}

void ApiServer::metrics(httplib::Response& res) {
  double docs = -1, revision = -1;
  try {
    std::tie(docs, revision) = searchers_.with_searcher([](Searcher& s) {
      return std::pair<double, double>(s.database().get_doccount(), s.database().get_revision());
    });
  } catch (...) {
    // -1: the database cannot be read now; /readyz says why.
  }
  res.set_content(metrics_.render(docs, revision), "text/plain; version=0.0.4; charset=utf-8");
}

void ApiServer::serve_static(const httplib::Request& req, httplib::Response& res) {
  auto file = static_file(options_.web_dir, req.path);
  auto type = file ? content_type_of(*file) : std::nullopt;
  if (!type) {
    set_error(res, ApiError(404, "not_found", "no such path: " + req.path.substr(0, 200)));
    return;
  }
  std::ifstream in(*file, std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  res.set_header("Cache-Control", file->extension() == ".html" ? "no-cache" : "max-age=3600");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(std::move(body), *type);
}

void HttpServer::raise_backlog(int backlog) { ::listen(svr_sock_, backlog); }

int ApiServer::bind() {
  int port = options_.port == 0
                 ? http_.bind_to_any_port(options_.host)
                 : (http_.bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port < 0)
    throw std::runtime_error("cannot listen on " + options_.host + ":" +
                             std::to_string(options_.port));
  http_.raise_backlog(1024);
  return port;
}

void ApiServer::serve() {
  if (!stop_requested_) http_.listen_after_bind();
}

void ApiServer::stop() {
  stop_requested_ = true;  // a stop before serve() starts listening wins too
  if (http_.is_running()) http_.stop();
}

}  // namespace polsearch::serve
