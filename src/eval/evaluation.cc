#include "evaluation.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

namespace polsearch {
namespace {

// trec_eval's relevance values for retrieved documents that are not judged.
constexpr int kNotInQrels = -1;      // RELVALUE_NONPOOL
constexpr int kPooledUnjudged = -2;  // RELVALUE_UNJUDGED: qrels value < 0

struct FamilyInfo {
  MeasureFamily family;
  const char* name;
  bool has_cutoffs;
  bool is_count;
};

constexpr FamilyInfo kFamilies[] = {
    {MeasureFamily::kNumQ, "num_q", false, true},
    {MeasureFamily::kNumRet, "num_ret", false, true},
    {MeasureFamily::kNumRel, "num_rel", false, true},
    {MeasureFamily::kNumRelRet, "num_rel_ret", false, true},
    {MeasureFamily::kMap, "map", false, false},
    {MeasureFamily::kRecipRank, "recip_rank", false, false},
    {MeasureFamily::kRecipRankCut, "recip_rank_cut", true, false},
    {MeasureFamily::kP, "P", true, false},
    {MeasureFamily::kRecall, "recall", true, false},
    {MeasureFamily::kNdcg, "ndcg", false, false},
    {MeasureFamily::kNdcgCut, "ndcg_cut", true, false},
};

const FamilyInfo& family_info(MeasureFamily family) {
  for (const auto& info : kFamilies)
    if (info.family == family) return info;
  throw std::logic_error("unknown measure family");
}

const std::set<long> kTrecEvalDefaultCutoffs = {5, 10, 15, 20, 30, 100, 200, 500, 1000};
const std::set<long> kDefaultMrrCutoffs = {10};

std::string known_measures() {
  std::string list;
  for (const auto& info : kFamilies) {
    if (!list.empty()) list += ", ";
    list += info.name;
  }
  return list;
}

long parse_cutoff(std::string_view text, std::string_view spec) {
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value <= 0)
    throw std::invalid_argument("measure '" + std::string(spec) + "': cut-off '" +
                                std::string(text) + "' is not a positive integer");
  return value;
}

// --- reading input -------------------------------------------------------------------------

std::string read_possibly_gzipped(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw EvaluationInputError(path.string() + ": is a directory");
  errno = 0;
  gzFile file = gzopen(path.c_str(), "rb");  // reads plain files unchanged too
  if (file == nullptr) {
    std::string reason = errno != 0 ? std::strerror(errno) : "cannot allocate zlib state";
    throw EvaluationInputError(path.string() + ": cannot open: " + reason);
  }
  gzbuffer(file, 1 << 17);
  std::string content;
  std::vector<char> buffer(1 << 17);
  for (;;) {
    int n = gzread(file, buffer.data(), static_cast<unsigned>(buffer.size()));
    if (n > 0) content.append(buffer.data(), static_cast<size_t>(n));
    int status = Z_OK;
    const char* message = gzerror(file, &status);
    // Z_BUF_ERROR here means a truncated gzip stream.
    if (n < 0 || (status != Z_OK && status != Z_STREAM_END)) {
      std::string reason = status == Z_ERRNO ? std::strerror(errno) : message;
      // zlib's message already starts with the path.
      if (std::string prefix = path.string() + ": "; reason.rfind(prefix, 0) == 0)
        reason.erase(0, prefix.size());
      gzclose(file);
      throw EvaluationInputError(path.string() + ": cannot read: " + reason);
    }
    if (n == 0) break;
  }
  gzclose(file);
  return content;
}

// Calls visit(line_number, line) for every line that is not blank or a '#' comment.
template <typename Visitor>
void for_each_content_line(std::string_view text, Visitor&& visit) {
  long line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t\v\f");
    if (first == std::string_view::npos || line[first] == '#') continue;
    visit(line_number, line);
  }
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }

// Splits on runs of white space; stops after max_fields + 1 fields (enough to tell "too many").
std::vector<std::string_view> split_whitespace(std::string_view line, size_t max_fields) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size() && fields.size() <= max_fields) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i == line.size()) break;
    size_t begin = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    fields.push_back(line.substr(begin, i - begin));
  }
  return fields;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (;;) {
    size_t tab = line.find('\t', start);
    fields.push_back(trim(line.substr(start, tab == std::string_view::npos ? tab : tab - start)));
    if (tab == std::string_view::npos) return fields;
    start = tab + 1;
  }
}

std::string_view without_plus(std::string_view text) {
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
  return text;
}

bool parse_int(std::string_view text, int& value) {
  text = without_plus(text);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

bool parse_finite_double(std::string_view text, double& value) {
  text = without_plus(text);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size() &&
         std::isfinite(value);
}

std::string where(const std::string& source, long line) {
  return source + ":" + std::to_string(line) + ": ";
}

// --- ranking and measures -------------------------------------------------------------------

// One query as trec_eval's form_res_rels sees it.
struct RankedQuery {
  std::vector<int> rels;         // relevance value of each retrieved doc, in rank order
  long num_rel = 0;              // R: judgements with rel >= level
  std::vector<int> ideal_gains;  // the positive judgements, descending
};

RankedQuery rank_query(const std::unordered_map<std::string, int>& judgements,
                       const std::vector<RunEntry>& entries, int relevance_level) {
  // trec_eval stores the score in a C float, so scores equal as floats tie.
  std::vector<std::pair<float, const std::string*>> order;
  order.reserve(entries.size());
  for (const auto& entry : entries)
    order.emplace_back(static_cast<float>(entry.score), &entry.docno);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return std::strcmp(a.second->c_str(), b.second->c_str()) > 0;  // trec_eval: docno descending
  });

  RankedQuery query;
  query.rels.reserve(order.size());
  for (const auto& [score, docno] : order) {
    auto found = judgements.find(*docno);
    if (found == judgements.end())
      query.rels.push_back(kNotInQrels);
    else
      query.rels.push_back(found->second < 0 ? kPooledUnjudged : found->second);
  }
  for (const auto& [docno, rel] : judgements) {
    if (rel >= 0 && rel >= relevance_level) ++query.num_rel;
    if (rel > 0) query.ideal_gains.push_back(rel);
  }
  std::sort(query.ideal_gains.begin(), query.ideal_gains.end(), std::greater<>());
  return query;
}

// Discounted cumulative gain of the first i gains, for every i (summed in rank order, as
// trec_eval does, so the rounding matches too).
template <typename GainOf>
std::vector<double> dcg_prefix(size_t count, GainOf gain_of) {
  std::vector<double> prefix(count + 1, 0.0);
  double sum = 0.0;
  for (size_t i = 0; i < count; ++i) {
    double gain = gain_of(i);
    if (gain > 0) sum += gain / std::log2(static_cast<double>(i + 2));
    prefix[i + 1] = sum;
  }
  return prefix;
}

// What every measure of one query is computed from: one pass over the ranking.
struct RankingCounts {
  size_t num_ret = 0;
  std::vector<long> relevant_prefix;  // relevant docs among the first i
  double precision_sum = 0.0;
  long first_relevant = -1;
  std::vector<double> dcg, ideal_dcg;  // empty unless an nDCG measure is asked for

  long num_rel_ret() const { return relevant_prefix[num_ret]; }
  size_t top(long k) const { return std::min(static_cast<size_t>(k), num_ret); }
};

RankingCounts count_ranking(const RankedQuery& query, const std::vector<MeasureColumn>& columns,
                            int relevance_level) {
  RankingCounts c;
  c.num_ret = query.rels.size();
  c.relevant_prefix.assign(c.num_ret + 1, 0);
  for (size_t i = 0; i < c.num_ret; ++i) {
    bool relevant = query.rels[i] >= relevance_level;
    c.relevant_prefix[i + 1] = c.relevant_prefix[i] + (relevant ? 1 : 0);
    if (relevant) {
      c.precision_sum += static_cast<double>(c.relevant_prefix[i + 1]) / static_cast<double>(i + 1);
      if (c.first_relevant < 0) c.first_relevant = static_cast<long>(i);
    }
  }
  bool needs_dcg = std::any_of(columns.begin(), columns.end(), [](const MeasureColumn& m) {
    return m.family == MeasureFamily::kNdcg || m.family == MeasureFamily::kNdcgCut;
  });
  if (needs_dcg) {
    c.dcg = dcg_prefix(c.num_ret, [&](size_t i) { return query.rels[i] > 0 ? query.rels[i] : 0; });
    c.ideal_dcg =
        dcg_prefix(query.ideal_gains.size(), [&](size_t i) { return query.ideal_gains[i]; });
  }
  return c;
}

double measure_value(const MeasureColumn& column, const RankedQuery& query,
                     const RankingCounts& c) {
  const auto num_rel = static_cast<double>(query.num_rel);
  switch (column.family) {
    case MeasureFamily::kNumQ:
      return 1;
    case MeasureFamily::kNumRet:
      return static_cast<double>(c.num_ret);
    case MeasureFamily::kNumRel:
      return num_rel;
    case MeasureFamily::kNumRelRet:
      return static_cast<double>(c.num_rel_ret());
    case MeasureFamily::kMap:
      return c.num_rel_ret() > 0 ? c.precision_sum / num_rel : 0.0;
    case MeasureFamily::kRecipRank:
      return c.first_relevant >= 0 ? 1.0 / static_cast<double>(c.first_relevant + 1) : 0.0;
    case MeasureFamily::kRecipRankCut:
      return c.first_relevant >= 0 && c.first_relevant < column.cutoff
                 ? 1.0 / static_cast<double>(c.first_relevant + 1)
                 : 0.0;
    case MeasureFamily::kP:
      return static_cast<double>(c.relevant_prefix[c.top(column.cutoff)]) /
             static_cast<double>(column.cutoff);
    case MeasureFamily::kRecall:
      return query.num_rel > 0
                 ? static_cast<double>(c.relevant_prefix[c.top(column.cutoff)]) / num_rel
                 : 0.0;
    case MeasureFamily::kNdcg:
      return c.ideal_dcg.back() > 0.0 ? c.dcg.back() / c.ideal_dcg.back() : 0.0;
    case MeasureFamily::kNdcgCut: {
      double ideal =
          c.ideal_dcg[std::min(static_cast<size_t>(column.cutoff), c.ideal_dcg.size() - 1)];
      return ideal > 0.0 ? c.dcg[c.top(column.cutoff)] / ideal : 0.0;
    }
  }
  return 0.0;
}

std::vector<double> score_query(const RankedQuery& query, const std::vector<MeasureColumn>& columns,
                                int relevance_level) {
  const RankingCounts counts = count_ranking(query, columns, relevance_level);
  std::vector<double> values;
  values.reserve(columns.size());
  for (const auto& column : columns) values.push_back(measure_value(column, query, counts));
  return values;
}

}  // namespace

// --- parsing ----------------------------------------------------------------------------------

Qrels parse_qrels(std::string_view text, const std::string& source) {
  enum class Format { kUnknown, kTrec, kBeirTsv } format = Format::kUnknown;
  Qrels qrels;
  std::map<std::string, std::unordered_map<std::string, long>> judged_on_line;
  for_each_content_line(text, [&](long line_number, std::string_view line) {
    std::string_view qid, docno, rel_text;
    bool detecting = format == Format::kUnknown;
    if (detecting) format = split_tabs(line).size() == 3 ? Format::kBeirTsv : Format::kTrec;
    if (format == Format::kBeirTsv) {
      auto fields = split_tabs(line);
      if (fields.size() != 3 || fields[0].empty() || fields[1].empty())
        throw EvaluationInputError(where(source, line_number) +
                                   "expected 3 tab-separated fields (query-id, corpus-id, "
                                   "score), found " +
                                   std::to_string(fields.size()));
      int ignored = 0;
      if (detecting && !parse_int(fields[2], ignored)) return;  // the header line
      qid = fields[0];
      docno = fields[1];
      rel_text = fields[2];
    } else {
      auto fields = split_whitespace(line, 4);
      if (fields.size() != 4)
        throw EvaluationInputError(where(source, line_number) +
                                   "expected 4 fields (qid iter docno rel), found " +
                                   (fields.size() > 4 ? "more" : std::to_string(fields.size())));
      qid = fields[0];
      docno = fields[2];
      rel_text = fields[3];
    }
    int rel = 0;
    if (!parse_int(rel_text, rel))
      throw EvaluationInputError(where(source, line_number) + "relevance '" +
                                 std::string(rel_text) + "' is not an integer");
    std::string qid_string(qid);
    auto [first, inserted] =
        judged_on_line[qid_string].try_emplace(std::string(docno), line_number);
    if (!inserted)
      throw EvaluationInputError(where(source, line_number) + "document '" + std::string(docno) +
                                 "' judged twice for query '" + qid_string + "' (first on line " +
                                 std::to_string(first->second) + ")");
    qrels[qid_string].emplace(std::string(docno), rel);
  });
  if (qrels.empty()) throw EvaluationInputError(source + ": no relevance judgements");
  return qrels;
}

Qrels read_qrels(const std::filesystem::path& path) {
  return parse_qrels(read_possibly_gzipped(path), path.string());
}

TrecRun parse_run(std::string_view text, const std::string& source) {
  TrecRun run;
  std::map<std::string, std::vector<long>> lines_by_query;  // source line of each entry
  std::string current_qid;
  std::vector<RunEntry>* current = nullptr;
  std::vector<long>* current_lines = nullptr;
  for_each_content_line(text, [&](long line_number, std::string_view line) {
    auto fields = split_whitespace(line, 6);
    if (fields.size() < 6)
      throw EvaluationInputError(where(source, line_number) +
                                 "expected 6 fields (qid iter docno rank score tag), found " +
                                 std::to_string(fields.size()));
    double score = 0;
    if (!parse_finite_double(fields[4], score))
      throw EvaluationInputError(where(source, line_number) + "score '" + std::string(fields[4]) +
                                 "' is not a finite number");
    // Runs come grouped by query, so the lookup is usually skipped.
    if (current == nullptr || fields[0] != current_qid) {
      current_qid = std::string(fields[0]);
      current = &run[current_qid];
      current_lines = &lines_by_query[current_qid];
    }
    current->push_back(RunEntry{std::string(fields[2]), score});
    current_lines->push_back(line_number);
  });

  // Report the duplicate whose second occurrence comes first in the file.
  long duplicate_line = std::numeric_limits<long>::max(), original_line = 0;
  std::string duplicate_qid, duplicate_docno;
  for (const auto& [qid, entries] : run) {
    const auto& lines = lines_by_query[qid];
    std::vector<size_t> order(entries.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    // An init-capture: clang before 16 cannot capture a structured binding.
    std::sort(order.begin(), order.end(), [&entries = entries](size_t a, size_t b) {
      int cmp = entries[a].docno.compare(entries[b].docno);
      return cmp != 0 ? cmp < 0 : a < b;
    });
    for (size_t i = 1; i < order.size(); ++i) {
      if (entries[order[i]].docno != entries[order[i - 1]].docno) continue;
      if (lines[order[i]] < duplicate_line) {
        duplicate_line = lines[order[i]];
        original_line = lines[order[i - 1]];
        duplicate_qid = qid;
        duplicate_docno = entries[order[i]].docno;
      }
    }
  }
  if (duplicate_line != std::numeric_limits<long>::max())
    throw EvaluationInputError(where(source, duplicate_line) + "document '" + duplicate_docno +
                               "' retrieved twice for query '" + duplicate_qid +
                               "' (first on line " + std::to_string(original_line) + ")");
  return run;
}

TrecRun read_run(const std::filesystem::path& path) {
  return parse_run(read_possibly_gzipped(path), path.string());
}

// --- measure selection -----------------------------------------------------------------------

void MeasureSelection::add(std::string_view spec) {
  std::string_view name = spec, params;
  bool has_params = false;
  if (auto dot = spec.find('.'); dot != std::string_view::npos) {
    name = spec.substr(0, dot);
    params = spec.substr(dot + 1);
    has_params = true;
  }
  for (const auto& info : kFamilies) {
    if (name != info.name) continue;
    auto& cutoffs = cutoffs_[info.family];
    if (has_params) {
      if (!info.has_cutoffs)
        throw std::invalid_argument("measure '" + std::string(name) + "' takes no cut-offs");
      size_t start = 0;
      for (;;) {
        size_t comma = params.find(',', start);
        cutoffs.insert(parse_cutoff(
            params.substr(start, comma == std::string_view::npos ? comma : comma - start), spec));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
    } else if (info.has_cutoffs) {
      const auto& defaults = info.family == MeasureFamily::kRecipRankCut ? kDefaultMrrCutoffs
                                                                         : kTrecEvalDefaultCutoffs;
      cutoffs.insert(defaults.begin(), defaults.end());
    }
    return;
  }
  // A printed name such as "P_10" or "ndcg_cut_10".
  if (!has_params) {
    for (const auto& info : kFamilies) {
      std::string prefix = std::string(info.name) + "_";
      if (!info.has_cutoffs || spec.substr(0, prefix.size()) != prefix) continue;
      cutoffs_[info.family].insert(parse_cutoff(spec.substr(prefix.size()), spec));
      return;
    }
  }
  throw std::invalid_argument("unknown measure '" + std::string(spec) +
                              "' (known: " + known_measures() + ")");
}

MeasureSelection MeasureSelection::defaults() {
  MeasureSelection selection;
  for (const char* spec :
       {"num_q", "num_ret", "num_rel", "num_rel_ret", "map", "recip_rank", "recip_rank_cut", "P",
        "P.1,3", "recall", "recall.1,3", "ndcg", "ndcg_cut", "ndcg_cut.1,3"})
    selection.add(spec);
  return selection;
}

std::vector<MeasureColumn> MeasureSelection::columns() const {
  std::vector<MeasureColumn> columns;
  for (const auto& [family, cutoffs] : cutoffs_) {
    const auto& info = family_info(family);
    if (!info.has_cutoffs) {
      columns.push_back(MeasureColumn{family, 0, info.name, info.is_count});
      continue;
    }
    for (long cutoff : cutoffs)
      columns.push_back(MeasureColumn{
          family, cutoff, std::string(info.name) + "_" + std::to_string(cutoff), info.is_count});
  }
  return columns;
}

// --- evaluation ------------------------------------------------------------------------------

EvaluationResult evaluate(const Qrels& qrels, const TrecRun& run,
                          const EvaluationOptions& options) {
  if (options.relevance_level < 0) throw std::invalid_argument("relevance level must be >= 0");
  if (options.measures.empty()) throw std::invalid_argument("no measure selected");

  EvaluationResult result;
  result.columns = options.measures.columns();
  result.relevance_level = options.relevance_level;
  result.complete = options.complete;
  result.all.assign(result.columns.size(), 0.0);
  for (const auto& [qid, entries] : run)
    if (!qrels.count(qid)) ++result.run_queries_without_qrels;

  const std::vector<RunEntry> nothing_retrieved;
  // qid order, like trec_eval, so the sums round the same way.
  for (const auto& [qid, judgements] : qrels) {
    auto retrieved = run.find(qid);
    bool in_run = retrieved != run.end();
    if (!in_run) {
      ++result.qrels_queries_without_run;
      if (!options.complete) continue;
    }
    RankedQuery ranked = rank_query(judgements, in_run ? retrieved->second : nothing_retrieved,
                                    options.relevance_level);
    std::vector<double> values = score_query(ranked, result.columns, options.relevance_level);
    for (size_t i = 0; i < values.size(); ++i) result.all[i] += values[i];
    ++result.num_q;
    if (in_run) result.per_query.push_back(QueryScores{qid, std::move(values)});
  }
  if (result.per_query.empty())
    throw EvaluationInputError("no query of the run has relevance judgements (" +
                               std::to_string(run.size()) + " run queries, " +
                               std::to_string(qrels.size()) + " qrels queries)");

  for (size_t i = 0; i < result.columns.size(); ++i) {
    const auto& column = result.columns[i];
    if (column.family == MeasureFamily::kNumQ)
      result.all[i] = static_cast<double>(result.num_q);
    else if (!column.is_count)
      result.all[i] /= static_cast<double>(result.num_q);
  }
  return result;
}

// --- output ----------------------------------------------------------------------------------

namespace {

void append_trec_line(std::string& out, const MeasureColumn& column, const std::string& qid,
                      double value) {
  char number[64];
  if (column.is_count)
    std::snprintf(number, sizeof number, "%ld", static_cast<long>(std::llround(value)));
  else
    std::snprintf(number, sizeof number, "%6.4f", value);
  // trec_eval's "%-22s\t%s\t..." layout.
  out += column.name;
  if (column.name.size() < 22) out.append(22 - column.name.size(), ' ');
  out += '\t';
  out += qid;
  out += '\t';
  out += number;
  out += '\n';
}

nlohmann::ordered_json value_json(const MeasureColumn& column, double value) {
  if (column.is_count) return static_cast<long>(std::llround(value));
  return value;
}

}  // namespace

std::string format_trec(const EvaluationResult& result, bool per_query) {
  std::string out;
  if (per_query) {
    for (const auto& query : result.per_query)
      for (size_t i = 0; i < result.columns.size(); ++i)
        if (result.columns[i].family != MeasureFamily::kNumQ)
          append_trec_line(out, result.columns[i], query.qid, query.values[i]);
  }
  for (size_t i = 0; i < result.columns.size(); ++i)
    append_trec_line(out, result.columns[i], "all", result.all[i]);
  return out;
}

std::string format_json(const EvaluationResult& result, bool per_query) {
  nlohmann::ordered_json json;
  json["options"] = {{"relevance_level", result.relevance_level}, {"complete", result.complete}};
  json["num_q"] = result.num_q;
  json["run_queries_without_qrels"] = result.run_queries_without_qrels;
  json["qrels_queries_without_run"] = result.qrels_queries_without_run;
  auto& measures = json["measures"] = nlohmann::ordered_json::array();
  for (const auto& column : result.columns) measures.push_back(column.name);
  auto& all = json["all"] = nlohmann::ordered_json::object();
  for (size_t i = 0; i < result.columns.size(); ++i)
    all[result.columns[i].name] = value_json(result.columns[i], result.all[i]);
  if (per_query) {
    auto& queries = json["per_query"] = nlohmann::ordered_json::object();
    for (const auto& query : result.per_query) {
      auto& scores = queries[query.qid] = nlohmann::ordered_json::object();
      for (size_t i = 0; i < result.columns.size(); ++i)
        if (result.columns[i].family != MeasureFamily::kNumQ)
          scores[result.columns[i].name] = value_json(result.columns[i], query.values[i]);
    }
  }
  return json.dump(2) + "\n";
}

}  // namespace polsearch
