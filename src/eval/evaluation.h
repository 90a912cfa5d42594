// Relevance evaluation of TREC runs against qrels, number for number as NIST's trec_eval
// (the program behind the published BEIR, Anserini and Pyserini figures). The definitions are
// set out in ../shared/eval/trec_eval_reference/README.md; the points that are easy to get wrong:
//  * a query's ranking is its run lines sorted by score descending, the score rounded to a C
//    float first (trec_eval keeps it in a float), ties broken by docno in DESCENDING strcmp
//    order; the rank and iter columns are ignored;
//  * a qrels value < 0 means "in the pool but unjudged": never relevant, never counted;
//  * relevant means rel >= relevance_level; R counts every relevant judgement, retrieved or not;
//  * P_k divides by k even if fewer than k documents were retrieved; map divides by R;
//  * ndcg and ndcg_cut use linear gains (the qrels value when > 0), discount log2(rank + 1),
//    and the relevance level does not affect the gains;
//  * only queries in the qrels count. With `complete` (trec_eval -c) the mean is over every
//    qrels query, those missing from the run scoring 0; otherwise it is over the queries in
//    both. Per-query lines are printed only for the queries in both.
// recip_rank_cut_k (MRR@k, not a trec_eval measure) is recip_rank over the top k only.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace polsearch {

// A problem with an input file. what() reads "FILE:LINE: message" (or "FILE: message").
class EvaluationInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// qid -> docno -> relevance value. std::map keeps qids in strcmp order, trec_eval's order.
using Qrels = std::map<std::string, std::unordered_map<std::string, int>>;

struct RunEntry {
  std::string docno;
  double score = 0;
};
// qid -> retrieved documents in file order (the ranking is made by evaluate()).
using TrecRun = std::map<std::string, std::vector<RunEntry>>;

// Reads TREC qrels (`qid iter docno rel`, whitespace separated) or BEIR qrels TSV
// (`query-id<TAB>corpus-id<TAB>score`, optional header line); the format is detected from the
// first line. `source` names the input in error messages. A docno judged twice for one query is
// an error. Blank lines and lines starting with '#' are skipped.
Qrels parse_qrels(std::string_view text, const std::string& source);
// The same from a file, plain or gzip-compressed.
Qrels read_qrels(const std::filesystem::path& path);

// Reads a TREC run (`qid iter docno rank score tag`, further fields ignored). A docno repeated
// within one query is an error, as is a score that is not a finite number.
TrecRun parse_run(std::string_view text, const std::string& source);
// The same from a file, plain or gzip-compressed.
TrecRun read_run(const std::filesystem::path& path);

// Measure families in the order trec_eval prints them (recip_rank_cut is ours).
enum class MeasureFamily {
  kNumQ,
  kNumRet,
  kNumRel,
  kNumRelRet,
  kMap,
  kRecipRank,
  kRecipRankCut,
  kP,
  kRecall,
  kNdcg,
  kNdcgCut,
};

// One printed measure, such as "map" or "P_10".
struct MeasureColumn {
  MeasureFamily family;
  long cutoff = 0;  // 0 for measures without a cut-off
  std::string name;
  bool is_count = false;  // printed as an integer and summed, not averaged, over queries
};

// The measures to compute, named as on trec_eval's command line.
class MeasureSelection {
 public:
  // Adds measures from one `-m` argument:
  //   "map", "ndcg", "num_q", "num_ret", "num_rel", "num_rel_ret", "recip_rank";
  //   "P", "recall", "ndcg_cut": trec_eval's default cut-offs 5,10,15,20,30,100,200,500,1000;
  //   "recip_rank_cut": cut-off 10 (MRR@10);
  //   "P.5,10", "ndcg_cut.10", "recip_rank_cut.10": the given cut-offs;
  //   "P_10", "ndcg_cut_10", "recip_rank_cut_10": one printed name.
  // Cut-offs given in several arguments are merged. Throws std::invalid_argument for an
  // unknown measure or a cut-off that is not a positive integer.
  void add(std::string_view spec);

  // The set used when no measure is named: the counts, map, recip_rank, recip_rank_cut_10,
  // ndcg, and P, recall and ndcg_cut at 1,3,5,10,15,20,30,100,200,500,1000.
  static MeasureSelection defaults();

  bool empty() const { return cutoffs_.empty(); }
  // The printed measures, in output order.
  std::vector<MeasureColumn> columns() const;

 private:
  std::map<MeasureFamily, std::set<long>> cutoffs_;  // empty set for families without cut-off
};

struct EvaluationOptions {
  int relevance_level = 1;  // trec_eval -l; must be >= 0
  bool complete = true;     // trec_eval -c
  MeasureSelection measures = MeasureSelection::defaults();
};

struct QueryScores {
  std::string qid;
  std::vector<double> values;  // aligned with EvaluationResult::columns
};

struct EvaluationResult {
  std::vector<MeasureColumn> columns;
  std::vector<QueryScores> per_query;  // queries in both qrels and run, in qid order
  std::vector<double> all;             // means (sums for counts), aligned with columns
  long num_q = 0;                      // queries averaged over
  long run_queries_without_qrels = 0;  // ignored
  long qrels_queries_without_run = 0;  // score 0 when complete, else left out
  int relevance_level = 1;
  bool complete = true;
};

// Throws std::invalid_argument for a relevance level < 0 or an empty measure selection, and
// EvaluationInputError when no query of the run has judgements (trec_eval fails then too).
EvaluationResult evaluate(const Qrels& qrels, const TrecRun& run, const EvaluationOptions& options);

// trec_eval's output: `measure<pad>\t<qid or all>\tvalue`, 4 decimals, counts as integers;
// per-query blocks first (when asked), then the `all` block. num_q has only an `all` line.
std::string format_trec(const EvaluationResult& result, bool per_query);

// One JSON object: {"options", "num_q", "run_queries_without_qrels",
// "qrels_queries_without_run", "measures", "all", "per_query" (when asked)}; values unrounded.
std::string format_json(const EvaluationResult& result, bool per_query);

}  // namespace polsearch
