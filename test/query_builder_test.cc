// The query builder with no database: its look-ups in the index (the compound table,
// the statements a metadata query selects) answered by a table, so each case shows the
// Xapian query that the text and those answers alone make.
#include <map>
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
};

std::string built(const std::string& query, const TableLookups& lookups) {
  Schema schema = Schema::builtin();
  Analyzer analyzer(AnalyzerOptions{"en"});
  QueryBuilderOptions options;
  options.all_terms_first = false;
  QueryBuilder builder(lookups, schema, analyzer, options);
  return builder.build(*parse_query(query, schema.field_names())).query.get_description();
}

TEST(QueryBuilder, CompoundsComeFromTheLookups) {
  TableLookups none, known;
  known.compounds["ceasefire"] = {"cease fire"};
  EXPECT_EQ(built("ceasefire", none),
            "Query(((Zceasefir AND_MAYBE 0.25 * ceasefire) AND_NOT XTstatement))");
  EXPECT_EQ(built("ceasefire", known),
            "Query((((Zceasefir AND_MAYBE 0.25 * ceasefire) OR (cease PHRASE 2 fire)) AND_NOT "
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

}  // namespace
}  // namespace polsearch
