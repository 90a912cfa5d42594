// Relevance regression: a ranking change that moves retrieval quality shows up here.
// Cranfield (../shared/eval) is indexed with schema/beir.toml and every query is run
// through polsearch::Searcher exactly as `bench/eval.sh cranfield` runs it; a small
// hand-judged set of policy queries over samples/statements is run with the default
// schema. Both are scored with the library evaluator (trec_eval's definitions) and
// compared with test/data/relevance/expected.json.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "evaluation.h"
#include "indexing.h"
#include "query_file.h"
#include "schema.h"
#include "searcher.h"
#include "test_support.h"

namespace polsearch {
namespace {

using polsearch::testing::read_file;
using polsearch::testing::shared_dir;
using polsearch::testing::TempDir;

const std::filesystem::path kData = std::filesystem::path(POLSEARCH_TEST_DATA) / "relevance";

nlohmann::json expected(const std::string& set) {
  return nlohmann::json::parse(read_file(kData / "expected.json")).at(set);
}

void build_index(const std::string& db, const Schema* schema, const std::string& input) {
  Indexer indexer(db, schema, IndexerOptions{});
  Indexer::Callbacks callbacks;
  unsigned errors = 0;
  callbacks.on_error = [&](const SourceLocation&, const std::string&) { ++errors; };
  indexer.index({input}, callbacks);
  // Cranfield has two empty documents (471, 995), which are reported and skipped.
  EXPECT_LE(errors, 2u);
}

// Runs every query of `queries` and returns the TREC run, with the scores rounded as
// the searcher's --format trec prints them so that the figures match bench/eval.sh.
TrecRun run_queries(Searcher& searcher, const std::filesystem::path& queries,
                    const SearchOptions& options, bool passage_ids) {
  TrecRun run;
  size_t bad = read_query_file(
      queries.string(),
      [&](BatchQuery&& q) {
        SearchResult result = searcher.search(q.text, options);
        auto& entries = run[q.qid];
        for (const Hit& hit : result.hits) {
          char score[32];
          std::snprintf(score, sizeof score, "%.6f", hit.weight);
          std::string docno = hit.doc_id;
          if (passage_ids) docno += "#" + std::to_string(hit.passage);
          entries.push_back({docno, std::stod(score)});
        }
      },
      [](const SourceLocation& where, const std::string& message) {
        ADD_FAILURE() << where.str() << ": " << message;
      });
  EXPECT_EQ(bad, 0u);
  return run;
}

// Measure name ("ndcg_cut_10") -> mean over the qrels' queries (trec_eval -c).
std::map<std::string, double> score(const Qrels& qrels, const TrecRun& run,
                                    const nlohmann::json& measures) {
  EvaluationOptions options;
  options.measures = MeasureSelection();
  for (const auto& [name, value] : measures.items()) {
    (void)value;
    std::string spec = name;
    spec[spec.rfind('_')] = '.';  // ndcg_cut_10 -> ndcg_cut.10
    options.measures.add(spec);
  }
  EvaluationResult result = evaluate(qrels, run, options);
  std::map<std::string, double> out;
  for (size_t i = 0; i < result.columns.size(); ++i) out[result.columns[i].name] = result.all[i];
  return out;
}

void expect_figures(const std::map<std::string, double>& got, const nlohmann::json& want) {
  double tolerance = want.at("tolerance").get<double>();
  for (const auto& [name, value] : want.at("measures").items()) {
    ASSERT_TRUE(got.count(name)) << name;
    EXPECT_NEAR(got.at(name), value.get<double>(), tolerance)
        << name << " moved: " << got.at(name) << " (recorded " << value.get<double>() << ")";
  }
}

TEST(Relevance, CranfieldWithTheBeirSchema) {
  REQUIRE_SHARED("eval/cranfield/corpus.jsonl.gz");
  auto started = std::chrono::steady_clock::now();
  const auto eval = shared_dir() / "eval" / "cranfield";
  const nlohmann::json want = expected("cranfield");
  TempDir dir;
  const std::string db = dir.str() + "/db";
  Schema schema = Schema::load_file(std::string(POLSEARCH_SOURCE_DIR) + "/schema/beir.toml");
  build_index(db, &schema, (eval / "corpus.jsonl.gz").string());

  Searcher searcher(db);
  SearchOptions options;  // as bench/eval.sh: plain words, statements (MaxP), no overrides
  options.syntax = QuerySyntax::Plain;
  options.unit = RankUnit::Statement;
  options.limit = 100;  // enough for recall@100; the top 100 of eval.sh's 1000 are the same
  options.highlight = false;
  TrecRun run = run_queries(searcher, eval / "queries.jsonl", options, false);
  EXPECT_EQ(run.size(), 225u);
  auto got = score(read_qrels(eval / "qrels" / "test.tsv"), run, want.at("measures"));
  expect_figures(got, want);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  RecordProperty("seconds", std::to_string(seconds));
  std::printf("Cranfield: nDCG@10 %.4f, Recall@100 %.4f in %.1f s\n", got["ndcg_cut_10"],
              got["recall_100"], seconds);
}

TEST(Relevance, HandJudgedPolicyQueriesOverTheSamples) {
  const nlohmann::json want = expected("policy_samples");
  TempDir dir;
  const std::string db = dir.str() + "/db";
  build_index(db, nullptr, std::string(POLSEARCH_SOURCE_DIR) + "/samples/statements");

  Searcher searcher(db);
  SearchOptions options;  // the default schema's ranking; passages, not folded per statement
  options.syntax = QuerySyntax::Plain;
  options.unit = RankUnit::Passage;
  options.per_doc = 0;
  options.limit = 10;
  options.highlight = false;
  TrecRun run = run_queries(searcher, kData / "policy_queries.tsv", options, true);
  Qrels qrels = read_qrels(kData / "policy_qrels.tsv");
  EXPECT_EQ(run.size(), qrels.size());
  auto got = score(qrels, run, want.at("measures"));
  expect_figures(got, want);
  std::printf("Policy samples: nDCG@10 %.4f, P@1 %.4f, MRR@10 %.4f, Recall@10 %.4f\n",
              got["ndcg_cut_10"], got["P_1"], got["recip_rank_cut_10"], got["recall_10"]);
}

}  // namespace
}  // namespace polsearch
