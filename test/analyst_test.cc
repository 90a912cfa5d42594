// Analyst features: --sort, --like, --context, `searcher show` and --explain, through the
// real binaries on samples/ (and, for dates, a few dated statements beside them) and
// through polsearch::Searcher in-process where the exact weights matter.
#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <sstream>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "query_builder.h"
#include "searcher.h"
#include "terms.h"
#include "test_support.h"

namespace polsearch::testing {
namespace {

using nlohmann::json;

const std::string kSamples = std::string(POLSEARCH_SOURCE_DIR) + "/samples/statements";
const std::string kSeed = "seed-zelenskyy-security-guarantees";
const std::string kTreaty = "north-atlantic-treaty-1949-article-5";

// Dated statements that all speak of security, two of them on the same day, one dated
// by its year only; with the samples (one dated 1949, one undated) they test date order.
std::string dated_statements() {
  struct Dated {
    const char* id;
    const char* date;
    const char* country;
  };
  const Dated dated[] = {{"dated-1995", "1995-06-01", "FRA"},
                         {"dated-2001-a", "2001-09-12", "USA"},
                         {"dated-2001-b", "2001-09-12", "DEU"},
                         {"dated-2015", "2015", "UKR"},
                         {"dated-2022", "2022-02-24", "POL"}};
  std::string out;
  int n = 0;
  for (const Dated& d : dated) {
    ++n;
    std::string text =
        "The minister said that collective security rests on trust between partners, on "
        "forces that can defend the territory, and on treaties that every party honours in "
        "good faith, whatever the cost and whatever the pressure of the moment.\n\n";
    // A second paragraph whose security wording differs per statement, so relevance
    // differs too.
    for (int i = 0; i < n; ++i) text += "Security guarantees were discussed at length. ";
    text +=
        "Delegations from many countries attended the conference, heard the reports of the "
        "working groups and agreed to meet again next year in the same city.";
    out += json{{"id", d.id},
                {"title", std::string("Statement ") + d.id},
                {"date", d.date},
                {"country", d.country},
                {"speaker", "Minister"},
                {"text", text}}
               .dump() +
           "\n";
  }
  return out;
}

CommandResult searcher(const std::string& db, std::vector<std::string> args) {
  std::vector<std::string> argv = {searcher_path(), "--db", db};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

std::string date_of(const json& hit) {
  return hit["date"].is_string() ? hit["date"].get<std::string>() : std::string();
}

// "1995-06-01" -> "19950601", "2015" -> "20150000": the order the date slot sorts in.
std::string sortable(std::string date) {
  std::string digits;
  for (char c : date)
    if (c != '-') digits += c;
  return digits + std::string(8 - std::min<size_t>(8, digits.size()), '0');
}

double sum_of(const std::vector<ExplainPart>& parts) {
  double sum = 0;
  for (auto& p : parts) sum += p.weight;
  return sum;
}

class Analyst : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto r = run_command({indexer_path(), "--db", samples_db(), kSamples});
    ASSERT_EQ(r.exit_status, 0) << r.err;
    write_file(dir_->path() / "dated.jsonl", dated_statements());
    r = run_command(
        {indexer_path(), "--db", dated_db(), kSamples, (dir_->path() / "dated.jsonl").string()});
    ASSERT_EQ(r.exit_status, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string samples_db() { return dir_->str() + "/samples"; }
  static std::string dated_db() { return dir_->str() + "/dated"; }

  // The seed passage about the American backstop ("no American backstop ... contingent").
  static uint32_t backstop_passage() {
    auto r = search(samples_db(), "backstop contingent expensive", {"--limit", "1"});
    EXPECT_EQ(r.hits.size(), 1u) << r.raw.err;
    EXPECT_NE(r.hits.at(0)["text"].get<std::string>().find("no American"), std::string::npos);
    return r.hits.at(0)["passage"];
  }

  static TempDir* dir_;
};
TempDir* Analyst::dir_ = nullptr;

// --- sort ------------------------------------------------------------------------

TEST_F(Analyst, SortDateIsOldestFirstUndatedLastTiesByRelevance) {
  auto r = search(dated_db(), "security", {"--sort", "date", "--per-doc", "0", "--limit", "100"});
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  EXPECT_EQ(r.summary["sort"], "date");
  ASSERT_GE(r.hits.size(), 8u);
  bool seen_undated = false;
  for (size_t i = 0; i < r.hits.size(); ++i) {
    std::string date = date_of(r.hits[i]);
    if (date.empty()) {
      seen_undated = true;
    } else {
      EXPECT_FALSE(seen_undated) << "a dated passage after an undated one at rank " << i + 1;
    }
    if (i == 0) continue;
    std::string previous = date_of(r.hits[i - 1]);
    if (!date.empty() && !previous.empty()) {
      EXPECT_LE(sortable(previous), sortable(date)) << "rank " << i + 1;
    }
    if (date == previous) {  // ties (same day, or both undated) by relevance
      EXPECT_GE(r.hits[i - 1]["score"].get<double>(), r.hits[i]["score"].get<double>());
    }
  }
  EXPECT_TRUE(seen_undated);
  EXPECT_EQ(date_of(r.hits.front()), "1949-04-04");
}

TEST_F(Analyst, SortMinusDateIsNewestFirstUndatedLast) {
  auto r = search(dated_db(), "security", {"--sort", "-date", "--per-doc", "0", "--limit", "100"});
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  EXPECT_EQ(r.summary["sort"], "-date");
  ASSERT_GE(r.hits.size(), 8u);
  EXPECT_EQ(date_of(r.hits.front()), "2022-02-24");
  EXPECT_TRUE(date_of(r.hits.back()).empty());
  for (size_t i = 1; i < r.hits.size(); ++i) {
    std::string date = date_of(r.hits[i]), previous = date_of(r.hits[i - 1]);
    if (!date.empty()) {
      ASSERT_FALSE(previous.empty()) << "a dated passage after an undated one";
      EXPECT_GE(sortable(previous), sortable(date)) << "rank " << i + 1;
    }
  }
  // The same-day statements meet; the more relevant one comes first.
  std::vector<double> same_day;
  for (auto& hit : r.hits)
    if (date_of(hit) == "2001-09-12") same_day.push_back(hit["score"]);
  ASSERT_GE(same_day.size(), 2u);
  EXPECT_TRUE(std::is_sorted(same_day.rbegin(), same_day.rend()));
}

TEST_F(Analyst, RelevanceIsTheDefaultAndADateWindowKeepsIt) {
  auto plain = search(dated_db(), "security", {"--per-doc", "0"});
  EXPECT_EQ(plain.summary["sort"], "relevance");
  auto r = search(dated_db(), "date:1990..2010 security", {"--per-doc", "0", "--limit", "50"});
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  EXPECT_EQ(r.summary["sort"], "relevance");
  ASSERT_GE(r.hits.size(), 3u);
  std::set<std::string> dates;
  for (size_t i = 0; i < r.hits.size(); ++i) {
    std::string date = date_of(r.hits[i]);
    dates.insert(date);
    EXPECT_GE(sortable(date), "19900000");
    EXPECT_LE(sortable(date), "20109999");
    if (i) {
      EXPECT_GE(r.hits[i - 1]["score"].get<double>(), r.hits[i]["score"].get<double>());
    }
  }
  EXPECT_EQ(dates, (std::set<std::string>{"1995-06-01", "2001-09-12"}));
}

TEST_F(Analyst, SortByDateWorksForStatementsAndInText) {
  auto r = search(dated_db(), "security", {"--sort", "date", "--unit", "statement"});
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  std::vector<std::string> ids;
  for (auto& hit : r.hits) ids.push_back(hit["doc_id"]);
  ASSERT_EQ(ids.size(), 7u);
  EXPECT_EQ(ids.front(), kTreaty);
  EXPECT_EQ(ids.back(), kSeed);
  EXPECT_EQ(ids[1], "dated-1995");
  auto text = searcher(dated_db(), {"--sort", "-date", "--limit", "1", "security"});
  ASSERT_EQ(text.exit_status, 0) << text.err;
  EXPECT_NE(text.out.find("2022-02-24"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("sorted by date, newest first"), std::string::npos) << text.out;
}

TEST_F(Analyst, BadSortIsAUsageError) {
  auto r = searcher(samples_db(), {"--sort", "newest", "security"});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("--sort"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

// --- like ------------------------------------------------------------------------

TEST_F(Analyst, LikeRanksOtherStatementsFirstAndLeavesTheSeedOut) {
  uint32_t seed = backstop_passage();
  std::string ref = kSeed + "#" + std::to_string(seed);
  auto r = search(samples_db(), "", {"--like", ref, "--per-doc", "0", "--limit", "50"});
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  ASSERT_GE(r.hits.size(), 2u);
  // The treaty shares "security" with the seed passage: it comes first.
  EXPECT_EQ(r.hits[0]["doc_id"], kTreaty);
  bool seen_own = false;
  for (auto& hit : r.hits) {
    bool own = hit["doc_id"] == kSeed;
    if (!own) {
      EXPECT_FALSE(seen_own) << "another statement's passage after the seed's own";
    }
    seen_own = seen_own || own;
    EXPECT_FALSE(own && hit["passage"] == seed) << "the seed passage itself came back";
  }
  EXPECT_TRUE(seen_own);
  EXPECT_EQ(r.summary["like"], ref);
  std::vector<std::string> terms = r.summary["like_terms"];
  EXPECT_NE(std::find(terms.begin(), terms.end(), "backstop"), terms.end()) << r.summary.dump();
  EXPECT_NE(std::find(terms.begin(), terms.end(), "conting"), terms.end()) << r.summary.dump();
  for (auto& t : terms) {
    EXPECT_EQ(t.find_first_of("0123456789"), std::string::npos) << t;
    EXPECT_FALSE(is_stopword(t)) << t;
  }
  // Within the seed statement, the passage that shares most (the other U.S. backstop
  // passage) comes first.
  for (auto& hit : r.hits)
    if (hit["doc_id"] == kSeed) {
      EXPECT_NE(hit["text"].get<std::string>().find("backstop"), std::string::npos);
      break;
    }
}

TEST_F(Analyst, LikeWithAQueryOnlyFilters) {
  std::string ref = kSeed + "#" + std::to_string(backstop_passage());
  auto all = search(samples_db(), "", {"--like", ref, "--per-doc", "0", "--limit", "50"});
  auto r = search(samples_db(), "country:UKR", {"--like", ref, "--per-doc", "0", "--limit", "50"});
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  ASSERT_FALSE(r.hits.empty());
  std::vector<json> expected;
  for (auto& hit : all.hits)
    if (hit["country"] == "UKR") expected.push_back(hit);
  ASSERT_EQ(r.hits.size(), expected.size());
  for (size_t i = 0; i < r.hits.size(); ++i) {
    EXPECT_EQ(r.hits[i]["passage"], expected[i]["passage"]);
    EXPECT_DOUBLE_EQ(r.hits[i]["score"].get<double>(), expected[i]["score"].get<double>());
  }
  auto worded = search(samples_db(), "Israel", {"--like", ref, "--per-doc", "0"});
  ASSERT_FALSE(worded.hits.empty());
  for (auto& hit : worded.hits)
    EXPECT_NE(hit["text"].get<std::string>().find("Israel"), std::string::npos);
}

TEST_F(Analyst, LikeTextNamesItsTerms) {
  auto r = searcher(samples_db(),
                    {"--like", kSeed + "#" + std::to_string(backstop_passage()), "--limit", "1"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("like " + kSeed + "#"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" backstop"), std::string::npos) << r.out;
}

TEST_F(Analyst, LikeOfAMissingStatementOrPassageIsAUsageError) {
  auto missing = searcher(samples_db(), {"--like", "no-such-statement#0"});
  EXPECT_EQ(missing.exit_status, 2);
  EXPECT_NE(missing.err.find("no-such-statement"), std::string::npos) << missing.err;
  auto beyond = searcher(samples_db(), {"--like", kSeed + "#999"});
  EXPECT_EQ(beyond.exit_status, 2);
  EXPECT_NE(beyond.err.find(kSeed), std::string::npos) << beyond.err;
  EXPECT_NE(beyond.err.find("#999"), std::string::npos) << beyond.err;
  for (const std::string& bad :
       std::vector<std::string>{kSeed, kSeed + "#", kSeed + "#x", "#3", kSeed + "#-1"}) {
    auto r = searcher(samples_db(), {"--like", bad});
    EXPECT_EQ(r.exit_status, 2) << bad;
    EXPECT_NE(r.err.find("DOC_ID#N"), std::string::npos) << bad << ": " << r.err;
  }
  auto database = run_command({searcher_path(), "--db", dir_->str() + "/none", "--like", "a#1"});
  EXPECT_EQ(database.exit_status, 3);
}

// --- context ---------------------------------------------------------------------

TEST_F(Analyst, ContextGivesTheNeighbouringPassagesInOrder) {
  auto statement = searcher(samples_db(), {"show", kSeed, "--format", "json"});
  ASSERT_EQ(statement.exit_status, 0) << statement.err;
  json passages = json::parse(statement.out)["passages"];
  auto r = search(samples_db(), "backstop", {"--context", "2", "--per-doc", "0", "--limit", "50"});
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  ASSERT_FALSE(r.hits.empty());
  for (auto& hit : r.hits) {
    ASSERT_TRUE(hit.contains("context")) << hit.dump();
    int p = hit["passage"];
    if (hit["doc_id"] != kSeed) continue;
    std::vector<int> want_before, want_after, before, after;
    for (int q = p - 2; q < p; ++q)
      if (q >= 0) want_before.push_back(q);
    for (int q = p + 1; q <= p + 2; ++q)
      if (q < static_cast<int>(passages.size())) want_after.push_back(q);
    for (auto& c : hit["context"]["before"]) {
      before.push_back(c["passage"]);
      EXPECT_EQ(c["text"], passages[c["passage"].get<int>()]["text"]);
    }
    for (auto& c : hit["context"]["after"]) {
      after.push_back(c["passage"]);
      EXPECT_EQ(c["text"], passages[c["passage"].get<int>()]["text"]);
    }
    EXPECT_EQ(before, want_before) << "passage " << p;
    EXPECT_EQ(after, want_after) << "passage " << p;
  }
  // Without --context, no context key.
  auto plain = search(samples_db(), "backstop", {});
  EXPECT_FALSE(plain.hits.at(0).contains("context"));
}

TEST_F(Analyst, ContextInTextIsMarkedWithOrdinals) {
  uint32_t seed = backstop_passage();
  auto r =
      searcher(samples_db(), {"--context", "1", "--limit", "1", "backstop contingent expensive"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("     #" + std::to_string(seed - 1) + ": "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("     #" + std::to_string(seed + 1) + ": "), std::string::npos) << r.out;
}

TEST_F(Analyst, NeighboursAreFoundEvenWhenTheDocumentGuessFails) {
  Searcher s(samples_db());
  SearchOptions options;
  options.per_doc = 0;
  SearchResult result = s.search("backstop", options);
  ASSERT_FALSE(result.hits.empty());
  const Hit& hit = result.hits[0];
  auto guessed = load_neighbours(s.database(), s.schema(), hit.doc_id, hit.docid, hit.passage, 1);
  // A document id that is not the passage's: the statement is scanned instead.
  auto scanned = load_neighbours(s.database(), s.schema(), hit.doc_id, 0, hit.passage, 1);
  ASSERT_EQ(guessed.size(), scanned.size());
  for (size_t i = 0; i < guessed.size(); ++i) {
    EXPECT_EQ(guessed[i].passage, scanned[i].passage);
    EXPECT_EQ(guessed[i].text, scanned[i].text);
  }
  EXPECT_FALSE(guessed.empty());
}

TEST_F(Analyst, NegativeOrHugeContextIsAUsageError) {
  for (std::string bad : {"-1", "x", "100000"}) {
    auto r = searcher(samples_db(), {"--context", bad, "backstop"});
    EXPECT_EQ(r.exit_status, 2) << bad;
    EXPECT_NE(r.err.find("--context"), std::string::npos) << r.err;
  }
}

// --- show ------------------------------------------------------------------------

TEST_F(Analyst, ShowPrintsEveryPassageInOrder) {
  for (const std::string& id : {kSeed, kTreaty}) {
    auto r = searcher(samples_db(), {"show", id, "--format", "json"});
    ASSERT_EQ(r.exit_status, 0) << r.err;
    json statement = json::parse(r.out);
    EXPECT_EQ(statement["type"], "statement");
    EXPECT_EQ(statement["doc_id"], id);
    Xapian::Database db(samples_db());
    Xapian::doccount stored = db.get_termfreq("XID" + id) - 1;  // less the record
    ASSERT_EQ(statement["passages"].size(), stored);
    EXPECT_EQ(statement["passage_count"], stored);
    uint64_t previous_end = 0;
    for (size_t i = 0; i < statement["passages"].size(); ++i) {
      const json& p = statement["passages"][i];
      EXPECT_EQ(p["passage"], i);
      EXPECT_GE(p["start"].get<uint64_t>(), previous_end);
      previous_end = p["end"];
      EXPECT_FALSE(p["text"].get<std::string>().empty());
    }
  }
  auto seed = json::parse(searcher(samples_db(), {"show", kSeed, "--format", "json"}).out);
  EXPECT_EQ(seed["speaker"], "Volodymyr Zelenskyy");
  EXPECT_EQ(seed["country"], "UKR");
  EXPECT_TRUE(seed["date"].is_null());
  auto treaty = json::parse(searcher(samples_db(), {"--format", "json", "show", kTreaty}).out);
  EXPECT_EQ(treaty["date"], "1949-04-04");
  EXPECT_NE(treaty["passages"][0]["text"].get<std::string>().find("armed attack"),
            std::string::npos);
}

TEST_F(Analyst, ShowTextHasMetadataAndNumberedPassages) {
  auto r = searcher(samples_db(), {"show", kSeed});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("   speaker: Volodymyr Zelenskyy\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("   id: " + kSeed + "\n"), std::string::npos) << r.out;
  size_t last = 0;
  auto statement = json::parse(searcher(samples_db(), {"show", kSeed, "--format", "json"}).out);
  for (size_t i = 0; i < statement["passages"].size(); ++i) {
    size_t at = r.out.find("\n#" + std::to_string(i) + "  ");
    ASSERT_NE(at, std::string::npos) << "passage " << i;
    EXPECT_GT(at, last);
    last = at;
  }
}

TEST_F(Analyst, ShowOfAnUnknownIdIsAUsageErrorNamingIt) {
  auto r = searcher(samples_db(), {"show", "no-such-statement"});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("no-such-statement"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(searcher(samples_db(), {"show"}).exit_status, 2);
  EXPECT_EQ(searcher(samples_db(), {"show", "a", "b"}).exit_status, 2);
}

TEST_F(Analyst, TheWordShowCanStillBeSearched) {
  auto r = search(samples_db(), "show", {});  // written after "--"
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  EXPECT_EQ(r.summary["type"], "summary");
  EXPECT_EQ(r.summary["query"], "show");
}

// --- explain ---------------------------------------------------------------------

struct ExplainCase {
  const char* query;
  std::vector<std::string> kinds;  // kinds that must appear in the top hit's parts
  std::function<void(SearchOptions&)> setup;
};

TEST_F(Analyst, ExplainPartsSumToTheHitWeight) {
  Searcher s(samples_db());
  auto prf = [](SearchOptions& o) {
    RankingParams r = Schema::builtin().ranking;
    r.prf_docs = 3;
    r.prf_terms = 5;
    o.ranking = r;
  };
  auto proximity = [](SearchOptions& o) {
    RankingParams r = Schema::builtin().ranking;
    r.proximity_weight = 0.5;
    o.ranking = r;
  };
  auto statements = [](SearchOptions& o) {
    RankingParams r = Schema::builtin().ranking;
    r.other_passages = 0.5;
    o.ranking = r;
    o.unit = RankUnit::Statement;
  };
  uint32_t seed = backstop_passage();
  auto like = [seed](SearchOptions& o) { o.like = PassageRef{kSeed, seed}; };
  std::vector<ExplainCase> cases = {
      {"backstop Israel", {"tier", "stem", "exact"}, nullptr},
      // A repeated word: its parts' weights can depend on each other (the query's wqf), so
      // weighing each part alone does not add up and explain weighs them in the query.
      {"backstop backstop Israel", {"tier", "stem", "exact"}, nullptr},
      {"\"Article 5\" NATO", {"tier", "phrase", "stem"}, nullptr},
      {"~backstop", {"stem", "expansion"}, nullptr},
      {"security guarantee", {"tier", "proximity"}, proximity},
      {"backstop", {"stem", "feedback"}, prf},
      {"security", {"stem"}, statements},
      {"U.S. backstop", {"acronym"}, nullptr},
      {"secur*", {"wildcard"}, nullptr},
      {"", {"like"}, like},
  };
  for (auto& c : cases) {
    SearchOptions options;
    options.per_doc = 0;
    options.explain = true;
    if (c.setup) c.setup(options);
    SearchResult result = s.search(c.query, options);
    ASSERT_FALSE(result.hits.empty()) << c.query;
    for (const Hit& hit : result.hits) {
      ASSERT_TRUE(hit.explain.has_value());
      EXPECT_NEAR(sum_of(*hit.explain), hit.score, 1e-9 * std::max(1.0, hit.score))
          << c.query << " rank " << hit.rank;
      for (auto& part : *hit.explain) EXPECT_GE(part.weight, 0) << c.query;
    }
    std::set<std::string> kinds;
    for (auto& part : *result.hits[0].explain) kinds.insert(part.kind);
    for (auto& k : c.kinds) EXPECT_TRUE(kinds.count(k)) << c.query << ": no " << k << " part";
  }
}

TEST_F(Analyst, ExplainNamesTheQueryPartsAndWordingsThatMatched) {
  Searcher s(samples_db());
  SearchOptions options;
  options.explain = true;
  options.limit = 1;
  SearchResult result = s.search("~backstop", options);
  ASSERT_EQ(result.hits.size(), 1u);
  std::set<std::string> wordings;
  for (auto& part : *result.hits[0].explain)
    if (part.kind == "expansion") wordings.insert(part.query);
  ASSERT_FALSE(wordings.empty());
  // Every wording that weighed is one the hit's "matched" labels name.
  for (auto& w : wordings)
    EXPECT_NE(std::find(result.hits[0].matched.begin(), result.hits[0].matched.end(), w),
              result.hits[0].matched.end())
        << w;
  SearchResult phrase = s.search("\"Article 5\"", options);
  ASSERT_FALSE(phrase.hits.empty());
  ASSERT_EQ(phrase.hits[0].explain->size(), 1u);
  EXPECT_EQ(phrase.hits[0].explain->at(0).kind, "phrase");
  EXPECT_EQ(phrase.hits[0].explain->at(0).term, "article 5");
  EXPECT_EQ(phrase.hits[0].explain->at(0).query, "\"Article 5\"");
  EXPECT_NEAR(phrase.hits[0].explain->at(0).weight, phrase.hits[0].score, 1e-9);
}

TEST_F(Analyst, ExplainInJsonAndText) {
  auto r = search(samples_db(), "backstop Israel", {"--explain", "--per-doc", "0"});
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  ASSERT_GE(r.hits.size(), 2u);
  for (auto& hit : r.hits) {
    ASSERT_TRUE(hit["explain"].is_array());
    double sum = 0, tier = 0;
    for (auto& part : hit["explain"]) {
      sum += part["weight"].get<double>();
      if (part["kind"] == "tier") tier += part["weight"].get<double>();
      EXPECT_TRUE(part["term"].is_string() && part["query"].is_string());
    }
    EXPECT_NEAR(sum, hit["total"].get<double>(), 1e-5);
    EXPECT_NEAR(hit["total"].get<double>(), hit["score"].get<double>(), 1e-4);
    EXPECT_EQ(tier > 0, hit["all_terms"].get<bool>());
  }
  auto text = searcher(samples_db(), {"--explain", "--limit", "1", "backstop Israel"});
  ASSERT_EQ(text.exit_status, 0) << text.err;
  EXPECT_NE(text.out.find("explain (weight "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  tier  "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  stem  "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("israel  (Israel)"), std::string::npos) << text.out;
}

}  // namespace
}  // namespace polsearch::testing
