// The searcher's option mapping (src/present/searcher_cli.*) on argument lists, with
// no database: each case gives the arguments and what the command comes out as, or the
// usage error it must give.
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ranking_knobs.h"
#include "searcher_cli.h"

namespace polsearch {
namespace {

// The command in one line: only what differs from the defaults, in a fixed order.
std::string describe(const SearcherCli& cli) {
  const SearcherCommand& c = cli.command();
  const SearchOptions& o = c.options;
  std::ostringstream out;
  out << "db=" << c.db_path << " query=" << c.query;
  if (c.show_id) out << " show=" << *c.show_id;
  if (c.format != "text") out << " format=" << c.format;
  if (!c.queries_path.empty()) out << " queries=" << c.queries_path;
  if (o.syntax == QuerySyntax::Plain) out << " plain";
  if (o.unit == RankUnit::Statement) out << " statements";
  if (o.limit != 10) out << " limit=" << o.limit;
  if (o.per_doc) out << " per_doc=" << *o.per_doc;
  if (o.sort != SortOrder::Relevance) out << " sort=" << sort_order_name(o.sort);
  if (o.like) out << " like=" << o.like->str();
  if (o.context) out << " context=" << o.context;
  if (!o.highlight) out << " no-highlight";
  if (auto r = cli.ranking(RankingParams{})) {
    const RankingParams defaults;
    for (const RankingKnob& knob : ranking_knobs()) {
      double value = knob_number(*r, knob);
      if (value == value && value != knob_number(defaults, knob))  // NaN: a string knob
        out << ' ' << knob.name << '=' << value;
    }
    if (r->stopwords != defaults.stopwords) out << " stopwords=" << r->stopwords;
  }
  return out.str();
}

struct Case {
  std::vector<std::string> args;
  std::string expected;  // describe(), or "error: " + the usage error's message
};

std::string outcome(const std::vector<std::string>& args) {
  SearcherCli cli;
  try {
    cli.parse(args);
  } catch (const CLI::ParseError& e) {
    return std::string("error: ") + e.what();
  }
  return describe(cli);
}

TEST(SearcherCli, MapsArgumentsToTheCommand) {
  const Case cases[] = {
      {{"--db", "D", "peace", "talks"}, "db=D query=peace talks"},
      {{"--db", "D", "--", "show"}, "db=D query=show"},
      {{"--db", "D", "show", "seed-1"}, "db=D query=show seed-1 show=seed-1"},
      {{"--db", "D", "--sort", "-date", "x"}, "db=D query=x sort=-date"},
      {{"--db", "D", "--format", "trec", "--unit", "statement", "x"},
       "db=D query=x format=trec statements no-highlight"},
      {{"--db", "D", "--queries", "q.tsv"}, "db=D query= queries=q.tsv plain"},
      {{"--db", "D", "--queries", "q.tsv", "--query-syntax", "full"}, "db=D query= queries=q.tsv"},
      {{"--db", "D", "--per-doc", "0", "-n", "3", "x"}, "db=D query=x limit=3 per_doc=0"},
      {{"--db", "D", "--like", "seed-1#4", "--context", "2"},
       "db=D query= like=seed-1#4 context=2"},
      {{"--db", "D", "--k1", "0.9", "--b", "0.4", "x"}, "db=D query=x k1=0.9 b=0.4"},
      {{"--db", "D", "--all-terms-first", "off", "--lucene-idf", "on", "x"},
       "db=D query=x all_terms_first=0 lucene_idf=1"},
      {{"--db", "D", "--stopwords", "lucene", "x"}, "db=D query=x stopwords=lucene"},
      {{"--db", "D", "--proximity", "0.2:5:near", "x"},
       "db=D query=x proximity_weight=0.2 proximity_window=5 proximity_near=1"},
      {{"--db", "D", "--prf", "10:20:0.3", "x"},
       "db=D query=x prf_docs=10 prf_terms=20 prf_weight=0.3"},
      {{"--db", "D", "--prf", "10", "x"}, "error: --prf: '10' has the wrong number of parts"},
      {{"--db", "D", "--proximity", "a", "x"},
       "error: --proximity: 'a' is not numbers separated by ':'"},
      {{"--db", "D"}, "error: QUERY: give a query or --queries FILE (not both)"},
      {{"--db", "D", "show"}, "error: show: give one statement id: show DOC_ID"},
      {{"--db", "D", "--like", "seed-1", "x"},
       "error: --like: 'seed-1' is not DOC_ID#N (a statement id, '#', and a passage number as "
       "printed)"},
      {{"--db", "D", "--like", "a#1", "--queries", "q"},
       "error: --like: cannot be combined with --queries"},
  };
  for (const Case& c : cases) {
    std::string joined;
    for (auto& a : c.args) joined += a + ' ';
    EXPECT_EQ(outcome(c.args), c.expected) << joined;
  }
}

// Each knob with an option of its own is on the command line under that option.
TEST(SearcherCli, EveryKnobOptionIsDeclared) {
  SearcherCli cli;
  for (const RankingKnob& knob : ranking_knobs())
    if (!knob.option.empty()) {
      EXPECT_NO_THROW(cli.app().get_option(std::string(knob.option))) << knob.name;
    }
}

}  // namespace
}  // namespace polsearch
