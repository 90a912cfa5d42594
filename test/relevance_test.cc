// Relevance regression: a ranking change that moves retrieval quality shows up here.
// Cranfield (../shared/eval) is indexed with schema/beir.toml and every query is run
// through polsearch::Searcher exactly as `bench/eval.sh cranfield` runs it; a small
// hand-judged set of policy queries over samples/statements is run with the default
// schema; the judged policy set (60 queries of four kinds over samples/statements and a
// fixed subset of ../shared's corpora, test/data/relevance/GUIDELINES.md) is run as
// `bench/policy_eval.py default` runs it. All are scored with the library evaluator
// (trec_eval's definitions) and compared with test/data/relevance/expected.json.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

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

void build_index(const std::string& db, const Schema* schema,
                 const std::vector<std::string>& inputs) {
  Indexer indexer(db, schema, IndexerOptions{});
  Indexer::Callbacks callbacks;
  unsigned errors = 0;
  callbacks.on_error = [&](const SourceLocation&, const std::string&) { ++errors; };
  indexer.index(inputs, callbacks);
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
  build_index(db, &schema, {(eval / "corpus.jsonl.gz").string()});

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
  build_index(db, nullptr, {std::string(POLSEARCH_SOURCE_DIR) + "/samples/statements"});

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

// The judged policy set: qid, kind and query text of test/data/relevance/judged_queries.tsv.
struct JudgedQuery {
  std::string qid, kind, text;
};

std::vector<JudgedQuery> read_judged_queries(const std::filesystem::path& path) {
  std::vector<JudgedQuery> queries;
  std::istringstream lines(read_file(path));
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (number == 1) continue;  // header: qid kind query need
    std::vector<std::string> fields;
    std::istringstream columns(line);
    for (std::string field; std::getline(columns, field, '\t');) fields.push_back(field);
    if (fields.size() != 4) {
      ADD_FAILURE() << path.string() << ":" << number << ": expected 4 tab-separated fields";
      continue;
    }
    queries.push_back({fields[0], fields[1], fields[2]});
  }
  return queries;
}

// The collection of GUIDELINES.md, written by tools/policy-collection into `dir`.
bool write_policy_collection(const std::filesystem::path& dir) {
  std::string command = "python3 '" + std::string(POLSEARCH_SOURCE_DIR) +
                        "/tools/policy-collection' --out '" + dir.string() + "' --shared '" +
                        shared_dir().string() + "' > /dev/null";
  return std::system(command.c_str()) == 0;
}

// Each query's run as `searcher --query-syntax full --format trec` writes it.
TrecRun run_judged(Searcher& searcher, const std::vector<JudgedQuery>& queries,
                   const SearchOptions& options) {
  TrecRun run;
  for (const JudgedQuery& q : queries) {
    SearchResult result = searcher.search(q.text, options);
    auto& entries = run[q.qid];
    for (const Hit& hit : result.hits) {
      char score[32];
      double value = result.ranked ? hit.score : -static_cast<double>(hit.rank);
      std::snprintf(score, sizeof score, "%.6f", value);
      entries.push_back({hit.doc_id + "#" + std::to_string(hit.passage), std::stod(score)});
    }
  }
  return run;
}

// Means of each measure over the queries of one kind ("" = all), 0 for a query with no
// hits (trec_eval -c).
std::map<std::string, double> kind_means(const EvaluationResult& result,
                                         const std::vector<JudgedQuery>& queries,
                                         const std::string& kind) {
  std::map<std::string, double> sums;
  size_t count = 0;
  for (const JudgedQuery& q : queries) {
    if (!kind.empty() && q.kind != kind) continue;
    ++count;
    for (const QueryScores& scores : result.per_query) {
      if (scores.qid != q.qid) continue;
      for (size_t i = 0; i < result.columns.size(); ++i)
        sums[result.columns[i].name] += scores.values[i];
    }
  }
  for (const MeasureColumn& column : result.columns) sums[column.name] /= count ? count : 1;
  return sums;
}

TEST(Relevance, JudgedPolicySet) {
  REQUIRE_SHARED("corpus/ungdc/docs.jsonl.gz");
  REQUIRE_SHARED("corpus/us-presidential-speeches/docs.jsonl.gz");
  auto started = std::chrono::steady_clock::now();
  const nlohmann::json want = expected("policy_judged");
  TempDir dir;
  ASSERT_TRUE(write_policy_collection(dir.path())) << "tools/policy-collection failed";
  const std::string db = dir.str() + "/db";
  build_index(
      db, nullptr,
      {dir.str() + "/corpus.jsonl", std::string(POLSEARCH_SOURCE_DIR) + "/samples/statements"});

  Searcher searcher(db);
  SearchOptions options;  // the default ranking (per_doc from the schema), as typed
  options.syntax = QuerySyntax::Full;
  options.unit = RankUnit::Passage;
  options.limit = 100;  // recall@100
  options.highlight = false;
  const auto queries = read_judged_queries(kData / "judged_queries.tsv");
  ASSERT_EQ(queries.size(), 60u);
  EvaluationOptions evaluation;
  evaluation.measures = MeasureSelection();
  for (const char* spec : {"ndcg_cut.10", "P.10", "recall.100"}) evaluation.measures.add(spec);
  EvaluationResult result = evaluate(read_qrels(kData / "judged_qrels.tsv"),
                                     run_judged(searcher, queries, options), evaluation);

  auto all = kind_means(result, queries, "");
  expect_figures(all, want);
  double tolerance = want.at("tolerance").get<double>();
  std::printf("Judged policy set: nDCG@10 %.4f, P@10 %.4f, R@100 %.4f\n", all["ndcg_cut_10"],
              all["P_10"], all["recall_100"]);
  for (const auto& [kind, measures] : want.at("by_kind").items()) {
    auto got = kind_means(result, queries, kind);
    expect_figures(got, {{"tolerance", tolerance}, {"measures", measures}});
    std::printf("  %-8s nDCG@10 %.4f, P@10 %.4f, R@100 %.4f\n", kind.c_str(), got["ndcg_cut_10"],
                got["P_10"], got["recall_100"]);
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  RecordProperty("seconds", std::to_string(seconds));
  std::printf("  in %.1f s\n", seconds);
}

}  // namespace
}  // namespace polsearch
