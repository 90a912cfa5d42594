// The query builder with no database: its look-ups in the index (the compound table,
// the statements a metadata query selects) answered by a table, so each case shows the
// Xapian query that the text and those answers alone make.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "query_ast.h"
#include "query_builder.h"
#include "query_lookups.h"
#include "schema.h"

namespace polsearch {
namespace {

class TableLookups : public QueryLookups {
 public:
  std::map<std::string, std::vector<std::string>> compounds;
  std::vector<std::string> statements;
  mutable unsigned statement_queries = 0;

  std::vector<std::string> compound_splits(const std::string& joined) const override {
    auto it = compounds.find(joined);
    return it == compounds.end() ? std::vector<std::string>{} : it->second;
  }
  std::vector<std::string> statements_matching(const Xapian::Query&, unsigned) const override {
    ++statement_queries;
    return statements;
  }
  double idf(const std::string& term) const override { return static_cast<double>(term.size()); }
  std::set<std::string> alone;  // exact forms that are their stem's only inflection
  bool same_postings(const std::string& exact, const std::string&) const override {
    return alone.count(exact) > 0;
  }
  std::map<std::string, std::vector<LearnedNeighbour>> learned;
  std::vector<LearnedNeighbour> learned_neighbours(const std::string& key) const override {
    auto it = learned.find(key);
    return it == learned.end() ? std::vector<LearnedNeighbour>{} : it->second;
  }
};

BuiltQuery build(const std::string& query, const TableLookups& lookups,
                 QueryBuilderOptions options = {}) {
  Schema schema = Schema::builtin();
  Analyzer analyzer(AnalyzerOptions{"en"});
  QueryBuilder builder(lookups, schema, analyzer, options);
  return builder.build(*parse_query(query, schema.field_names()));
}

std::string built(const std::string& query, const TableLookups& lookups) {
  QueryBuilderOptions options;
  options.all_terms_first = false;
  return build(query, lookups, options).query.get_description();
}

// The plan's weighted parts as "kind term (label)", in the order explain lists them.
std::vector<std::string> parts_of(const std::string& query, QueryBuilderOptions options = {}) {
  TableLookups lookups;
  lookups.compounds["ceasefire"] = {"cease fire"};
  lookups.statements = {"s1"};
  Analyzer analyzer(AnalyzerOptions{"en"});
  ConceptTable concepts = ConceptTable::builtin(analyzer);
  options.concepts = &concepts;
  std::vector<std::string> out;
  for (const PlanPart& part : build(query, lookups, options).plan.parts())
    out.push_back(std::string(part_kind_name(part.kind)) + " " + part.term + " (" + part.label +
                  ")");
  return out;
}

TEST(QueryBuilder, APhraseBesideWordsIsRequiredByTheTier) {
  // Issue 17: passages holding the phrase and the other words come first.
  TableLookups lookups;
  lookups.statements = {"s1"};
  QueryBuilderOptions options;
  EXPECT_EQ(build("\"peace dividend\" spending", lookups, options).query.get_description(),
            "Query((((PostingSource(Xapian::FixedWeightPostingSource(wt=3000)) FILTER ((peace "
            "PHRASE 2 dividend) AND (Zspend AND_MAYBE 0.25 * spending))) OR ((peace PHRASE 2 "
            "dividend) OR (Zspend AND_MAYBE 0.25 * spending))) AND_NOT XTstatement))");
}

TEST(QueryBuilder, CompoundsComeFromTheLookups) {
  TableLookups none, known;
  known.compounds["ceasefire"] = {"cease fire"};
  EXPECT_EQ(built("ceasefire", none),
            "Query(((Zceasefir AND_MAYBE 0.25 * ceasefire) AND_NOT XTstatement))");
  EXPECT_EQ(built("ceasefire", known),
            "Query((((Zceasefir SYNONYM (cease PHRASE 2 fire)) AND_MAYBE 0.25 * ceasefire) AND_NOT "
            "XTstatement))");
  EXPECT_EQ(built("\"cease fire\"", known),
            "Query((((cease PHRASE 2 fire) OR ceasefire) AND_NOT XTstatement))");
}

TEST(QueryBuilder, MetadataTextSelectsStatementsThroughTheLookups) {
  TableLookups lookups;
  lookups.statements = {"s1", "s2"};
  EXPECT_EQ(built("speaker:Zelenskyy", lookups),
            "Query(((<alldocuments> FILTER (XIDs1 OR XIDs2)) AND_NOT XTstatement))");
  EXPECT_EQ(lookups.statement_queries, 1u);
  TableLookups nothing;
  EXPECT_EQ(built("speaker:Nobody", nothing), "Query()");  // matches nothing
}

TEST(QueryBuilder, EveryWeightedPartOfThePlanSaysWhatItIsAndWhereItCameFrom) {
  using V = std::vector<std::string>;
  QueryBuilderOptions expand;
  expand.expand_all = true;
  QueryBuilderOptions proximity;
  proximity.proximity_weight = 0.3;
  struct Case {
    std::string query;
    QueryBuilderOptions options;
    V parts;
  };
  const Case cases[] = {
      {"ceasefire observers",
       {},
       // A compound's spellings weigh as one term (issue 17: it counted three times).
       {"tier all words ()", "synonym ceasefir | cease fire (ceasefire)",
        "exact ceasefire (ceasefire)", "stem observ (observers)", "exact observers (observers)"}},
      {"\"Article 5\"", {}, {"phrase article 5 (\"Article 5\")"}},
      // A phrase beside words is one of the things the all-words tier requires (issue 17).
      {"\"peace dividend\" spending",
       {},
       {"tier all words ()", "phrase peace dividend (\"peace dividend\")", "stem spend (spending)",
        "exact spending (spending)"}},
      {"US troops",
       {},
       {"tier all words ()", "acronym us (US)", "stem troop (troops)", "exact troops (troops)"}},
      {"secur*", {}, {"wildcard secur (secur*)"}},
      {"peace NEAR/3 talks", {}, {"near peace talks (peace NEAR talks)"}},
      {"requires requirements",
       {},
       {"tier all words ()", "stem requir (requires)", "exact requires (requires)",
        "stem requir (requirements)", "exact requirements (requirements)"}},
      // Filters only select (a FILTER's right side): they are not parts of the weight.
      {"country:UKR peace", {}, {"stem peac (peace)", "exact peace (peace)"}},
      {"peace OR country:UKR",
       {},
       {"stem peac (peace)", "exact peace (peace)", "filter country:UKR (country:UKR)"}},
      // Excluded words never weigh.
      {"peace -war", {}, {"stem peac (peace)", "exact peace (peace)"}},
      {"defence", {}, {"synonym defenc | defens (defence)", "exact defence (defence)"}},
      {"air patrols",
       proximity,
       {"tier all words ()", "stem air (air)", "exact air (air)", "stem patrol (patrols)",
        "exact patrols (patrols)", "proximity air patrols ()"}},
  };
  for (const Case& c : cases) EXPECT_EQ(parts_of(c.query, c.options), c.parts) << c.query;
  // A concept's other wordings are expansions, each named by its own wording.
  V backstop = parts_of("~backstop");
  ASSERT_GE(backstop.size(), 3u);
  EXPECT_EQ(backstop[0], "stem backstop (backstop)");
  EXPECT_EQ(backstop[2], "expansion security guarantee (\"security guarantee\")");
}

TEST(QueryBuilder, TildeWordAddsLearnedWordingsAboveTheThresholds) {
  TableLookups lookups;
  lookups.learned["standstill"] = {{"truce", 0.74, 10},        // kept
                                   {"armistice", 0.9, 2},      // too few passages
                                   {"blue helmets", 0.71, 7},  // kept: a phrase
                                   {"oslo", 0.5, 20},          // not similar enough
                                   {"warring", 0.7, 9},        // passes, but only 2 are taken
                                   {"parties", 0.7, 9}};
  QueryBuilderOptions options;
  options.all_terms_first = false;
  options.learned.max = 2;
  options.learned.min_similarity = 0.7;
  options.learned.weight = 0.25;
  BuiltQuery q = build("~standstill", lookups, options);
  std::vector<std::string> parts;
  for (const PlanPart& part : q.plan.parts())
    parts.push_back(std::string(part_kind_name(part.kind)) + " " + part.term + " (" + part.label +
                    ")");
  EXPECT_EQ(parts, (std::vector<std::string>{
                       "stem standstil (standstill)", "exact standstill (standstill)",
                       "expansion truce (truce (learned, 0.74))",
                       "expansion truce (truce (learned, 0.74))",
                       "expansion blue helmets (\"blue helmets\" (learned, 0.71))"}));
  EXPECT_EQ(q.notes, (std::vector<std::string>{"~standstill: learned wordings add truce (learned, "
                                               "0.74), \"blue helmets\" (learned, 0.71)"}));
  EXPECT_EQ(q.query.get_description(),
            "Query((((Zstandstil AND_MAYBE 0.25 * standstill) OR 0.25 * ((Ztruce AND_MAYBE 0.25 * "
            "truce) OR (blue PHRASE 2 helmets))) AND_NOT XTstatement))");
  // Without ~ the learned wordings are not used.
  EXPECT_EQ(build("standstill", lookups, options).plan.parts().size(), 2u);
}

TEST(QueryBuilder, EachPartAloneWeighsWhileTheOthersStillMatch) {
  TableLookups lookups;
  QueryBuilderOptions options;
  options.all_terms_first = false;
  QueryPlan plan = build("peace talks", lookups, options).plan;
  EXPECT_EQ(plan.query_weighing_only(2).get_description(),
            "Query((((0 * Zpeac AND_MAYBE 0.25 * 0 * peace) OR (Ztalk AND_MAYBE 0.25 * 0 * talks)) "
            "AND_NOT XTstatement))");
  EXPECT_EQ(plan.part_query(3).get_description(), "Query(talks)");
  EXPECT_EQ(plan.query().get_description(),
            build("peace talks", lookups, options).query.get_description());
}

// A form that is its stem's only inflection in the index runs as its stem alone,
// scaled by 1 + the exact boost (the same weights from one posting list); explain still
// weighs the stem and the exact form apart.
TEST(QueryBuilder, AFormWithTheStemsPostingsRunsAsTheStemScaled) {
  TableLookups lookups;
  lookups.alone = {"the"};
  QueryBuilderOptions options;
  options.all_terms_first = false;
  BuiltQuery q = build("the talks", lookups, options);
  EXPECT_EQ(q.query.get_description(),
            "Query(((1.25 * Zthe OR (Ztalk AND_MAYBE 0.25 * talks)) AND_NOT XTstatement))");
  EXPECT_EQ(q.plan.query_weighing_only(1).get_description(),
            "Query((((0 * Zthe AND_MAYBE 0.25 * the) OR (0 * Ztalk AND_MAYBE 0.25 * 0 * talks)) "
            "AND_NOT XTstatement))");
  std::vector<std::string> kinds;
  for (const PlanPart& part : q.plan.parts())
    kinds.push_back(std::string(part_kind_name(part.kind)) + " " + part.term);
  EXPECT_EQ(kinds, (std::vector<std::string>{"stem the", "exact the", "stem talk", "exact talks"}));
  lookups.alone = {"talks", "ceasefire"};  // only those forms; never a word of spellings
  lookups.compounds["ceasefire"] = {"cease fire"};
  EXPECT_EQ(build("the talks", lookups, options).query.get_description(),
            "Query((((Zthe AND_MAYBE 0.25 * the) OR 1.25 * Ztalk) AND_NOT XTstatement))");
  EXPECT_EQ(build("ceasefire", lookups, options).query.get_description(),
            "Query((((Zceasefir SYNONYM (cease PHRASE 2 fire)) AND_MAYBE 0.25 * ceasefire) "
            "AND_NOT XTstatement))");
}

TEST(QueryPlan, APartAloneIsScaledAsThePlanScalesIt) {
  QueryPlan a = QueryPlan::part(Xapian::Query("a"), {PartKind::Exact, "a", "a"});
  QueryPlan b = QueryPlan::part(Xapian::Query("b"), {PartKind::Exact, "b", "b"});
  QueryPlan plan = QueryPlan::combine(Xapian::Query::OP_OR,
                                      {a, QueryPlan::scaled(QueryPlan::scaled(b, 0.5), 0.25)});
  EXPECT_EQ(plan.part_query_scaled(0).get_description(), "Query(a)");
  EXPECT_EQ(plan.part_query_scaled(1).get_description(), "Query(0.125 * b)");
  EXPECT_EQ(plan.part_query_scaled(2).get_description(), "Query()");
}

TEST(QueryPlan, CombinesOnlyOperatorsWhoseWeightIsASum) {
  QueryPlan a = QueryPlan::part(Xapian::Query("a"), {PartKind::Exact, "a", "a"});
  EXPECT_THROW(QueryPlan::combine(Xapian::Query::OP_PHRASE, {a, a}), std::logic_error);
  EXPECT_TRUE(QueryPlan().empty());
  EXPECT_EQ(QueryPlan().query().get_description(), "Query()");
  QueryPlan tagged = QueryPlan::scaled(a, 0.5).with_kind(PartKind::Expansion);
  ASSERT_EQ(tagged.parts().size(), 1u);
  EXPECT_EQ(tagged.parts()[0].kind, PartKind::Expansion);
  EXPECT_EQ(tagged.query().get_description(), "Query(0.5 * a)");
}

}  // namespace
}  // namespace polsearch
