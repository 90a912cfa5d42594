#include "evaluation.h"

#include <zlib.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "test_support.h"

namespace polsearch {
namespace {

namespace fs = std::filesystem;

constexpr double kReferenceTolerance = 5e-5;  // trec_eval prints 4 decimals
constexpr double kAbsent = std::numeric_limits<double>::quiet_NaN();

std::string read_plain_or_gzipped(const fs::path& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw std::runtime_error("cannot open " + path.string());
  std::string content;
  char buffer[1 << 16];
  int n = 0;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0) content.append(buffer, n);
  gzclose(file);
  if (n < 0) throw std::runtime_error("cannot read " + path.string());
  return content;
}

void write_gzipped(const fs::path& path, const std::string& content) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, content.data(), static_cast<unsigned>(content.size())),
            static_cast<int>(content.size()));
  ASSERT_EQ(gzclose(file), Z_OK);
}

// One `measure<pad>\tqid\tvalue` line of trec_eval output.
struct TrecLine {
  std::string measure, qid;
  double value = 0;
};

std::vector<TrecLine> parse_trec_output(const std::string& text) {
  std::vector<TrecLine> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto tab1 = line.find('\t'), tab2 = line.find('\t', tab1 + 1);
    if (tab1 == std::string::npos || tab2 == std::string::npos) {
      ADD_FAILURE() << "not a trec_eval line: '" << line << "'";
      continue;
    }
    std::string measure = line.substr(0, tab1);
    measure.erase(measure.find_last_not_of(' ') + 1);
    lines.push_back(TrecLine{measure, line.substr(tab1 + 1, tab2 - tab1 - 1),
                             std::stod(line.substr(tab2 + 1))});
  }
  return lines;
}

// --- agreement with trec_eval's own output ------------------------------------------------

struct ReferenceCase {
  std::string output;  // in eval/trec_eval_reference
  std::string qrels;   // relative to the shared eval folder
  std::string run;
  std::vector<std::string> measures;  // trec_eval's -m arguments
  bool complete;                      // -c
  bool per_query;                     // -q
};

const std::vector<std::string> kSyntheticMeasures = {
    "ndcg_cut.1,3,5,10", "recall.3,10", "map",     "P.3,10", "recip_rank",
    "num_rel",           "num_rel_ret", "num_ret", "num_q"};
const std::vector<std::string> kBm25Measures = {
    "ndcg_cut.10,100", "recall.10,100", "map", "P.10", "recip_rank", "num_rel", "num_rel_ret"};
constexpr const char* kReference = "trec_eval_reference/";

const std::vector<ReferenceCase> kReferenceCases = {
    {"synthetic.trec_eval.c.txt", "trec_eval_reference/synthetic.qrels",
     "trec_eval_reference/synthetic.run", kSyntheticMeasures, true, true},
    {"synthetic.trec_eval.noc.txt", "trec_eval_reference/synthetic.qrels",
     "trec_eval_reference/synthetic.run", kSyntheticMeasures, false, true},
    {"scifact.bm25-sanity.top100.trec_eval.txt", "scifact/qrels/test.tsv",
     "trec_eval_reference/scifact.bm25-sanity.top100.run.gz", kBm25Measures, true, false},
    {"scifact.bm25-sanity.top100.trec_eval.perquery.txt.gz", "scifact/qrels/test.tsv",
     "trec_eval_reference/scifact.bm25-sanity.top100.run.gz", kBm25Measures, true, true},
    {"cranfield.bm25-sanity.top100.trec_eval.txt", "cranfield/qrels/test.tsv",
     "trec_eval_reference/cranfield.bm25-sanity.top100.run.gz", kBm25Measures, true, false},
    {"cranfield.bm25-sanity.top100.trec_eval.perquery.txt.gz", "cranfield/qrels/test.tsv",
     "trec_eval_reference/cranfield.bm25-sanity.top100.run.gz", kBm25Measures, true, true},
};

void PrintTo(const ReferenceCase& reference, std::ostream* out) { *out << reference.output; }

class TrecEvalReferenceTest : public ::testing::TestWithParam<ReferenceCase> {};

TEST_P(TrecEvalReferenceTest, EveryPrintedLineMatches) {
  REQUIRE_SHARED("eval/trec_eval_reference");
  const ReferenceCase& reference = GetParam();
  const fs::path eval_dir = testing::shared_dir() / "eval";

  EvaluationOptions options;
  options.complete = reference.complete;
  options.measures = MeasureSelection();
  for (const auto& spec : reference.measures) options.measures.add(spec);
  EvaluationResult result =
      evaluate(read_qrels(eval_dir / reference.qrels), read_run(eval_dir / reference.run), options);

  auto expected =
      parse_trec_output(read_plain_or_gzipped(eval_dir / kReference / reference.output));
  auto actual = parse_trec_output(format_trec(result, reference.per_query));
  ASSERT_FALSE(expected.empty());
  ASSERT_EQ(actual.size(), expected.size()) << "number of (measure, qid) lines";
  int mismatches = 0;
  for (size_t i = 0; i < expected.size() && mismatches < 20; ++i) {
    const auto &want = expected[i], &got = actual[i];
    bool same_line = want.measure == got.measure && want.qid == got.qid &&
                     std::fabs(want.value - got.value) <= kReferenceTolerance;
    if (!same_line) {
      ++mismatches;
      ADD_FAILURE() << reference.output << " line " << i + 1 << ": expected " << want.measure << " "
                    << want.qid << " " << want.value << ", got " << got.measure << " " << got.qid
                    << " " << got.value;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(ReferenceFiles, TrecEvalReferenceTest,
                         ::testing::ValuesIn(kReferenceCases),
                         [](const ::testing::TestParamInfo<ReferenceCase>& info) {
                           std::string name;
                           for (char c : info.param.output)
                             name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

// A reference output added to the folder later must get a case above.
TEST(TrecEvalReferenceFiles, EveryOutputFileHasACase) {
  REQUIRE_SHARED("eval/trec_eval_reference");
  std::set<std::string> covered;
  for (const auto& reference : kReferenceCases) covered.insert(reference.output);
  int outputs = 0;
  for (const auto& entry : fs::directory_iterator(testing::shared_dir() / "eval" / kReference)) {
    std::string name = entry.path().filename().string();
    if (name.find(".trec_eval.") == std::string::npos) continue;
    ++outputs;
    EXPECT_TRUE(covered.count(name)) << name << " has no test case";
  }
  EXPECT_EQ(outputs, static_cast<int>(kReferenceCases.size()));
}

// --- edge cases on hand-made qrels and runs ------------------------------------------------

struct Expectation {
  std::string measure, qid;  // qid "all" for the aggregate
  double value;              // kAbsent: no such line
};

struct EdgeCase {
  std::string name;
  std::string qrels, run;
  int relevance_level;
  bool complete;
  std::vector<Expectation> expected;
};

const std::vector<std::string> kEdgeMeasures = {"num_q",
                                                "num_ret",
                                                "num_rel",
                                                "num_rel_ret",
                                                "map",
                                                "recip_rank",
                                                "P.1,2,3,10",
                                                "recall.1,2,10",
                                                "recip_rank_cut.10",
                                                "ndcg",
                                                "ndcg_cut.1,2,3,10"};

double value_of(const EvaluationResult& result, const std::string& measure,
                const std::string& qid) {
  size_t column = 0;
  while (column < result.columns.size() && result.columns[column].name != measure) ++column;
  if (column == result.columns.size()) {
    ADD_FAILURE() << "no measure " << measure;
    return kAbsent;
  }
  if (qid == "all") return result.all[column];
  for (const auto& query : result.per_query)
    if (query.qid == qid) return query.values[column];
  return kAbsent;
}

std::string mrr_cut_run() {
  std::string run;  // the only relevant document, d11, comes 11th
  for (int i = 1; i <= 11; ++i)
    run += "q1 Q0 d" + std::to_string(i + 10) + " " + std::to_string(i) + " " +
           std::to_string(20 - i) + " t\n";
  return run;
}

const double kLog2Of3 = std::log2(3.0);

const std::vector<EdgeCase> kEdgeCases = {
    {"TiesBrokenByDocnoDescending",
     // q1: all tied, ranking d3 d2 d1. q2: "d9" > "d10" in strcmp. q3: equal as C floats, so
     // tied (d2 first) although the doubles differ. q4: the rank column is ignored.
     "q1 0 d1 1\nq2 0 d10 1\nq3 0 d2 1\nq4 0 a 1\n",
     "q1 Q0 d1 1 1.0 t\nq1 Q0 d3 2 1.0 t\nq1 Q0 d2 3 1.0 t\n"
     "q2 Q0 d10 1 5 t\nq2 Q0 d9 2 5 t\n"
     "q3 Q0 d1 1 10.0000002 t\nq3 Q0 d2 2 10.0000001 t\n"
     "q4 Q0 b 1 1.0 t\nq4 Q0 a 2 2.0 t\n",
     1,
     true,
     {{"recip_rank", "q1", 1.0 / 3},
      {"P_1", "q1", 0},
      {"P_3", "q1", 1.0 / 3},
      {"map", "q1", 1.0 / 3},
      {"recip_rank_cut_10", "q1", 1.0 / 3},
      {"recip_rank", "q2", 0.5},
      {"recip_rank", "q3", 1.0},
      {"recip_rank", "q4", 1.0}}},
    {"QueryWithoutRelevantDocsCountsAsZero",
     "q1 0 d1 1\nq2 0 d5 0\n",
     "q1 Q0 d1 1 1.0 t\nq2 Q0 d5 1 1.0 t\n",
     1,
     true,
     {{"num_rel", "q2", 0},
      {"map", "q2", 0},
      {"recall_10", "q2", 0},
      {"ndcg", "q2", 0},
      {"ndcg_cut_10", "q2", 0},
      {"num_q", "all", 2},
      {"map", "all", 0.5},
      {"ndcg", "all", 0.5},
      {"num_ret", "all", 2},
      {"num_rel", "all", 1}}},
    {"QueryOnlyInRunIsIgnored",
     "q1 0 d1 1\n",
     "q1 Q0 d1 1 1.0 t\nq9 Q0 d1 1 1.0 t\nq9 Q0 d2 2 0.5 t\n",
     1,
     true,
     {{"map", "q9", kAbsent}, {"num_q", "all", 1}, {"num_ret", "all", 1}, {"map", "all", 1.0}}},
    {"QueryOnlyInQrelsScoresZeroWhenComplete",
     "q1 0 d1 1\nq2 0 d2 1\nq2 0 d3 1\n",
     "q1 Q0 d1 1 1.0 t\n",
     1,
     true,
     {{"map", "q2", kAbsent},  // trec_eval -c -q prints no line for it
      {"num_q", "all", 2},
      {"map", "all", 0.5},
      {"recall_10", "all", 0.5},
      {"P_1", "all", 0.5},
      {"num_rel", "all", 3},
      {"num_ret", "all", 1},
      {"num_rel_ret", "all", 1}}},
    {"QueryOnlyInQrelsLeftOutWithoutComplete",
     "q1 0 d1 1\nq2 0 d2 1\nq2 0 d3 1\n",
     "q1 Q0 d1 1 1.0 t\n",
     1,
     false,
     {{"num_q", "all", 1}, {"map", "all", 1.0}, {"num_rel", "all", 1}}},
    {"NegativeRelevanceIsNeverRelevant",
     "q1 0 d1 -1\nq1 0 d2 1\n",
     "q1 Q0 d1 1 2.0 t\nq1 Q0 d2 2 1.0 t\n",
     1,
     true,
     {{"num_rel", "q1", 1},
      {"num_rel_ret", "q1", 1},
      {"recip_rank", "q1", 0.5},
      {"map", "q1", 0.5},
      {"P_1", "q1", 0},
      {"ndcg_cut_1", "q1", 0},
      {"ndcg", "q1", 1 / kLog2Of3}}},
    {"NegativeRelevanceIsNeverRelevantEvenAtLevelZero",
     "q1 0 d1 -1\nq1 0 d2 0\nq1 0 d3 1\n",
     "q1 Q0 d1 1 3.0 t\nq1 Q0 d2 2 2.0 t\nq1 Q0 d3 3 1.0 t\n",
     0,
     true,
     {{"num_rel", "q1", 2}, {"recip_rank", "q1", 0.5}, {"map", "q1", (0.5 + 2.0 / 3) / 2}}},
    {"GradedRelevanceUsesLinearGains",
     // Ranking d2(2) d3(0) d1(3); d4(1) is never retrieved. Ideal gains 3 2 1.
     "q1 0 d1 3\nq1 0 d2 2\nq1 0 d3 0\nq1 0 d4 1\n",
     "q1 Q0 d2 1 3.0 t\nq1 Q0 d3 2 2.0 t\nq1 Q0 d1 3 1.0 t\n",
     1,
     true,
     {{"ndcg_cut_1", "q1", 2.0 / 3},
      {"ndcg_cut_2", "q1", 2.0 / (3 + 2 / kLog2Of3)},
      {"ndcg_cut_3", "q1", 3.5 / (3 + 2 / kLog2Of3 + 0.5)},
      {"ndcg", "q1", 3.5 / (3 + 2 / kLog2Of3 + 0.5)},
      {"num_rel", "q1", 3},
      {"map", "q1", (1 + 2.0 / 3) / 3}}},
    {"RelevanceLevelChangesRelevanceButNotGains",
     "q1 0 d1 3\nq1 0 d2 2\nq1 0 d3 0\nq1 0 d4 1\n",
     "q1 Q0 d2 1 3.0 t\nq1 Q0 d3 2 2.0 t\nq1 Q0 d1 3 1.0 t\n",
     2,
     true,
     {{"num_rel", "q1", 2},
      {"P_3", "q1", 2.0 / 3},
      {"map", "q1", (1 + 2.0 / 3) / 2},
      {"ndcg", "q1", 3.5 / (3 + 2 / kLog2Of3 + 0.5)}}},
    {"FewerRetrievedThanCutoff",
     "q1 0 d1 1\nq1 0 d2 1\nq1 0 d3 1\n",
     "q1 Q0 d1 1 2.0 t\nq1 Q0 d4 2 1.0 t\n",
     1,
     true,
     {{"P_10", "q1", 0.1},
      {"P_3", "q1", 1.0 / 3},
      {"recall_10", "q1", 1.0 / 3},
      {"map", "q1", 1.0 / 3},
      {"ndcg_cut_10", "q1", 1 / (1 + 1 / kLog2Of3 + 0.5)},
      {"num_ret", "q1", 2}}},
    {"RecipRankCutIgnoresDocsBelowCutoff",
     "q1 0 d21 1\n",
     mrr_cut_run(),
     1,
     true,
     {{"recip_rank", "q1", 1.0 / 11}, {"recip_rank_cut_10", "q1", 0}}},
};

void PrintTo(const EdgeCase& edge, std::ostream* out) { *out << edge.name; }

class EdgeCaseTest : public ::testing::TestWithParam<EdgeCase> {};

TEST_P(EdgeCaseTest, MatchesTrecEvalDefinitions) {
  const EdgeCase& edge = GetParam();
  EvaluationOptions options;
  options.relevance_level = edge.relevance_level;
  options.complete = edge.complete;
  options.measures = MeasureSelection();
  for (const auto& spec : kEdgeMeasures) options.measures.add(spec);
  EvaluationResult result =
      evaluate(parse_qrels(edge.qrels, "qrels"), parse_run(edge.run, "run"), options);
  for (const auto& want : edge.expected) {
    double got = value_of(result, want.measure, want.qid);
    if (std::isnan(want.value))
      EXPECT_TRUE(std::isnan(got)) << want.measure << " " << want.qid << " should be absent";
    else
      EXPECT_NEAR(got, want.value, 1e-12) << want.measure << " " << want.qid;
  }
}

INSTANTIATE_TEST_SUITE_P(Table, EdgeCaseTest, ::testing::ValuesIn(kEdgeCases),
                         [](const ::testing::TestParamInfo<EdgeCase>& info) {
                           return info.param.name;
                         });

TEST(Evaluation, CountsQueriesOnlyInRunOrOnlyInQrels) {
  EvaluationResult result = evaluate(parse_qrels("q1 0 d1 1\nq2 0 d1 1\n", "qrels"),
                                     parse_run("q1 Q0 d1 1 1 t\nq3 Q0 d1 1 1 t\n", "run"), {});
  EXPECT_EQ(result.run_queries_without_qrels, 1);
  EXPECT_EQ(result.qrels_queries_without_run, 1);
  EXPECT_EQ(result.num_q, 2);
  ASSERT_EQ(result.per_query.size(), 1u);
  EXPECT_EQ(result.per_query[0].qid, "q1");
}

TEST(Evaluation, PerQueryRowsAreInStrcmpOrder) {
  EvaluationResult result =
      evaluate(parse_qrels("2 0 a 1\n10 0 a 1\n1 0 a 1\n", "qrels"),
               parse_run("2 Q0 a 1 1 t\n10 Q0 a 1 1 t\n1 Q0 a 1 1 t\n", "run"), {});
  ASSERT_EQ(result.per_query.size(), 3u);
  EXPECT_EQ(result.per_query[0].qid, "1");
  EXPECT_EQ(result.per_query[1].qid, "10");
  EXPECT_EQ(result.per_query[2].qid, "2");
}

TEST(Evaluation, RejectsNegativeLevelAndEmptySelection) {
  Qrels qrels = parse_qrels("q1 0 d1 1\n", "qrels");
  TrecRun run = parse_run("q1 Q0 d1 1 1 t\n", "run");
  EvaluationOptions options;
  options.relevance_level = -1;
  EXPECT_THROW(evaluate(qrels, run, options), std::invalid_argument);
  options.relevance_level = 1;
  options.measures = MeasureSelection();
  EXPECT_THROW(evaluate(qrels, run, options), std::invalid_argument);
}

// --- input errors ------------------------------------------------------------------------------

struct ErrorCase {
  std::string name, qrels, run, message;
};

const std::vector<ErrorCase> kErrorCases = {
    {"DuplicateDocnoInRun", "q1 0 d1 1\n",
     "q1 Q0 d1 1 1.0 t\nq1 Q0 d2 2 0.5 t\nq2 Q0 d1 1 1.0 t\nq1 Q0 d1 3 0.2 t\n",
     "run:4: document 'd1' retrieved twice for query 'q1' (first on line 1)"},
    {"DuplicateDocnoInQrels", "q1 0 d1 1\nq1 0 d1 0\n", "q1 Q0 d1 1 1.0 t\n",
     "qrels:2: document 'd1' judged twice for query 'q1' (first on line 1)"},
    {"RunLineWithTooFewFields", "q1 0 d1 1\n", "q1 Q0 d1 1 1.0 t\nq1 Q0 d2 2 0.5\n",
     "run:2: expected 6 fields (qid iter docno rank score tag), found 5"},
    {"RunScoreNotANumber", "q1 0 d1 1\n", "q1 Q0 d1 1 high t\n",
     "run:1: score 'high' is not a finite number"},
    {"RunScoreNotFinite", "q1 0 d1 1\n", "q1 Q0 d1 1 nan t\n",
     "run:1: score 'nan' is not a finite number"},
    {"LineNumbersCountCommentsAndBlankLines", "q1 0 d1 1\n", "# run\n\nq1 Q0 d1 1 x t\n",
     "run:3: score 'x'"},
    {"QrelsRelevanceNotAnInteger", "q1 0 d1 yes\n", "q1 Q0 d1 1 1.0 t\n",
     "qrels:1: relevance 'yes' is not an integer"},
    {"TrecQrelsWithThreeFields", "q1 0 d1 1\nq1 d2 1\n", "q1 Q0 d1 1 1.0 t\n",
     "qrels:2: expected 4 fields (qid iter docno rel), found 3"},
    {"BeirQrelsWithTwoFields", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\n",
     "q1 Q0 d1 1 1.0 t\n", "qrels:3: expected 3 tab-separated fields"},
    {"EmptyQrels", "# nothing\n", "q1 Q0 d1 1 1.0 t\n", "qrels: no relevance judgements"},
    {"NoQueryInCommon", "q1 0 d1 1\n", "q2 Q0 d1 1 1.0 t\n",
     "no query of the run has relevance judgements"},
};

void PrintTo(const ErrorCase& error, std::ostream* out) { *out << error.name; }

class InputErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(InputErrorTest, ReportsFileAndLine) {
  const ErrorCase& error = GetParam();
  try {
    evaluate(parse_qrels(error.qrels, "qrels"), parse_run(error.run, "run"), {});
    FAIL() << "no error raised";
  } catch (const EvaluationInputError& raised) {
    EXPECT_NE(std::string(raised.what()).find(error.message), std::string::npos)
        << "message: " << raised.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Table, InputErrorTest, ::testing::ValuesIn(kErrorCases),
                         [](const ::testing::TestParamInfo<ErrorCase>& info) {
                           return info.param.name;
                         });

// --- parsing ----------------------------------------------------------------------------------

TEST(QrelsParsing, DetectsBeirTsvWithOrWithoutHeader) {
  for (const char* text :
       {"query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td 2\t0\r\n", "q1\td1\t2\nq1\td 2\t0\r\n"}) {
    Qrels qrels = parse_qrels(text, "qrels.tsv");
    ASSERT_EQ(qrels.size(), 1u) << text;
    EXPECT_EQ(qrels["q1"].at("d1"), 2);
    EXPECT_EQ(qrels["q1"].at("d 2"), 0);  // TSV fields may hold spaces
  }
}

TEST(QrelsParsing, ReadsTrecQrelsWithTabsOrSpaces) {
  Qrels qrels = parse_qrels("q1\t0\td1\t1\nq2  Q0 d2   -1\r\n\n# comment\n", "qrels");
  ASSERT_EQ(qrels.size(), 2u);
  EXPECT_EQ(qrels["q1"].at("d1"), 1);
  EXPECT_EQ(qrels["q2"].at("d2"), -1);
}

TEST(RunParsing, KeepsFileOrderAndIgnoresExtraFields) {
  TrecRun run =
      parse_run("q1 Q0 d1 1 1.5 tag extra\nq2 Q0 d1 1 -2e-1 tag\nq1 Q0 d2 2 +3 tag\n", "run");
  ASSERT_EQ(run.size(), 2u);
  ASSERT_EQ(run["q1"].size(), 2u);
  EXPECT_EQ(run["q1"][0].docno, "d1");
  EXPECT_DOUBLE_EQ(run["q1"][0].score, 1.5);
  EXPECT_DOUBLE_EQ(run["q1"][1].score, 3.0);
  EXPECT_DOUBLE_EQ(run["q2"][0].score, -0.2);
}

TEST(FileReading, ReadsGzippedAndPlainFiles) {
  testing::TempDir dir;
  write_gzipped(dir.path() / "run.gz", "q1 Q0 d1 1 1.0 t\nq1 Q0 d2 2 0.5 t\n");
  testing::write_file(dir.path() / "qrels.txt", "q1 0 d2 1\n");
  TrecRun run = read_run(dir.path() / "run.gz");
  ASSERT_EQ(run["q1"].size(), 2u);
  EvaluationResult result = evaluate(read_qrels(dir.path() / "qrels.txt"), run, {});
  EXPECT_DOUBLE_EQ(value_of(result, "recip_rank", "q1"), 0.5);
}

TEST(FileReading, MissingFileNamesThePath) {
  testing::TempDir dir;
  try {
    read_run(dir.path() / "absent.run");
    FAIL() << "no error raised";
  } catch (const EvaluationInputError& error) {
    EXPECT_NE(std::string(error.what()).find("absent.run: cannot open"), std::string::npos)
        << error.what();
  }
  EXPECT_THROW(read_qrels(dir.path()), EvaluationInputError);
}

TEST(FileReading, ErrorsNameTheFile) {
  testing::TempDir dir;
  testing::write_file(dir.path() / "bad.run", "q1 Q0 d1 1 1.0 t\nq1 Q0 d1 2 0.5 t\n");
  try {
    read_run(dir.path() / "bad.run");
    FAIL() << "no error raised";
  } catch (const EvaluationInputError& error) {
    EXPECT_EQ(std::string(error.what()).rfind((dir.path() / "bad.run").string() + ":2: ", 0), 0u)
        << error.what();
  }
}

// --- measure selection and output ------------------------------------------------------------

std::vector<std::string> column_names(const MeasureSelection& selection) {
  std::vector<std::string> names;
  for (const auto& column : selection.columns()) names.push_back(column.name);
  return names;
}

TEST(MeasureSelection, UsesTrecEvalSyntaxAndOrder) {
  MeasureSelection selection;
  for (const char* spec : {"ndcg_cut.10", "P.10,5", "map", "P_20", "recip_rank_cut", "num_q"})
    selection.add(spec);
  EXPECT_EQ(column_names(selection),
            (std::vector<std::string>{"num_q", "map", "recip_rank_cut_10", "P_5", "P_10", "P_20",
                                      "ndcg_cut_10"}));
}

TEST(MeasureSelection, BareCutoffMeasureTakesTrecEvalDefaults) {
  MeasureSelection selection;
  selection.add("recall");
  EXPECT_EQ(
      column_names(selection),
      (std::vector<std::string>{"recall_5", "recall_10", "recall_15", "recall_20", "recall_30",
                                "recall_100", "recall_200", "recall_500", "recall_1000"}));
}

TEST(MeasureSelection, DefaultsCoverTheReferenceMeasures) {
  auto names = column_names(MeasureSelection::defaults());
  std::set<std::string> present(names.begin(), names.end());
  for (const char* name :
       {"num_q",        "num_ret",           "num_rel",    "num_rel_ret", "map",
        "recip_rank",   "recip_rank_cut_10", "P_3",        "P_5",         "P_10",
        "P_1000",       "recall_3",          "recall_10",  "recall_100",  "recall_1000",
        "ndcg",         "ndcg_cut_1",        "ndcg_cut_3", "ndcg_cut_5",  "ndcg_cut_10",
        "ndcg_cut_100", "ndcg_cut_1000"})
    EXPECT_TRUE(present.count(name)) << name;
}

TEST(MeasureSelection, RejectsUnknownMeasuresAndBadCutoffs) {
  MeasureSelection selection;
  for (const char* spec : {"mrr", "P.0", "P.", "P.5,", "P.x", "map.5", "ndcg_10", "P_", "P_-1"})
    EXPECT_THROW(selection.add(spec), std::invalid_argument) << spec;
}

TEST(Output, TrecFormatIsTrecEvalLayout) {
  EvaluationOptions options;
  options.measures = MeasureSelection();
  for (const char* spec : {"num_q", "num_ret", "map", "P.5"}) options.measures.add(spec);
  EvaluationResult result =
      evaluate(parse_qrels("q1 0 d1 1\n", "qrels"), parse_run("q1 Q0 d1 1 1 t\n", "run"), options);
  EXPECT_EQ(format_trec(result, true),
            "num_ret               \tq1\t1\n"
            "map                   \tq1\t1.0000\n"
            "P_5                   \tq1\t0.2000\n"
            "num_q                 \tall\t1\n"
            "num_ret               \tall\t1\n"
            "map                   \tall\t1.0000\n"
            "P_5                   \tall\t0.2000\n");
  EXPECT_EQ(format_trec(result, false),
            "num_q                 \tall\t1\n"
            "num_ret               \tall\t1\n"
            "map                   \tall\t1.0000\n"
            "P_5                   \tall\t0.2000\n");
}

TEST(Output, JsonHoldsOptionsAggregatesAndQueries) {
  EvaluationResult result = evaluate(parse_qrels("q1 0 d1 1\nq2 0 d1 1\n", "qrels"),
                                     parse_run("q1 Q0 d1 1 1 t\n", "run"), {});
  auto json = nlohmann::json::parse(format_json(result, true));
  EXPECT_EQ(json["options"]["complete"], true);
  EXPECT_EQ(json["options"]["relevance_level"], 1);
  EXPECT_EQ(json["num_q"], 2);
  EXPECT_EQ(json["qrels_queries_without_run"], 1);
  EXPECT_TRUE(json["all"]["num_rel"].is_number_integer());
  EXPECT_EQ(json["all"]["num_rel"], 2);
  EXPECT_DOUBLE_EQ(json["all"]["map"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(json["per_query"]["q1"]["recip_rank_cut_10"].get<double>(), 1.0);
  EXPECT_FALSE(json["per_query"]["q1"].contains("num_q"));
  EXPECT_FALSE(json["per_query"].contains("q2"));
  EXPECT_FALSE(nlohmann::json::parse(format_json(result, false)).contains("per_query"));
}

// --- the command-line program ----------------------------------------------------------------

std::string evaluate_program() {
  if (const char* path = std::getenv("POLSEARCH_EVALUATE")) return path;  // a hand-built one
  return std::string(POLSEARCH_BINARY_DIR) + "/bench/evaluate";
}

#define REQUIRE_EVALUATE_PROGRAM()                                           \
  do {                                                                       \
    if (!fs::exists(evaluate_program()))                                     \
      GTEST_SKIP() << evaluate_program() << " not built; skipping CLI test"; \
  } while (0)

TEST(EvaluateProgram, ReproducesSyntheticReference) {
  REQUIRE_SHARED("eval/trec_eval_reference");
  REQUIRE_EVALUATE_PROGRAM();
  const fs::path reference = testing::shared_dir() / "eval" / kReference;
  std::vector<std::string> argv = {evaluate_program(), "-q"};
  for (const auto& spec : kSyntheticMeasures) {
    argv.push_back("-m");
    argv.push_back(spec);
  }
  argv.push_back((reference / "synthetic.qrels").string());
  argv.push_back((reference / "synthetic.run").string());
  auto with_c = testing::run_command(argv);
  EXPECT_EQ(with_c.exit_status, 0) << with_c.err;
  EXPECT_EQ(with_c.out, testing::read_file(reference / "synthetic.trec_eval.c.txt"));
  argv.insert(argv.begin() + 1, "--no-c");
  auto without_c = testing::run_command(argv);
  EXPECT_EQ(without_c.exit_status, 0) << without_c.err;
  EXPECT_EQ(without_c.out, testing::read_file(reference / "synthetic.trec_eval.noc.txt"));
}

TEST(EvaluateProgram, ExitStatuses) {
  REQUIRE_EVALUATE_PROGRAM();
  testing::TempDir dir;
  const std::string qrels = (dir.path() / "qrels").string(), run = (dir.path() / "run").string();
  testing::write_file(qrels, "q1 0 d1 1\n");
  testing::write_file(run, "q1 Q0 d1 1 1.0 t\nq1 Q0 d1 2 0.5 t\n");

  auto duplicate = testing::run_command({evaluate_program(), qrels, run});
  EXPECT_EQ(duplicate.exit_status, 2);
  EXPECT_NE(duplicate.err.find(run + ":2: document 'd1' retrieved twice"), std::string::npos)
      << duplicate.err;

  auto missing = testing::run_command({evaluate_program(), qrels, run + ".absent"});
  EXPECT_EQ(missing.exit_status, 2);
  EXPECT_NE(missing.err.find(run + ".absent: cannot open"), std::string::npos) << missing.err;

  testing::write_file(run, "q1 Q0 d1 1 1.0 t\n");
  auto json =
      testing::run_command({evaluate_program(), "--format", "json", "-m", "map", qrels, run});
  EXPECT_EQ(json.exit_status, 0) << json.err;
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(json.out)["all"]["map"].get<double>(), 1.0);

  // Usage errors share status 2 with input errors (src/model/exit_status.h: kExitUsage).
  auto unknown = testing::run_command({evaluate_program(), "-m", "mrr", qrels, run});
  EXPECT_EQ(unknown.exit_status, 2);
  EXPECT_NE(unknown.err.find("unknown measure 'mrr'"), std::string::npos) << unknown.err;
  EXPECT_EQ(testing::run_command({evaluate_program(), "--format", "xml", qrels, run}).exit_status,
            2);
  EXPECT_EQ(testing::run_command({evaluate_program(), "-l", "-1", qrels, run}).exit_status, 2);
  EXPECT_EQ(testing::run_command({evaluate_program(), qrels}).exit_status, 2);
  auto help = testing::run_command({evaluate_program(), "--help"});
  EXPECT_EQ(help.exit_status, 0);
  EXPECT_NE(help.out.find("Exit status"), std::string::npos);
}

}  // namespace
}  // namespace polsearch
