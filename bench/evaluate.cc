// evaluate: scores a TREC run against qrels with trec_eval's exact definitions (see
// src/eval/evaluation.h). `evaluate QRELS RUN` prints what `trec_eval -c` would for the same
// measures.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "evaluation.h"

namespace {

// The values of src/model/exit_status.h, shared by the project's tools.
constexpr int kExitUsage = 2;   // bad options
constexpr int kExitInput = 2;   // unreadable or malformed input
constexpr int kExitFailed = 4;  // unexpected failure

constexpr const char* kFooter = R"(
QRELS is TREC qrels (`qid iter docno rel`) or BEIR qrels TSV (`query-id<TAB>corpus-id<TAB>score`
with a header line), detected from the first line. RUN is a TREC run
(`qid Q0 docno rank score tag`); either may be gzip-compressed. The rank column is ignored: each
query is ranked by score, ties broken by docno in descending strcmp order, as trec_eval does.

Measures (-m, repeatable; names and cut-off syntax as in trec_eval):
  num_q num_ret num_rel num_rel_ret map recip_rank ndcg
  P recall ndcg_cut            cut-offs 5,10,15,20,30,100,200,500,1000 unless given
  P.5,10  ndcg_cut.10  P_10    chosen cut-offs
  recip_rank_cut[.K]           MRR@K: recip_rank counting only the top K (default K=10);
                               not a trec_eval measure, printed as recip_rank_cut_10
Without -m: num_q num_ret num_rel num_rel_ret map recip_rank recip_rank_cut_10 ndcg, and
P, recall and ndcg_cut at 1,3,5,10,15,20,30,100,200,500,1000.

Exit status:
  0  success
  2  usage error (unknown option or measure, bad cut-off or level), or input error: a file
     is missing or unreadable, a line is malformed, a docno is repeated within a query of
     the run or of the qrels, or no query of the run has judgements. The message on stderr
     reads `evaluate: FILE:LINE: problem` (or `evaluate: FILE: problem`)
  4  unexpected failure (such as running out of memory)
)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Scores a TREC run against qrels, number for number as trec_eval.", "evaluate"};
  app.footer(kFooter);

  std::string qrels_path, run_path, format = "trec";
  std::vector<std::string> measure_specs;
  bool complete = true, per_query = false;
  int relevance_level = 1;
  app.add_flag("-c,--complete,!--no-c,!--no-complete", complete,
               "Average over every qrels query; queries missing from the run score 0 "
               "(trec_eval -c). On by default; --no-c averages over queries in both files");
  app.add_flag("-q,--per-query", per_query, "Print each query's values before the averages");
  app.add_option("-m,--measure", measure_specs, "Measure to compute (repeatable), see below")
      ->allow_extra_args(false);  // one measure per -m, so QRELS RUN stay positional
  app.add_option("-l,--level", relevance_level,
                 "Relevance level: a judgement >= LEVEL is relevant (nDCG gains ignore it)")
      ->capture_default_str();
  app.add_option("--format", format, "Output: trec (trec_eval's lines) or json")
      ->check(CLI::IsMember({"trec", "json"}))
      ->capture_default_str();
  app.add_option("QRELS", qrels_path, "Relevance judgements")->required();
  app.add_option("RUN", run_path, "Run to score")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : kExitUsage;
  }

  if (relevance_level < 0) {
    std::cerr << "evaluate: --level must be >= 0\n";
    return kExitUsage;
  }

  polsearch::EvaluationOptions options;
  options.relevance_level = relevance_level;
  options.complete = complete;
  if (!measure_specs.empty()) {
    options.measures = polsearch::MeasureSelection();
    try {
      for (const auto& spec : measure_specs) options.measures.add(spec);
    } catch (const std::invalid_argument& error) {
      std::cerr << "evaluate: " << error.what() << "\n";
      return kExitUsage;
    }
  }

  std::string output;
  try {
    polsearch::Qrels qrels = polsearch::read_qrels(qrels_path);
    polsearch::TrecRun run = polsearch::read_run(run_path);
    polsearch::EvaluationResult result;
    try {
      result = polsearch::evaluate(qrels, run, options);
    } catch (const polsearch::EvaluationInputError& error) {
      throw polsearch::EvaluationInputError(run_path + ": " + error.what());
    }
    output = format == "json" ? polsearch::format_json(result, per_query)
                              : polsearch::format_trec(result, per_query);
  } catch (const polsearch::EvaluationInputError& error) {
    std::cerr << "evaluate: " << error.what() << "\n";
    return kExitInput;
  } catch (const std::exception& error) {
    std::cerr << "evaluate: " << error.what() << "\n";
    return kExitFailed;
  }
  if (std::fwrite(output.data(), 1, output.size(), stdout) != output.size() ||
      std::fflush(stdout) != 0) {
    std::perror("evaluate: cannot write output");
    return kExitFailed;
  }
  return 0;
}
