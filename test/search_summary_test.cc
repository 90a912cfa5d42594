// What a search tells its user besides the hits, through the real binaries:
//  - match counts: passages and statements, exact below MatchCounter::kExactUpTo and
//    never dependent on --limit, --offset or --per-doc; "+N more passages" exact;
//  - "did you mean": only for a word the index lacks or barely has, when a close word
//    is much more frequent; never for good words, operators, field names or quoted
//    text; the suggestion's results when the query as typed finds nothing;
//  - stop words: one rule for both syntaxes, reported in the notes.
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include <xapian.h>

#include "match_counts.h"
#include "query_lookups.h"
#include "schema.h"
#include "test_support.h"

namespace polsearch::testing {
namespace {

const std::string kSamples = std::string(POLSEARCH_SOURCE_DIR) + "/samples/statements";

// The samples, plus a statement family where "government" is common and one
// passage misspells it, so "goverment" is in the index but rare.
class SearchSummary : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    std::ofstream rare(dir_->path() / "rare.jsonl");
    for (int i = 0; i < 30; ++i)
      rare << R"({"id":"gov-)" << i << R"(","text":"The government of island state )" << i
           << R"( reported on the fisheries budget and its coastal patrol plans."})" << '\n';
    rare << R"({"id":"typo","text":"The goverment will publish the fisheries report soon."})"
         << '\n';
    rare.close();
    auto r = run_command({indexer_path(), "--db", db(), kSamples, (dir_->path() / "rare.jsonl")});
    ASSERT_EQ(r.exit_status, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string db() { return dir_->str() + "/db"; }
  static TempDir* dir_;
};
TempDir* SearchSummary::dir_ = nullptr;

TEST_F(SearchSummary, CountsDoNotDependOnThePageShown) {
  // 7 passages of one statement mention Zelenskyy or troops; 3 mention the backstop.
  const std::vector<std::vector<std::string>> pages = {{},
                                                       {"--limit", "1"},
                                                       {"--limit", "1", "--offset", "1"},
                                                       {"--per-doc", "0"},
                                                       {"--per-doc", "1"},
                                                       {"--per-doc", "5", "--limit", "3"}};
  for (std::string query : {"Zelenskyy troops", "backstop"}) {
    std::set<std::string> totals;
    for (auto& page : pages) {
      auto r = search(db(), query, page);
      ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
      totals.insert(r.summary["total"].dump());
      EXPECT_TRUE(r.summary["total"]["exact"].get<bool>());
    }
    EXPECT_EQ(totals.size(), 1u) << query << ": " << *totals.begin() << " / " << *totals.rbegin();
  }
  auto r = search(db(), "Zelenskyy troops");
  EXPECT_EQ(r.summary["total"]["statements"], 1);
  EXPECT_EQ(r.summary["total"]["passages"], 7);
  auto text = run_command({searcher_path(), "--db", db(), "--limit", "1", "Zelenskyy troops"});
  EXPECT_NE(text.out.find("matching: 7 passages in 1 statement"), std::string::npos) << text.out;
}

TEST_F(SearchSummary, MorePassagesFromThisStatementIsExact) {
  // Of 7 matching passages of the statement, --per-doc K shows K; K=0 collapses none.
  for (int per_doc : {1, 2, 5, 0}) {
    auto r = search(db(), "Zelenskyy troops", {"--per-doc", std::to_string(per_doc)});
    ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
    ASSERT_FALSE(r.hits.empty());
    for (auto& hit : r.hits) EXPECT_EQ(hit["collapsed"], per_doc ? 7 - per_doc : 0) << per_doc;
  }
}

// MatchCounter alone, on an in-memory database: 60 passages of 20 statements (3 each)
// hold "w"; one in each statement also holds "x".
Xapian::Database counted_database() {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (int i = 0; i < 60; ++i) {
    Xapian::Document doc;
    doc.add_term("w");
    if (i % 3 == 0) doc.add_term("x");
    doc.add_value(1, "s" + std::to_string(i / 3));
    db.add_document(doc);
  }
  return db;
}

TEST(MatchCounter, ExactBelowTheLimit) {
  Xapian::Database db = counted_database();
  MatchCounts counts = MatchCounter(db, 1, 100).count(Xapian::Query("w"));
  EXPECT_TRUE(counts.exact());
  EXPECT_EQ(counts.passages.estimate, 60u);
  EXPECT_EQ(counts.statements.estimate, 20u);
  EXPECT_EQ(counts.per_statement.at("s7"), 3u);
  MatchCounts x = MatchCounter(db, 1, 100).count(Xapian::Query("x"));
  EXPECT_EQ(x.passages.estimate, 20u);
  EXPECT_EQ(x.per_statement.at("s7"), 1u);
}

TEST(MatchCounter, EstimatesWithBoundsAboveTheLimit) {
  Xapian::Database db = counted_database();
  MatchCounts counts = MatchCounter(db, 1, 10).count(Xapian::Query("w"));
  EXPECT_FALSE(counts.statements.exact());
  EXPECT_LE(counts.passages.lower, 60u);
  EXPECT_GE(counts.passages.upper, 60u);
  EXPECT_LE(counts.statements.lower, counts.statements.estimate);
  EXPECT_LE(counts.statements.estimate, counts.statements.upper);
  EXPECT_GE(counts.statements.lower, 1u);
}

// Counts through the StatementMemo are the counts read from the value slot, on a glass
// database (the memo follows local databases only); after a commit the memo follows the
// new revision, and passages without a statement id count for no statement.
TEST(MatchCounter, MemoCountsAsTheValueSlotDoes) {
  TempDir dir;
  const std::string path = (dir.path() / "db").string();
  {
    Xapian::WritableDatabase out(path, Xapian::DB_CREATE);
    for (int i = 0; i < 60; ++i) {
      Xapian::Document doc;
      doc.add_term("w");
      if (i % 3 == 0) doc.add_term("x");
      if (i != 59) doc.add_value(1, "s" + std::to_string(i / 3));
      out.add_document(doc);
    }
  }
  Xapian::Database db(path);
  StatementMemo memo;
  for (int pass = 0; pass < 2; ++pass) {  // the second pass reads the memo
    for (const char* term : {"w", "x"}) {
      for (Xapian::doccount exact_up_to : {100u, 10u}) {
        MatchCounts plain = MatchCounter(db, 1, exact_up_to).count(Xapian::Query(term));
        MatchCounts memoised = MatchCounter(db, 1, exact_up_to, &memo).count(Xapian::Query(term));
        std::string where = std::string(term) + " " + std::to_string(exact_up_to);
        EXPECT_EQ(memoised.passages.estimate, plain.passages.estimate) << where;
        EXPECT_EQ(memoised.statements.estimate, plain.statements.estimate) << where;
        EXPECT_EQ(memoised.statements.lower, plain.statements.lower) << where;
        EXPECT_EQ(memoised.per_statement, plain.per_statement) << where;
      }
    }
  }
  EXPECT_EQ(MatchCounter(db, 1, 100, &memo).count(Xapian::Query("w")).statements.estimate, 20u);
  {
    Xapian::WritableDatabase out(path, Xapian::DB_OPEN);
    Xapian::Document doc;
    doc.add_term("w");
    doc.add_value(1, "s99");
    out.replace_document(1, doc);  // passage 1 moves to a new statement
  }
  db.reopen();
  MatchCounts after = MatchCounter(db, 1, 100, &memo).count(Xapian::Query("w"));
  EXPECT_EQ(after.per_statement, MatchCounter(db, 1, 100).count(Xapian::Query("w")).per_statement);
  EXPECT_EQ(after.per_statement.at("s99"), 1u);
  EXPECT_EQ(after.per_statement.at("s0"), 2u);
}

// A compound split into fragments that are not words on their own ("nu-clear": a line
// broken inside the word) is left out of the query's spellings; a real one stays, and
// the same split on a corpus where the fragment is a word keeps it too.
TEST(DatabaseLookups, SplitsIntoFragmentsThatAreNotWordsAreLeftOut) {
  TempDir dir;
  const std::string path = (dir.path() / "db").string();
  {
    Xapian::WritableDatabase out(path, Xapian::DB_CREATE);
    auto add = [&](std::vector<std::string> terms) {
      Xapian::Document doc;
      for (const std::string& term : terms) doc.add_term(term);
      out.add_document(doc);
    };
    for (int i = 0; i < 150; ++i) add({"nuclear"});
    add({"nu", "clear", "nuclear"});
    add({"cease", "fire", "ceasefire"});
    add({"ceasefire"});
    out.add_synonym("-nuclear", "nu clear");
    out.add_synonym("-ceasefire", "cease fire");
    out.commit();
  }
  Xapian::Database db(path);
  Schema schema = Schema::builtin();
  DatabaseLookups lookups(db, schema);
  EXPECT_EQ(lookups.compound_splits("nuclear"), std::vector<std::string>{});
  EXPECT_EQ(lookups.compound_splits("ceasefire"), std::vector<std::string>{"cease fire"});
  {
    Xapian::WritableDatabase out(path, Xapian::DB_OPEN);
    for (int i = 0; i < 2; ++i) {
      Xapian::Document doc;
      doc.add_term("nu");  // now 3 passages each: 1 in 50 of "nuclear"'s
      doc.add_term("clear");
      out.add_document(doc);
    }
    out.commit();
  }
  db.reopen();
  EXPECT_EQ(lookups.compound_splits("nuclear"), std::vector<std::string>{"nu clear"});
}

// Counting inside the ranked match (SharedCount) gives the counts of a pass apart,
// whether the ranked match collapses or not: exact below its check_at_least, and never
// claimed exact above it when the match stopped early.
TEST(SharedCount, CountsAsAPassApartDoes) {
  TempDir dir;
  const std::string path = (dir.path() / "db").string();
  {
    Xapian::WritableDatabase out(path, Xapian::DB_CREATE);
    for (int i = 0; i < 300; ++i) {
      Xapian::Document doc;
      doc.add_term("w", 1 + i % 7);  // varied weights, so a ranked match can prune
      if (i % 3 == 0) doc.add_term("x");
      doc.add_value(1, "s" + std::to_string(i / 4));
      out.add_document(doc);
    }
  }
  Xapian::Database db(path);
  StatementMemo memo;
  for (const char* term : {"w", "x"}) {
    for (Xapian::doccount collapse : {0u, 2u}) {
      for (Xapian::doccount exact_up_to : {1000u, 20u}) {
        std::string where = std::string(term) + " collapse " + std::to_string(collapse) +
                            " exact up to " + std::to_string(exact_up_to);
        MatchCounts apart = MatchCounter(db, 1, 1000).count(Xapian::Query(term));
        auto shared = SharedCount::start(db, memo, 1, exact_up_to);
        ASSERT_NE(shared, nullptr);
        Xapian::Enquire enquire(db);
        enquire.set_query(Xapian::Query(term));
        if (collapse) enquire.set_collapse_key(1, collapse);
        enquire.add_matchspy(shared->spy());
        MatchCounts counts = shared->counts(enquire.get_mset(0, 10, exact_up_to), 0);
        if (exact_up_to == 1000) {
          EXPECT_TRUE(counts.exact()) << where;
          EXPECT_EQ(counts.passages.estimate, apart.passages.estimate) << where;
          EXPECT_EQ(counts.statements.estimate, apart.statements.estimate) << where;
          EXPECT_EQ(counts.per_statement, apart.per_statement) << where;
        } else {
          EXPECT_LE(counts.passages.lower, apart.passages.estimate) << where;
          EXPECT_GE(counts.passages.upper, apart.passages.estimate) << where;
          if (counts.passages.exact()) {
            EXPECT_EQ(counts.passages.estimate, apart.passages.estimate) << where;
          }
        }
      }
    }
  }
}

// Scores people see fall as rank grows, across the all-words tier too, in JSON, text
// and TREC runs; a filter-only query ranks nothing and says so.
TEST_F(SearchSummary, ShownScoresFallWithRank) {
  for (std::string query :
       {"U.S. backstop", "Zelenskyy troops", "backstop Israel", "security guarantees army"}) {
    auto r = search(db(), query, {"--per-doc", "0", "--limit", "30"});
    ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
    ASSERT_GE(r.hits.size(), 2u) << query;
    bool tiered = false, untiered = false;
    for (size_t i = 0; i < r.hits.size(); ++i) {
      (r.hits[i]["all_terms"].get<bool>() ? tiered : untiered) = true;
      if (i == 0) continue;
      EXPECT_GE(r.hits[i - 1]["score"].get<double>(), r.hits[i]["score"].get<double>())
          << query << " rank " << i + 1;
    }
    if (query == "U.S. backstop") {
      EXPECT_TRUE(tiered && untiered) << "no tier boundary crossed";
    }
    auto trec = run_command({searcher_path(), "--db", db(), "--format", "trec", "--per-doc", "0",
                             "--limit", "30", "--", query});
    std::istringstream lines(trec.out);
    double previous = 1e300;
    for (std::string qid, q0, doc, tag; lines >> qid >> q0 >> doc;) {
      int rank;
      double score;
      lines >> rank >> score >> tag;
      EXPECT_LE(score, previous) << query << " rank " << rank;
      EXPECT_LT(score, 1000) << "the tier's constant bonus is not shown";
      previous = score;
    }
  }
  auto text = run_command({searcher_path(), "--db", db(), "--limit", "2", "country:UKR"});
  EXPECT_NE(text.out.find("1. [unranked] "), std::string::npos) << text.out;
  auto trec = run_command(
      {searcher_path(), "--db", db(), "--format", "trec", "--limit", "2", "country:UKR"});
  EXPECT_NE(trec.out.find(" 1 -1.000000 "), std::string::npos) << trec.out;
  EXPECT_NE(trec.out.find(" 2 -2.000000 "), std::string::npos) << trec.out;
}

struct SuggestionCase {
  std::string query;
  std::string suggestion;  // "" = none expected
};

TEST_F(SearchSummary, SuggestsOnlyForAbsentOrRareWords) {
  const std::vector<SuggestionCase> cases = {
      {"secruity guarantees", "security guarantees"},   // absent, close to a frequent word
      {"goverment fisheries", "government fisheries"},  // in the index once, 30x rarer
      {"ceasefire OR truce", ""},       // "truce" is a concept wording: a word, not a typo
      {"note: backstop", ""},           // never a stop word or operator ("not")
      {"patrolling", ""},               // its stem is in the index
      {"defense", ""},                  // its British spelling is in the index
      {"program", ""},                  // likewise ("programme")
      {"\"secruity guarantees\"", ""},  // quoted text is left as written
      {"title:secruity backstop", ""},  // and so are field values
      {"secr* backstop", ""},           // and wildcards
  };
  for (const auto& c : cases) {
    auto r = search(db(), c.query);
    ASSERT_EQ(r.raw.exit_status, 0) << c.query << ": " << r.raw.err;
    EXPECT_EQ(r.summary.value("suggestion", ""), c.suggestion) << c.query;
  }
}

TEST_F(SearchSummary, OnlyTheWordIsReplacedNotItsPunctuationOrOperators) {
  auto r = search(db(), "secruity: backstop");  // not a field: the word "secruity:"
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  EXPECT_EQ(r.summary.value("suggestion", ""), "security: backstop");
  auto both = search(db(), "secruity AND backstop");  // nothing as typed: corrected
  ASSERT_EQ(both.raw.exit_status, 0) << both.raw.err;
  EXPECT_EQ(both.summary["query"], "security AND backstop");
}

TEST_F(SearchSummary, NothingFoundShowsTheSuggestionsResults) {
  auto r = search(db(), "secruity");
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  EXPECT_FALSE(r.hits.empty());
  EXPECT_EQ(r.summary["query"], "security");
  EXPECT_EQ(r.summary["corrected_from"], "secruity");
  EXPECT_FALSE(r.summary.contains("suggestion"));
  auto text = run_command({searcher_path(), "--db", db(), "secruity"});
  EXPECT_NE(text.out.find("no matches for: secruity; showing results for: security"),
            std::string::npos)
      << text.out;
}

TEST_F(SearchSummary, NoCorrectionWhenTheSuggestionFindsNothingEither) {
  // "secruity" alone would be corrected, but the AND with an absent word finds nothing
  // either way: the query stays as typed, with its hint.
  auto r = search(db(), "secruity AND zzzqx");
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  EXPECT_TRUE(r.hits.empty());
  EXPECT_FALSE(r.summary.contains("corrected_from"));
  EXPECT_EQ(r.summary["query"], "secruity AND zzzqx");
}

// Stop words: one rule for plain and full syntax. Outside phrases they are neither
// searched nor highlighted, unless required or quoted; inside phrases they count.
TEST_F(SearchSummary, StopWordsAreIgnoredOutsidePhrasesInBothSyntaxes) {
  for (std::string syntax : {"full", "plain"}) {
    auto r = search(db(), "withdrawal of a contingent", {"--query-syntax", syntax});
    ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
    ASSERT_FALSE(r.hits.empty()) << syntax;
    for (auto& hit : r.hits)
      for (auto& label : hit["matched"]) {
        EXPECT_NE(label, "of") << syntax;
        EXPECT_NE(label, "a") << syntax;
      }
    EXPECT_NE(r.summary["notes"].dump().find("ignored 'of' (stop word)"), std::string::npos)
        << syntax << ": " << r.summary.dump();
  }
}

TEST_F(SearchSummary, RequiredOrQuotedStopWordsAreSearched) {
  for (std::string query : {"+the guarantee", "\"the\" guarantee"}) {
    auto r = search(db(), query);
    ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
    EXPECT_EQ(r.summary["notes"].dump().find("stop word"), std::string::npos) << query;
    ASSERT_FALSE(r.hits.empty()) << query;
  }
  auto phrase = search(db(), "\"withdrawal of\"");
  ASSERT_EQ(phrase.raw.exit_status, 0) << phrase.raw.err;
  EXPECT_EQ(phrase.summary["notes"].dump().find("stop word"), std::string::npos);
}

}  // namespace
}  // namespace polsearch::testing
