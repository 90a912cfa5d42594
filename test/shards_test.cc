// Sharded databases (issue 15): placement by id, the sharded folder the indexer writes,
// searching 3 local shards, 3 shards over xapian-progsrv and 3 over xapian-tcpsrv with
// the same results as one database, shard faults (down, hung, idle timeout) and a read
// replica. Servers listen on 127.0.0.1 only, on free ports, and are stopped by pid.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <thread>

#include <xapian.h>

#include "searcher.h"
#include "shards.h"
#include "test_support.h"

namespace polsearch {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::TempDir;

// ---- placement ------------------------------------------------------------------------

TEST(ShardPlacement, Fnv1a64IsPinned) {
  // FNV-1a 64 of the id's UTF-8 bytes; these values must never change (they decide
  // where every existing statement lives).
  struct Case {
    std::string id;
    uint64_t hash;
    unsigned of3, of8;
  };
  const Case cases[] = {
      {"", 0xcbf29ce484222325ull, 2, 5},
      {"a", 0xaf63dc4c8601ec8cull, 1, 4},
      {"ungdc-ARG_01_1946", 0xc60505a0118fe898ull, 0, 0},
      {"seed-zelenskyy-security-guarantees", 0xb4d22ec41c5e0f1eull, 1, 6},
      {"north-atlantic-treaty-1949-article-5", 0xcfd91d77569345d4ull, 0, 4},
      {"Z\xC3\xBCrich-1", 0x735ae0ec09aa7eb2ull, 2, 2},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(fnv1a64(c.id), c.hash) << c.id;
    EXPECT_EQ(shard_of(c.id, 3), c.of3) << c.id;
    EXPECT_EQ(shard_of(c.id, 8), c.of8) << c.id;
    EXPECT_EQ(shard_of(c.id, 1), 0u) << c.id;
  }
}

TEST(ShardStub, ReadsLocalAndRemoteLinesAndReportsBadOnes) {
  TempDir dir;
  testing::write_file(dir.path() / "s.stub",
                      "# a comment\n# polsearch-aux tables\nauto a\nremote 10.0.0.7:33333\n"
                      "remote :ssh host xapian-progsrv /srv/db\n");
  StubFile stub = read_stub((dir.path() / "s.stub").string());
  ASSERT_EQ(stub.shards.size(), 3u);
  EXPECT_EQ(stub.shards[0].path, (dir.path() / "a").string());
  EXPECT_EQ(stub.shards[1].host, "10.0.0.7");
  EXPECT_EQ(stub.shards[1].port, 33333u);
  EXPECT_EQ(stub.shards[2].program, "ssh");
  EXPECT_EQ(stub.shards[2].args, "host xapian-progsrv /srv/db");
  EXPECT_EQ(stub.aux, (dir.path() / "tables").string());
  const std::pair<std::string, std::string> bad[] = {
      {"remote 10.0.0.7\n", ":1: expected 'remote HOST:PORT' or 'remote :PROGRAM ARGS'"},
      {"remote host:99999\n", ":1: bad port '99999'"},
      {"auto a\nchert b\n",
       ":2: not a database folder, nor a stub file: unknown line type 'chert'"},
      {"# nothing\n", ": the stub file lists no shards"},
  };
  for (auto& [text, message] : bad) {
    testing::write_file(dir.path() / "bad.stub", text);
    try {
      read_stub((dir.path() / "bad.stub").string());
      ADD_FAILURE() << text;
    } catch (const ShardError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
}

// ---- servers --------------------------------------------------------------------------

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return 0;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

bool port_open(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// A server process the test started; stopped by its pid.
class Server {
 public:
  explicit Server(std::vector<std::string> argv) {
    pid_ = fork();
    if (pid_ == 0) {
      int null = open("/dev/null", O_RDWR);
      dup2(null, 1);
      dup2(null, 2);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~Server() { stop(); }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);  // also ends a stopped (SIGSTOP) server
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  void pause() { kill(pid_, SIGSTOP); }
  // Also the processes it forked (found by their parent's pid in /proc).
  void stop_with_children() {
    for (const auto& entry : fs::directory_iterator("/proc")) {
      std::ifstream stat(entry.path() / "stat");
      std::string pid, name, state;
      pid_t parent = 0;
      if (stat >> pid >> name >> state >> parent && parent == pid_) kill(std::stoi(pid), SIGKILL);
    }
    stop();
  }
  void resume() { kill(pid_, SIGCONT); }

 private:
  pid_t pid_ = -1;
};

// xapian-tcpsrv for one shard on 127.0.0.1; port() is 0 if it did not come up in 10 s.
class ShardServer {
 public:
  explicit ShardServer(const std::string& db, const std::string& idle_timeout_ms = "") {
    for (int attempt = 0; attempt < 5 && port_ == 0; ++attempt) {
      int port = free_port();
      std::vector<std::string> argv = {
          "/usr/bin/xapian-tcpsrv", "--interface", "127.0.0.1", "--port",
          std::to_string(port),     "--quiet"};
      if (!idle_timeout_ms.empty()) argv.insert(argv.end(), {"--idle-timeout", idle_timeout_ms});
      argv.push_back(db);
      server_ = std::make_unique<Server>(argv);
      for (int i = 0; i < 200 && port_ == 0; ++i) {
        if (port_open(port)) port_ = port;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
  int port() const { return port_; }
  Server& process() { return *server_; }

 private:
  std::unique_ptr<Server> server_;
  int port_ = 0;
};

// ---- databases ------------------------------------------------------------------------

std::string samples() { return std::string(POLSEARCH_SOURCE_DIR) + "/samples/statements"; }

// The same statements in one database and in a 3-shard database.
struct Corpus {
  TempDir dir;
  std::string one, sharded;
  std::vector<std::string> inputs;

  Corpus() {
    one = (dir.path() / "one").string();
    sharded = (dir.path() / "sharded").string();
    inputs = {samples()};
    fs::path shared = testing::shared_dir();
    fs::path speeches = shared / "corpus/us-presidential-speeches/docs.jsonl.gz";
    if (!shared.empty() && fs::exists(speeches)) {
      // A few hundred statements keep the test fast and the shards realistic.
      const std::string subset = (dir.path() / "subset.jsonl").string();
      run_command({"/bin/sh", "-c", "zcat '" + speeches.string() + "' | head -n 60 > " + subset});
      inputs.push_back(subset);
    }
    index(one, {});
    index(sharded, {"--shards", "3"});
  }
  void index(const std::string& db, std::vector<std::string> extra) {
    std::vector<std::string> argv = {testing::indexer_path(), "--db", db, "-q"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.insert(argv.end(), inputs.begin(), inputs.end());
    auto r = run_command(argv);
    if (r.exit_status != 0) ADD_FAILURE() << r.err;
  }
};

const Corpus& corpus() {
  static const Corpus* shared = new Corpus();  // built once for the suite
  return *shared;
}

std::vector<std::string> bench_queries() {
  std::vector<std::string> queries = {
      "security guarantees", "\"Article 5\"",          "backstop",  "cease-fire", "ceasefire",
      "securty guarantes",   "speaker:Zelenskyy army", "patrolling"};
  fs::path tsv = testing::shared_dir() / "bench/queries.tsv";
  std::ifstream in(tsv);
  std::string line;
  while (std::getline(in, line)) {
    size_t tab = line.rfind('\t');
    if (tab != std::string::npos) queries.push_back(line.substr(tab + 1));
  }
  return queries;
}

// What must be the same whatever the shards: per hit the statement, passage, Xapian
// weight, score, highlights and "+N more"; the counts, facets and suggestion. Hits
// of equal weight may come in another order (document ids interleave across shards),
// so each run of equal weights is sorted, and a run cut by the page end is left out.
std::vector<std::string> canonical(const SearchResult& r) {
  std::vector<std::string> rows;
  for (const Hit& h : r.hits) {
    std::string row = std::to_string(h.weight) + " " + h.doc_id + " #" + std::to_string(h.passage) +
                      " +" + std::to_string(h.collapsed);
    // The score is the weight, except in a tier (all words, --like's other statements):
    // there it is the weight less the tier's bonus plus a bound on the rest of the query
    // from the collection statistics, the same whatever the shards.
    row += " score " + std::to_string(h.score) + (h.all_terms ? " all words" : "");
    for (auto& s : h.highlights)
      row += " [" + std::to_string(s.start) + "," + std::to_string(s.end) + " " + s.label + "]";
    rows.push_back(row);
  }
  if (!r.hits.empty() && r.hits.size() == r.hits.front().rank + r.hits.size() - 1) {
    const double last = r.hits.back().weight;
    size_t keep = rows.size();
    while (keep > 0 && r.hits[keep - 1].weight == last) --keep;
    if (keep > 0 || rows.size() >= 10) rows.resize(keep);
  }
  for (size_t i = 0; i < rows.size();) {
    size_t j = i;
    while (j < rows.size() && r.hits[j].weight == r.hits[i].weight) ++j;
    std::sort(rows.begin() + i, rows.begin() + j);
    i = j;
  }
  // Counts past MatchCounter::kExactUpTo are Xapian's estimates, which depend on the
  // shards; exact counts must agree.
  auto& c = r.counts;
  if (!c.exact())
    rows.push_back("estimated counts");
  else
    rows.push_back("passages " + std::to_string(c.passages.estimate) + "/" +
                   std::to_string(c.passages.lower) + "/" + std::to_string(c.passages.upper) +
                   " statements " + std::to_string(c.statements.estimate) + "/" +
                   std::to_string(c.statements.lower) + "/" + std::to_string(c.statements.upper));
  rows.push_back("suggestion '" + r.suggestion + "' corrected from '" + r.corrected_from + "'");
  for (const Facet& f : r.facets) {
    std::string row = "facet " + f.field + " " + std::to_string(f.total) + ":";
    for (auto& [value, n] : f.counts) row += " " + value + "=" + std::to_string(n);
    rows.push_back(row);
  }
  return rows;
}

void expect_same_results(Searcher& expected, Searcher& actual, const std::string& label) {
  // Each built afresh, not copied: GCC 12 takes a copy's std::optional<RankingParams>
  // for uninitialised (-Wmaybe-uninitialized).
  auto sorted = [](SortOrder sort, bool facets) {
    SearchOptions options;
    options.sort = sort;
    options.facets = facets;
    return options;
  };
  SearchOptions plain, faceted;
  faceted.facets = true;
  faceted.per_doc = 2;
  // Oldest first, undated passages last (the samples have one).
  SearchOptions oldest = sorted(SortOrder::DateAscending, false);
  oldest.limit = 30;
  SearchOptions oldest_faceted = sorted(SortOrder::DateAscending, true);
  oldest_faceted.limit = 30;
  oldest_faceted.offset = 5;
  SearchOptions newest = sorted(SortOrder::DateDescending, false);
  SearchOptions newest_faceted = sorted(SortOrder::DateDescending, true);
  const std::vector<std::string> queries = bench_queries();
  for (size_t q = 0; q < queries.size(); ++q) {
    const std::string& query = queries[q];
    for (const SearchOptions* options :
         {&plain, &faceted, &oldest, &newest, &oldest_faceted, &newest_faceted}) {
      if (options == &faceted && q % 4 != 0) continue;  // facets count every match: slower
      if (options->sort != SortOrder::Relevance && q % 10 != 0) continue;
      std::vector<std::string> want, got;
      try {
        want = canonical(expected.search(query, *options));
      } catch (const QuerySyntaxError&) {
        EXPECT_THROW(actual.search(query, *options), QuerySyntaxError) << label << ": " << query;
        continue;
      }
      got = canonical(actual.search(query, *options));
      // Past the exact range each side estimates, the shards (exact up to the limit
      // each) often exactly: only exact counts are compared.
      for (size_t i = 0; i < got.size() && i < want.size(); ++i)
        if ((got[i] == "estimated counts") != (want[i] == "estimated counts") &&
            (got[i].starts_with("passages ") || want[i].starts_with("passages ")))
          got[i] = want[i] = "estimated counts";
      if (got == want) continue;
      std::string differences;
      for (size_t i = 0; i < std::max(got.size(), want.size()); ++i)
        if (i >= got.size() || i >= want.size() || got[i] != want[i])
          differences += "\n  row " + std::to_string(i) + ": got  " +
                         (i < got.size() ? got[i] : "-") + "\n         want " +
                         (i < want.size() ? want[i] : "-");
      FAIL() << label << ": " << query << (options->facets ? " (facets)" : "") << differences;
    }
  }
}

std::string stub(const TempDir& dir, const std::string& name, const std::string& text) {
  fs::path path = dir.path() / name;
  testing::write_file(path, text);
  return path.string();
}

// The text of a stub serving a sharded database's `shards` shards through
// xapian-progsrv (no ports), with its auxiliary database.
std::string progsrv_stub_text(const std::string& sharded, unsigned shards) {
  std::string text = "# polsearch-aux " + sharded + "/aux\n";
  for (unsigned k = 0; k < shards; ++k)
    text += "remote :xapian-progsrv " + sharded + "/" + shard_folder(k) + "\n";
  return text;
}

// ---- the sharded folder ---------------------------------------------------------------

TEST(ShardedIndex, WritesShardsStubAndAuxThatXapianToolsOpen) {
  const Corpus& c = corpus();
  EXPECT_EQ(testing::read_file(fs::path(c.sharded) / "XAPIANDB"),
            "# polsearch sharded database: 3 shards; statement id -> shard fnv1a64(id) % 3\n"
            "auto shard0\nauto shard1\nauto shard2\n");
  std::string set;
  for (unsigned k = 0; k < 3; ++k) {
    Xapian::Database shard((fs::path(c.sharded) / shard_folder(k)).string());
    EXPECT_EQ(shard.get_metadata(std::string(kMetaShard)), std::to_string(k) + "/3");
    if (k == 0) set = shard.get_metadata(std::string(kMetaShardSet));
    EXPECT_EQ(shard.get_metadata(std::string(kMetaShardSet)), set);
    EXPECT_GT(shard.get_doccount(), 0u) << "shard " << k;
  }
  EXPECT_EQ(set.size(), 16u);
  // Xapian itself (and so quest and xapian-delve) opens the folder as the whole.
  EXPECT_EQ(Xapian::Database(c.sharded).get_doccount(), Xapian::Database(c.one).get_doccount());
  auto delve = run_command({"/usr/bin/xapian-delve", c.sharded});
  EXPECT_EQ(delve.exit_status, 0) << delve.err;
  Xapian::Database aux((fs::path(c.sharded) / "aux").string());
  Xapian::Database one(c.one);
  EXPECT_EQ(aux.get_spelling_suggestion("securty"), one.get_spelling_suggestion("securty"));
  EXPECT_EQ(aux.get_metadata("polsearch:schema"), one.get_metadata("polsearch:schema"));
}

TEST(ShardedIndex, ReplacesAndDeletesInTheStatementsShard) {
  TempDir dir;
  const std::string db = (dir.path() / "db").string();
  auto first = run_command({testing::indexer_path(), "--db", db, "--shards", "2", samples()});
  ASSERT_EQ(first.exit_status, 0) << first.err;
  // A later run finds the sharded folder by itself and routes the same way.
  auto again = run_command({testing::indexer_path(), "--db", db, samples()});
  ASSERT_EQ(again.exit_status, 0) << again.err;
  EXPECT_NE(again.err.find("0 statements added, 2 replaced"), std::string::npos) << again.err;
  const std::string id = "seed-zelenskyy-security-guarantees";
  const std::string record = "Q" + id;
  const unsigned home = shard_of(id, 2);
  for (unsigned k = 0; k < 2; ++k)
    EXPECT_EQ(Xapian::Database((dir.path() / "db" / shard_folder(k)).string()).term_exists(record),
              k == home);
  auto removed = run_command({testing::indexer_path(), "--db", db, "--delete", id});
  ASSERT_EQ(removed.exit_status, 0) << removed.err;
  EXPECT_FALSE(Xapian::Database(db).term_exists(record));
}

TEST(ShardedIndex, RefusesAnotherShardCountOrAPlainDatabase) {
  TempDir dir;
  const std::string db = (dir.path() / "db").string();
  const std::string plain = (dir.path() / "plain").string();
  ASSERT_EQ(
      run_command({testing::indexer_path(), "--db", db, "--shards", "2", samples()}).exit_status,
      0);
  ASSERT_EQ(run_command({testing::indexer_path(), "--db", plain, samples()}).exit_status, 0);
  auto more = run_command({testing::indexer_path(), "--db", db, "--shards", "3", samples()});
  EXPECT_EQ(more.exit_status, 3);
  EXPECT_NE(more.err.find("the database has 2 shards, not --shards 3"), std::string::npos)
      << more.err;
  auto onto_plain =
      run_command({testing::indexer_path(), "--db", plain, "--shards", "2", samples()});
  EXPECT_EQ(onto_plain.exit_status, 3);
  EXPECT_NE(onto_plain.err.find("not a sharded database"), std::string::npos) << onto_plain.err;
  EXPECT_FALSE(fs::exists(fs::path(plain) / "XAPIANDB"));
}

TEST(ShardedSearch, RefusesAMixedSet) {
  TempDir dir;
  for (const char* name : {"a", "b"})
    ASSERT_EQ(run_command({testing::indexer_path(), "--db", (dir.path() / name).string(),
                           "--shards", "2", samples()})
                  .exit_status,
              0);
  const std::pair<std::string, std::string> cases[] = {
      {"auto a/shard0\nauto b/shard1\n", "belongs to another sharded database than shard 0"},
      {"auto a/shard1\nauto a/shard0\n", "records shard 1/2, but is listed as 0/2"},
      {"auto a/shard0\n", "records shard 0/2, but is listed as 0/1"},
  };
  for (auto& [text, message] : cases) {
    try {
      Searcher searcher(stub(dir, "mixed.stub", text), ShardOptions{});
      ADD_FAILURE() << text;
    } catch (const ShardError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
}

// ---- same results ---------------------------------------------------------------------

// --explain over remote shards weighs each part within the hit's statement (its
// membership term), not with the single-passage filter remote servers cannot run:
// the parts must be those of one database, the tier's included (see canonical()).
void expect_same_explanations(Searcher& expected, Searcher& actual) {
  SearchOptions explain;
  explain.explain = true;
  auto rows = [&](Searcher& searcher, const std::string& query) {
    std::vector<std::string> out;
    for (const Hit& h : searcher.search(query, explain).hits) {
      std::string row = h.doc_id + " #" + std::to_string(h.passage);
      for (const ExplainPart& p : h.explain.value_or(std::vector<ExplainPart>{}))
        row += " | " + p.kind + " " + p.term + " " + std::to_string(p.weight);
      out.push_back(row);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  for (const char* query : {"security guarantees", "ceasefire observers", "\"Article 5\""}) {
    const auto want = rows(expected, query);
    EXPECT_FALSE(want.empty()) << query;
    EXPECT_EQ(rows(actual, query), want) << query;
  }
}

// --like over remote shards keeps the seed out with a query of terms (the statement's
// membership term and words that tell the seed from its statement's other passages):
// results, scores, counts, facets and "+N more" must be one database's. Seeds: a passage
// of the samples and the best passages of a few queries (long speeches, when the shared
// corpus is there: many passages to tell apart).
void expect_same_like_results(Searcher& expected, Searcher& actual) {
  std::vector<PassageRef> seeds = {{"seed-zelenskyy-security-guarantees", 4}};
  for (const char* query : {"economy jobs", "Article 5", "freedom"})
    for (const Hit& h : expected.search(query, SearchOptions{}).hits)
      if (seeds.size() < 4 && h.doc_id != seeds.back().doc_id)
        seeds.push_back({h.doc_id, h.passage});
  SearchOptions plain, faceted, filtered;
  faceted.facets = true;
  faceted.per_doc = 2;
  faceted.explain = true;
  filtered.limit = 20;
  for (const PassageRef& seed : seeds)
    for (const SearchOptions* base : {&plain, &faceted, &filtered}) {
      SearchOptions options = *base;
      options.like = seed;
      const std::string query = base == &filtered ? "security OR war" : "";
      const std::vector<std::string> want = canonical(expected.search(query, options));
      EXPECT_GT(want.size(), 2u) << seed.str();
      EXPECT_EQ(canonical(actual.search(query, options)), want) << "--like " << seed.str();
    }
}

TEST(ShardedSearch, LocalShardsGiveOneDatabasesResults) {
  const Corpus& c = corpus();
  Searcher one(c.one), sharded(c.sharded, ShardOptions{});
  expect_same_results(one, sharded, "3 local shards");
  // Sharing one stub for several queries: show, --like and --explain too.
  EXPECT_EQ(sharded.statement("seed-zelenskyy-security-guarantees").passages.size(),
            one.statement("seed-zelenskyy-security-guarantees").passages.size());
  SearchOptions like;
  like.like = PassageRef{"seed-zelenskyy-security-guarantees", 4};
  like.explain = true;
  EXPECT_EQ(canonical(sharded.search("", like)), canonical(one.search("", like)));
}

TEST(ShardedSearch, ProgsrvShardsGiveOneDatabasesResults) {
  const Corpus& c = corpus();
  TempDir dir;
  std::string text = progsrv_stub_text(c.sharded, 3);
  Searcher one(c.one), remote(stub(dir, "progsrv.stub", text), ShardOptions{});
  expect_same_results(one, remote, "3 xapian-progsrv shards");
  expect_same_explanations(one, remote);
}

TEST(ShardedSearch, LikeOverProgsrvShardsGivesOneDatabasesResults) {
  const Corpus& c = corpus();
  TempDir dir;
  std::string text = progsrv_stub_text(c.sharded, 3);
  Searcher one(c.one), remote(stub(dir, "progsrv.stub", text), ShardOptions{});
  expect_same_like_results(one, remote);
}

// A seed whose statement has another passage with exactly its words cannot be told
// apart by terms: over remote shards that --like is refused, naming the seed; its
// statement's other passages still work.
TEST(ShardedSearch, LikeOverRemoteShardsRefusesASeedWithATwinPassage) {
  TempDir dir;
  const std::string twice =
      "Peace talks resumed in Geneva today, and the delegations said that the ceasefire along "
      "the border must hold while observers from many countries watch the line of contact and "
      "report every violation to the council, which meets again next week.";
  const std::string between =
      "The economy grew faster than expected this quarter, driven by exports of grain and "
      "steel, while inflation slowed and the central bank kept its rates unchanged for a third "
      "meeting in a row, citing uncertainty about energy prices and the war.";
  testing::write_file(dir.path() / "in.jsonl",
                      "{\"id\":\"twin\",\"text\":\"" + twice + "\\n\\n" + between + "\\n\\n" +
                          twice +
                          "\"}\n{\"id\":\"other\",\"text\":\"Ceasefire talks in Geneva touched on "
                          "inflation, exports, the central bank and energy prices.\"}\n");
  const std::string db = (dir.path() / "db").string();
  auto indexed = run_command({testing::indexer_path(), "--db", db, "--shards", "2", "-q",
                              (dir.path() / "in.jsonl").string()});
  ASSERT_EQ(indexed.exit_status, 0) << indexed.err;
  std::string text = progsrv_stub_text(db, 2);
  Searcher local(db, ShardOptions{}), remote(stub(dir, "twin.stub", text), ShardOptions{});
  SearchOptions like;
  like.like = PassageRef{"twin", 1};
  EXPECT_EQ(canonical(remote.search("", like)), canonical(local.search("", like)));
  EXPECT_FALSE(local.search("", like).hits.empty());
  like.like = PassageRef{"twin", 0};
  ASSERT_EQ(local.statement("twin").passages.size(), 3u);
  const SearchResult twin = local.search("", like);  // locally the seed's twin, #2, is found
  ASSERT_FALSE(twin.hits.empty());
  EXPECT_EQ(twin.hits[0].doc_id + " #" + std::to_string(twin.hits[0].passage), "twin #2");
  try {
    remote.search("", like);
    ADD_FAILURE() << "--like twin#0 accepted over remote shards";
  } catch (const ShardError& e) {
    EXPECT_NE(std::string(e.what()).find(": --like twin#0 over remote shards: another passage of "
                                         "that statement has exactly the same words"),
              std::string::npos)
        << e.what();
  }
}

// polsearch's own BM25 (ranking.passage_stats, ranking.lucene_idf) is a Xapian::Weight
// subclass that xapian-progsrv and xapian-tcpsrv cannot run: refused over remote shards
// with exit 3 and a message naming the knob and the way out; local shards run it.
TEST(ShardedSearch, OwnWeightingOverRemoteShardsIsRefusedNamingTheKnob) {
  TempDir dir;
  const std::string db = (dir.path() / "db").string();
  ASSERT_EQ(run_command({testing::indexer_path(), "--db", db, "--shards", "2", "-q", samples()})
                .exit_status,
            0);
  std::string text = progsrv_stub_text(db, 2);
  const std::string remote = stub(dir, "remote.stub", text);
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--lucene-idf", "on"},
       ": ranking.lucene_idf needs polsearch's own BM25 weighting, which Xapian's remote "
       "servers (xapian-tcpsrv, xapian-progsrv) cannot run: they know only Xapian's built-in "
       "weights. Search local shards, or turn it off (searcher --lucene-idf off, or the "
       "schema's [ranking])"},
      {{"--passage-stats", "on", "--lucene-idf", "on"},
       ": ranking.passage_stats and ranking.lucene_idf need polsearch's own BM25 weighting"},
  };
  for (const auto& [options, message] : cases) {
    std::vector<std::string> argv = {testing::searcher_path(), "--db", remote};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back("security guarantees");
    auto refused = run_command(argv);
    EXPECT_EQ(refused.exit_status, 3) << refused.err;
    EXPECT_NE(refused.err.find(remote + message), std::string::npos) << refused.err;
    argv[2] = db;
    auto local = run_command(argv);
    EXPECT_EQ(local.exit_status, 0) << local.err;
  }
}

TEST(ShardedSearch, TcpsrvShardsGiveOneDatabasesResults) {
  const Corpus& c = corpus();
  TempDir dir;
  std::vector<std::unique_ptr<ShardServer>> servers;
  std::string text = "# polsearch-aux " + c.sharded + "/aux\n";
  for (unsigned k = 0; k < 3; ++k) {
    servers.push_back(std::make_unique<ShardServer>(c.sharded + "/" + shard_folder(k)));
    ASSERT_NE(servers.back()->port(), 0) << "xapian-tcpsrv did not start";
    text += "remote 127.0.0.1:" + std::to_string(servers.back()->port()) + "\n";
  }
  Searcher one(c.one), remote(stub(dir, "tcp.stub", text), ShardOptions{});
  expect_same_results(one, remote, "3 xapian-tcpsrv shards");
}

// ---- faults ---------------------------------------------------------------------------

struct RemoteSet {
  TempDir dir;
  std::vector<std::unique_ptr<ShardServer>> servers;
  std::string stub_path;
  explicit RemoteSet(const std::string& idle_timeout_ms = "") {
    const Corpus& c = corpus();
    std::string text = "# polsearch-aux " + c.sharded + "/aux\n";
    for (unsigned k = 0; k < 3; ++k) {
      servers.push_back(
          std::make_unique<ShardServer>(c.sharded + "/" + shard_folder(k), idle_timeout_ms));
      text += "remote 127.0.0.1:" + std::to_string(servers.back()->port()) + "\n";
    }
    stub_path = stub(dir, "tcp.stub", text);
  }
  std::string name(unsigned k) const {
    return "shard " + std::to_string(k) +
           " (remote 127.0.0.1:" + std::to_string(servers[k]->port()) + ", " + stub_path + ":" +
           std::to_string(k + 2) + ")";
  }
};

testing::CommandResult searcher(const std::vector<std::string>& args) {
  // `timeout` bounds the test if the searcher ever hung (it must not).
  std::vector<std::string> argv = {"/usr/bin/timeout", "60", testing::searcher_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

TEST(ShardFaults, ADownShardIsAnErrorNamingItOrLeftOutWithPartial) {
  RemoteSet set;
  ASSERT_NE(set.servers[1]->port(), 0);
  set.servers[1]->process().stop();
  auto down = searcher({"--db", set.stub_path, "security"});
  EXPECT_EQ(down.exit_status, 3);
  EXPECT_NE(down.err.find(set.name(1) + ": cannot open: NetworkError"), std::string::npos)
      << down.err;
  auto text = searcher({"--db", set.stub_path, "--partial", "security"});
  EXPECT_EQ(text.exit_status, 0) << text.err;
  EXPECT_NE(text.out.find("warning: partial results: 1 of 3 shards did not answer and their "
                          "statements are left out: " +
                          set.name(1)),
            std::string::npos)
      << text.out;
  auto json = testing::search(set.stub_path, "security", {"--partial"});
  EXPECT_EQ(json.raw.exit_status, 0) << json.raw.err;
  EXPECT_EQ(json.summary["missing_shards"], nlohmann::json::array({set.name(1)}));
  EXPECT_EQ(json.summary["warnings"].size(), 1u);
}

TEST(ShardFaults, AShardThatDiesUnderAnOpenSearcherIsNamed) {
  RemoteSet set;
  ASSERT_NE(set.servers[2]->port(), 0);
  Searcher strict(set.stub_path, ShardOptions{});
  ShardOptions partial_options;
  partial_options.partial = true;
  Searcher partial(set.stub_path, partial_options);
  const auto whole = canonical(strict.search("security", {}));
  ASSERT_EQ(canonical(partial.search("security", {})), whole);
  // xapian-tcpsrv serves each connection in a child process: stop those too.
  set.servers[2]->process().stop_with_children();
  try {
    strict.search("security", {});
    ADD_FAILURE() << "no error for a dead shard";
  } catch (const ShardError& e) {
    EXPECT_NE(std::string(e.what()).find(set.name(2)), std::string::npos) << e.what();
  }
  SearchResult r = partial.search("security", {});
  EXPECT_EQ(r.missing_shards, std::vector<std::string>{set.name(2)});
  ASSERT_EQ(r.warnings.size(), 1u);
}

TEST(ShardFaults, AHungShardIsAnErrorWithinTheTimeout) {
  RemoteSet set;
  ASSERT_NE(set.servers[0]->port(), 0);
  set.servers[0]->process().pause();  // accepts nothing: connections wait in the backlog
  auto hung = searcher(
      {"--db", set.stub_path, "--shard-timeout", "300", "--connect-timeout", "300", "security"});
  set.servers[0]->process().resume();
  EXPECT_EQ(hung.exit_status, 3) << hung.err;
  EXPECT_NE(hung.err.find(set.name(0) + ": cannot open: NetworkTimeoutError"), std::string::npos)
      << hung.err;
}

TEST(ShardFaults, AnIdleTimeoutReconnectsTransparently) {
  RemoteSet set("200");  // the servers close connections idle for 200 ms
  ASSERT_NE(set.servers[0]->port(), 0);
  const Corpus& c = corpus();
  Searcher one(c.one), remote(set.stub_path, ShardOptions{});
  auto before = canonical(remote.search("security guarantees", {}));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  auto after = canonical(remote.search("security guarantees", {}));
  EXPECT_EQ(after, before);
  EXPECT_EQ(after, canonical(one.search("security guarantees", {})));
}

// ---- replicas -------------------------------------------------------------------------

TEST(Replica, CatchesUpAfterACommitAndASearcherSeesTheNewStatement) {
  TempDir dir;
  const fs::path master = dir.path() / "master";
  fs::create_directories(master);
  const std::string db = (master / "db").string();
  auto indexed =
      run_command({testing::indexer_path(), "--db", db, "--changesets", "10", "-q", samples()});
  ASSERT_EQ(indexed.exit_status, 0) << indexed.err;
  int port = free_port();
  Server server({"/usr/bin/xapian-replicate-server", "--interface=127.0.0.1",
                 "--port=" + std::to_string(port), master.string()});
  for (int i = 0; i < 200 && !port_open(port); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(port_open(port)) << "xapian-replicate-server did not start";
  const std::string replica = (dir.path() / "replica").string();
  auto replicate = [&] {
    return run_command({"/usr/bin/timeout", "60", "/usr/bin/xapian-replicate", "--host=127.0.0.1",
                        "--port=" + std::to_string(port), "--master=db", "--one-shot",
                        "--timeout=10", "--reader-time=0", "--quiet", replica});
  };
  auto first = replicate();
  ASSERT_EQ(first.exit_status, 0) << first.err;
  EXPECT_EQ(testing::search(replica, "patrols").summary["total"]["statements"], 1);
  EXPECT_EQ(testing::search(replica, "replicated").summary["total"]["statements"], 0);
  const std::string added = (dir.path() / "new.jsonl").string();
  testing::write_file(added, R"({"id": "replica-1", "text": "A statement replicated later."})"
                             "\n");
  ASSERT_EQ(run_command({testing::indexer_path(), "--db", db, "--changesets", "10", "-q", added})
                .exit_status,
            0);
  auto second = replicate();
  ASSERT_EQ(second.exit_status, 0) << second.err;
  auto seen = testing::search(replica, "replicated");
  EXPECT_EQ(seen.raw.exit_status, 0) << seen.raw.err;
  EXPECT_EQ(seen.summary["total"]["statements"], 1);
  ASSERT_EQ(seen.hits.size(), 1u);
  EXPECT_EQ(seen.hits[0]["doc_id"], "replica-1");
}

}  // namespace
}  // namespace polsearch
