// The HTTP API (docs/API.md) on the sample database: every endpoint and error status,
// query syntax error positions, limits, UTF-8, POST bodies, CORS and static files,
// through an in-process server on an ephemeral 127.0.0.1 port.
#include <gtest/gtest.h>

#include "server_support.h"

namespace polsearch::testing {
namespace {

const std::string kNato = "north-atlantic-treaty-1949-article-5";

nlohmann::json body_of(const httplib::Result& r) {
  return r ? nlohmann::json::parse(r->body, nullptr, false) : nlohmann::json();
}

struct StatusCase {
  std::string path;
  int status;
  std::string error_code;  // "" for a 200
};

TEST(Server, EveryEndpointAndErrorStatus) {
  TestServer server;
  auto client = server.client();
  const std::vector<StatusCase> cases = {
      {"/healthz", 200, ""},
      {"/readyz", 200, ""},
      {"/api/v1/search?q=security", 200, ""},
      {"/api/v1/search?q=security&limit=0", 200, ""},
      {"/api/v1/search?country=UKR", 200, ""},
      {"/api/v1/search?q=security&show_repeats=1", 200, ""},
      {"/api/v1/search?q=security&facets=country,year&sort=-date&context=1&explain=1&expand=1", 200,
       ""},
      {"/api/v1/statements/" + kNato, 200, ""},
      {"/api/v1/statements/" + kNato + "?q=security", 200, ""},
      {"/api/v1/statements/" + kNato + "/passages/1?context=1", 200, ""},
      {"/api/v1/statements/" + kNato + "/passages/1/like", 200, ""},
      {"/api/v1/export?q=security", 200, ""},
      {"/api/v1/schema", 200, ""},
      {"/metrics", 200, ""},
      {"/api/v1/search?q=security%20(nato", 400, "bad_query"},
      {"/api/v1/search", 400, "bad_query"},
      {"/api/v1/search?q=security&limit=100000", 400, "bad_parameter"},
      {"/api/v1/search?q=security&limit=-1", 400, "bad_parameter"},
      {"/api/v1/search?q=security&offset=9995&limit=10", 400, "bad_parameter"},
      {"/api/v1/search?q=security&sort=oldest", 400, "bad_parameter"},
      {"/api/v1/search?q=security&facets=colour", 400, "bad_parameter"},
      {"/api/v1/search?q=security&date_from=2014-13", 400, "bad_parameter"},
      {"/api/v1/search?q=security&country=U%22KR", 400, "bad_parameter"},
      {"/api/v1/search?q=security&explain=maybe", 400, "bad_parameter"},
      {"/api/v1/search?q=security&show_repeats=maybe", 400, "bad_parameter"},
      {"/api/v1/search?q=a&q=b", 400, "bad_parameter"},
      {"/api/v1/export?q=security&format=xml", 400, "bad_parameter"},
      {"/api/v1/statements/" + kNato + "/passages/1?context=99", 400, "bad_parameter"},
      {"/api/v1/statements/no-such-id", 404, "not_found"},
      {"/api/v1/statements/" + kNato + "/passages/99", 404, "not_found"},
      {"/api/v1/statements/no-such-id/passages/0/like", 404, "not_found"},
      {"/api/v1/related", 400, "bad_parameter"},
      {"/api/v1/related?word=security", 404, "not_found"},  // no wordings learned
      {"/api/v1/nothing", 404, "not_found"},
      {"/no/such/page", 404, "not_found"},
      {"/", 404, "not_found"},  // no web folder
  };
  for (const StatusCase& c : cases) {
    SCOPED_TRACE(c.path);
    auto r = client.Get(c.path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Security-Policy"), "default-src 'self'");
    if (c.status == 200) continue;
    auto j = body_of(r);
    EXPECT_EQ(j["error"]["code"], c.error_code) << r->body;
    EXPECT_TRUE(j["error"]["message"].is_string());
  }
  auto r = client.Delete("/api/v1/search");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(body_of(r)["error"]["code"], "method_not_allowed");
}

TEST(Server, SearchResponseHasTheDocumentedShape) {
  TestServer server;
  auto r = server.client().Get("/api/v1/search?q=security&limit=2&facets=country");
  ASSERT_TRUE(r);
  auto j = body_of(r);
  EXPECT_EQ(j["query"], "security");
  EXPECT_EQ(j["total"]["passages"], 6);
  EXPECT_EQ(j["total"]["statements"], 2);
  EXPECT_EQ(j["total"]["exact"], true);
  EXPECT_TRUE(j["took_ms"].is_number());
  EXPECT_TRUE(j["suggestion"].is_null());
  ASSERT_EQ(j["hits"].size(), 2u);
  EXPECT_EQ(j["facets"]["country"][0], (nlohmann::json{{"value", "UKR"}, {"count", 4}}));
  EXPECT_EQ(j["facet_sample"], (nlohmann::json{{"passages", 6}, {"exact", true}}));
  auto hit = j["hits"][0];
  for (const char* key : {"doc_id", "passage", "title", "speaker", "country", "date", "source",
                          "score", "text", "highlights", "more", "start", "end"})
    EXPECT_TRUE(hit.contains(key)) << key;
  EXPECT_EQ(hit["highlights"][0], (nlohmann::json{102, 110}));  // "security" in code points
}

TEST(Server, HitsCarryTheJsonLinesFields) {
  TestServer server;
  auto r = server.client().Get("/api/v1/search?q=security%20guarantees&limit=5&per_doc=1");
  ASSERT_TRUE(r);
  auto api_hits = body_of(r)["hits"];
  Results cli = search(sample_db(), "security guarantees", {"--limit", "5", "--per-doc", "1"});
  ASSERT_EQ(api_hits.size(), cli.hits.size());
  for (size_t i = 0; i < cli.hits.size(); ++i) {
    nlohmann::json hit = api_hits[i];
    EXPECT_EQ(hit["more"], hit["collapsed"]);
    hit.erase("more");
    EXPECT_EQ(hit, cli.hits[i]);
  }
}

TEST(Server, FiltersJoinTheQuery) {
  TestServer server;
  auto client = server.client();
  auto r = client.Get(
      "/api/v1/search?q=security&country=UKR&country=DEU&speaker=Volodymyr%20Zelenskyy"
      "&date_to=2030");
  auto j = body_of(r);
  EXPECT_EQ(j["query"],
            "security (country:\"UKR\" OR country:\"DEU\") (speaker:\"Volodymyr Zelenskyy\") "
            "(date:..2030)");
  // A top-level OR in q is grouped, so the filters apply to both sides.
  j = body_of(client.Get("/api/v1/search?q=ceasefire%20OR%20nuclear&country=GBR"));
  EXPECT_EQ(j["query"], "(ceasefire OR nuclear) (country:\"GBR\")");
  for (auto& hit : j["hits"]) EXPECT_EQ(hit["country"], "GBR");
}

struct SpellingCase {
  std::string params;                             // URL-encoded
  std::string query, suggestion, corrected_from;  // "" for null
  int passages;
};

// As the JSON Lines summary: when the suggestion's results are shown, `query` is the
// query searched; `suggestion` and `corrected_from` are q's, without the filters.
TEST(Server, DidYouMeanAndCorrectionInTermsOfQ) {
  TestServer server;
  auto client = server.client();
  auto or_null = [](const std::string& s) {
    return s.empty() ? nlohmann::json() : nlohmann::json(s);
  };
  const std::vector<SpellingCase> cases = {
      {"q=secruity", "security", "security", "secruity", 6},
      {"q=secruity&country=UKR", "security (country:\"UKR\")", "security", "secruity", 4},
      {"q=secruity%20OR%20zzz&country=UKR", "(security OR zzz) (country:\"UKR\")",
       "security OR zzz", "secruity OR zzz", 4},
      // Matches as typed: only the hint.
      {"q=secruity%20guarantees", "secruity guarantees", "security guarantees", "", 4},
      // The suggestion finds nothing either: the query stays as typed, with its hint.
      {"q=secruity%20AND%20zzzqx", "secruity AND zzzqx", "security AND zzzqx", "", 0},
      {"q=security", "security", "", "", 6},
  };
  for (const SpellingCase& c : cases) {
    SCOPED_TRACE(c.params);
    auto j = body_of(client.Get("/api/v1/search?" + c.params));
    EXPECT_EQ(j["query"], c.query);
    EXPECT_EQ(j["suggestion"], or_null(c.suggestion));
    EXPECT_EQ(j["corrected_from"], or_null(c.corrected_from));
    EXPECT_EQ(j["total"]["passages"], c.passages);
  }
}

struct FacetValuesCase {
  std::string params;
  int status;
  nlohmann::json speaker_facet;  // for a 200; the error message for a 400
};

TEST(Server, FacetValuesBoundsTheValuesListed) {
  TestServer server;
  auto client = server.client();
  using J = nlohmann::json;
  J zelenskyy = {{"value", "Volodymyr Zelenskyy"}, {"count", 4}};
  J nato = {{"value", "Parties to the North Atlantic Treaty"}, {"count", 2}};
  const std::string limits = "'facet_values' must be a whole number from 1 to 1000, not ";
  const std::vector<FacetValuesCase> cases = {
      {"", 200, J{zelenskyy, nato}},
      {"&facet_values=1", 200, J{zelenskyy, {{"value", "(other)"}, {"count", 2}}}},
      {"&facet_values=1000", 200, J{zelenskyy, nato}},
      {"&facet_values=0", 400, limits + "'0'"},
      {"&facet_values=1001", 400, limits + "'1001'"},
      {"&facet_values=x", 400, limits + "'x'"},
      {"&facet_values=1&facet_values=2", 400, "'facet_values' given more than once"},
  };
  for (const FacetValuesCase& c : cases) {
    SCOPED_TRACE(c.params);
    auto r = client.Get("/api/v1/search?q=security&facets=speaker" + c.params);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status) << r->body;
    auto j = body_of(r);
    if (c.status == 200) {
      EXPECT_EQ(j["facets"]["speaker"], c.speaker_facet);
    } else {
      EXPECT_EQ(j["error"]["code"], "bad_parameter");
      EXPECT_EQ(j["error"]["message"], c.speaker_facet);
    }
  }
  auto r =
      client.Post("/api/v1/search", R"({"q": "security", "facets": "speaker", "facet_values": 1})",
                  "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(body_of(r)["facets"]["speaker"], (J{zelenskyy, {{"value", "(other)"}, {"count", 2}}}));
}

struct StatementExpandCase {
  std::string params;
  nlohmann::json highlights;  // of passages 0 and 1
};

TEST(Server, StatementHighlightsHonourExpand) {
  TestServer server;
  auto client = server.client();
  using J = nlohmann::json;
  // "mutual defence" names the concept whose wordings include "collective
  // self-defence" and "an attack against them all", both in passage 0.
  const std::vector<StatementExpandCase> cases = {
      {"q=%22mutual%20defence%22", J{nullptr, nullptr}},
      {"q=%22mutual%20defence%22&expand=0", J{nullptr, nullptr}},
      {"q=%22mutual%20defence%22&expand=1", J{J{{27, 36}, {152, 178}, {301, 324}}, nullptr}},
  };
  for (const StatementExpandCase& c : cases) {
    SCOPED_TRACE(c.params);
    auto j = body_of(client.Get("/api/v1/statements/" + kNato + "?" + c.params));
    ASSERT_EQ(j["passages"].size(), 2u) << j;
    EXPECT_EQ(
        (J{j["passages"][0].value("highlights", J()), j["passages"][1].value("highlights", J())}),
        c.highlights);
  }
  auto r = client.Get("/api/v1/statements/" + kNato + "?q=defence&expand=maybe");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(body_of(r)["error"]["message"], "'expand' must be 0 or 1");
}

struct PositionCase {
  std::string q;  // URL-encoded
  uint64_t position;
};

TEST(Server, SyntaxErrorsPointIntoQ) {
  TestServer server;
  auto client = server.client();
  const std::vector<PositionCase> cases = {
      {"security%20(nato", 9},
      {"%22open%20phrase", 0},
      // Code points, not bytes: "Україна (" puts the parenthesis at code point 8.
      {"%D0%A3%D0%BA%D1%80%D0%B0%D1%97%D0%BD%D0%B0%20(", 8},
      // With a filter added the position still counts in q.
      {"nato%20(x&country=UKR", 5},
      {"a%20OR%20(b&country=UKR", 5},
      {"%FF%FEabc", 0},  // invalid UTF-8: the first bad byte
      {"ab%C3%28", 2},   // a lead byte without its continuation
  };
  for (const PositionCase& c : cases) {
    SCOPED_TRACE(c.q);
    auto r = client.Get("/api/v1/search?q=" + c.q);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    auto error = body_of(r)["error"];
    EXPECT_EQ(error["code"], "bad_query");
    EXPECT_EQ(error["position"], c.position) << r->body;
  }
}

TEST(Server, PlusInTheQueryStringIsASpace) {
  TestServer server;
  RawSocket socket(server.port());
  ASSERT_TRUE(socket.send_all(
      "GET /api/v1/search?q=security+guarantees%2B HTTP/1.1\r\nHost: x\r\nConnection: "
      "close\r\n\r\n"));
  std::string response = socket.read_all();
  EXPECT_NE(response.find("\"query\":\"security guarantees+\""), std::string::npos) << response;
}

TEST(Server, Utf8QueriesAnswer) {
  TestServer server;
  auto r =
      server.client().Get("/api/v1/search?q=%E2%80%9Csecurity%20guarantees%E2%80%9D%20Zelenskyy");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_GT(body_of(r)["total"]["passages"].get<int>(), 0);
}

TEST(Server, PostTakesAJsonBody) {
  TestServer server;
  auto client = server.client();
  auto r = client.Post("/api/v1/search",
                       R"({"q": "security", "limit": 1, "country": ["UKR"], "explain": true})",
                       "application/json");
  ASSERT_TRUE(r);
  auto j = body_of(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(j["query"], "security (country:\"UKR\")");
  EXPECT_TRUE(j["hits"][0].contains("explain"));
  for (const char* bad : {"not json", "[1]", R"({"limit": -3})", R"({"q": {"a": 1}})"}) {
    r = client.Post("/api/v1/search", bad, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_EQ(body_of(r)["error"]["code"], "bad_parameter") << bad;
  }
  r = client.Post("/api/v1/search", std::string(70 * 1024, ' '), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(body_of(r)["error"]["code"], "payload_too_large");
}

TEST(Server, OversizedRequestLineIs414) {
  TestServer server;
  auto r = server.client().Get("/api/v1/search?q=" + std::string(9000, 'a'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 414);
  EXPECT_EQ(body_of(r)["error"]["code"], "uri_too_long");
  // Under the URI limit but over the query limit: a 400 that says so.
  r = server.client().Get("/api/v1/search?q=" + std::string(5000, 'a'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(body_of(r)["error"]["code"], "bad_query");
}

TEST(Server, StatementPassageAndLike) {
  TestServer server;
  auto client = server.client();
  auto j = body_of(client.Get("/api/v1/statements/" + kNato + "?q=security"));
  EXPECT_EQ(j["doc_id"], kNato);
  ASSERT_EQ(j["passages"].size(), 2u);
  EXPECT_EQ(j["passages"][1]["highlights"], (nlohmann::json{{102, 110}, {163, 171}, {261, 269}}));
  // Each passage sits at its offsets in the full text.
  auto text = j["text"].get<std::string>();
  for (auto& p : j["passages"]) {
    auto start = p["start"].get<uint64_t>();
    std::string passage = p["text"];
    EXPECT_EQ(text.substr(start, passage.size()), passage);  // ASCII text: bytes = code points
  }
  j = body_of(client.Get("/api/v1/statements/" + kNato + "/passages/1?context=1"));
  EXPECT_EQ(j["passage"], 1);
  EXPECT_EQ(j["context"]["before"][0]["passage"], 0);
  EXPECT_EQ(j["title"], "The North Atlantic Treaty, Article 5");
  j = body_of(client.Get("/api/v1/statements/" + kNato + "/passages/1/like?limit=3"));
  EXPECT_EQ(j["like"], kNato + "#1");
  EXPECT_FALSE(j["like_terms"].empty());
  EXPECT_FALSE(j["hits"].empty());
}

TEST(Server, ExportStreamsEachFormat) {
  TestServer server;
  auto client = server.client();
  auto r = client.Get("/api/v1/export?q=security&format=jsonl");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("Transfer-Encoding"), "chunked");
  std::istringstream lines(r->body);
  std::vector<nlohmann::json> parsed;
  for (std::string line; std::getline(lines, line);) parsed.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(parsed.size(), 7u);  // every matching passage (6) and the summary
  EXPECT_EQ(parsed.back()["type"], "summary");
  r = client.Get("/api/v1/export?q=security&format=csv&limit=2");
  EXPECT_EQ(r->body.substr(0, r->body.find('\n')),
            "rank,doc_id,passage,score,title,speaker,country,date,source,text\r");
  r = client.Get("/api/v1/export?q=security&format=trec&limit=1");
  EXPECT_EQ(r->body, "1 Q0 north-atlantic-treaty-1949-article-5#1 1 1.183229 polsearch\n");
}

TEST(Server, SchemaHealthAndMetrics) {
  TestServer server;
  auto client = server.client();
  auto j = body_of(client.Get("/api/v1/schema"));
  EXPECT_EQ(j["facets"], (nlohmann::json{"country", "speaker", "source", "year"}));
  EXPECT_EQ(j["limits"]["max_limit"], 100);
  EXPECT_GT(j["documents"].get<int>(), 0);
  EXPECT_EQ(body_of(client.Get("/healthz")), (nlohmann::json{{"status", "ok"}}));
  EXPECT_EQ(body_of(client.Get("/readyz"))["status"], "ready");
  client.Get("/api/v1/search?q=security");
  // A request is counted (and logged) just after its answer is sent.
  ASSERT_TRUE(eventually([&] { return server.log().find("/api/v1/search") != std::string::npos; }));
  auto metrics = client.Get("/metrics")->body;
  for (const char* line :
       {"polsearch_http_requests_total{endpoint=\"/api/v1/search\",status=\"200\"} 1\n",
        "polsearch_http_request_duration_seconds_count{endpoint=\"/api/v1/search\"} 1\n",
        "polsearch_http_requests_in_flight 0\n", "# TYPE polsearch_database_documents gauge\n",
        "polsearch_database_revision "})
    EXPECT_NE(metrics.find(line), std::string::npos) << line << "\n" << metrics;
  EXPECT_NE(server.log().find("GET \"/api/v1/search\" 200 "), std::string::npos) << server.log();
}

TEST(Server, JsonAccessLog) {
  serve::ServerOptions options;
  options.json_log = true;
  TestServer server(options);
  server.client().Get("/healthz");
  ASSERT_TRUE(eventually([&] { return !server.log().empty(); }));
  auto line = nlohmann::json::parse(server.log().substr(0, server.log().find('\n')));
  EXPECT_EQ(line["method"], "GET");
  EXPECT_EQ(line["path"], "/healthz");
  EXPECT_EQ(line["status"], 200);
}

TEST(Server, CorsOnlyWhenAsked) {
  {
    TestServer server;
    auto r = server.client().Get("/healthz");
    EXPECT_FALSE(r->has_header("Access-Control-Allow-Origin"));
    EXPECT_EQ(server.client().Options("/api/v1/search")->status, 405);
  }
  serve::ServerOptions options;
  options.cors_origin = "https://newsroom.example";
  TestServer server(options);
  auto r = server.client().Get("/healthz");
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "https://newsroom.example");
  r = server.client().Options("/api/v1/search");
  EXPECT_EQ(r->status, 204);
  EXPECT_NE(r->get_header_value("Access-Control-Allow-Methods").find("GET"), std::string::npos);
}

struct StaticCase {
  std::string path;
  int status;
  std::string content_type;
};

TEST(Server, StaticFilesFromTheWebFolder) {
  TempDir dir;
  auto web = dir.path() / "web";
  std::filesystem::create_directories(web / "img");
  write_file(web / "index.html", "<!doctype html><title>t</title>");
  write_file(web / "app.js", "console.log(1);");
  write_file(web / "style.css", "body{}");
  write_file(web / "img" / "logo.svg", "<svg/>");
  write_file(web / ".secret", "no");
  write_file(web / "notes.md", "no");
  write_file(dir.path() / "outside.txt", "no");
  std::filesystem::create_symlink(dir.path() / "outside.txt", web / "link.txt");
  serve::ServerOptions options;
  options.web_dir = web.string();
  TestServer server(options);
  auto client = server.client();
  const std::vector<StaticCase> cases = {
      {"/", 200, "text/html; charset=utf-8"},
      {"/index.html", 200, "text/html; charset=utf-8"},
      {"/app.js", 200, "text/javascript; charset=utf-8"},
      {"/style.css", 200, "text/css; charset=utf-8"},
      {"/img/logo.svg", 200, "image/svg+xml"},
      {"/.secret", 404, "application/json"},
      {"/notes.md", 404, "application/json"},
      {"/link.txt", 404, "application/json"},
      {"/../outside.txt", 404, "application/json"},
      {"/img/../../outside.txt", 404, "application/json"},
      {"/%2e%2e/outside.txt", 404, "application/json"},
      {"/missing.js", 404, "application/json"},
  };
  for (const StaticCase& c : cases) {
    SCOPED_TRACE(c.path);
    auto r = client.Get(c.path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status);
    EXPECT_EQ(r->get_header_value("Content-Type"), c.content_type);
    EXPECT_EQ(r->get_header_value("Content-Security-Policy"), "default-src 'self'");
    if (c.status == 200) {
      EXPECT_FALSE(r->get_header_value("Cache-Control").empty());
    }
  }
  EXPECT_EQ(client.Get("/app.js")->body, "console.log(1);");
}

}  // namespace
}  // namespace polsearch::testing
