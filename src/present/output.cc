#include "output.h"

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <sstream>

#include "plural.h"

namespace polsearch {

uint64_t code_point_offset(std::string_view text, size_t byte_offset) {
  return count_code_points(text.substr(0, std::min(byte_offset, text.size())));
}

namespace {

std::string field_or(const nlohmann::json& meta, const char* key, const char* fallback = "") {
  auto it = meta.find(key);
  if (it != meta.end() && it->is_string()) return it->get<std::string>();
  return fallback;
}

double rounded(double value, double scale) { return std::round(value * scale) / scale; }

// Prints `text` with every line after the first indented by `indent` (blank lines stay
// blank, without trailing spaces).
void print_indented(std::ostream& out, std::string_view text, const std::string& indent) {
  bool line_start = false;
  for (char c : text) {
    if (line_start && c != '\n') out << indent;
    out << c;
    line_start = c == '\n';
  }
}

// The field a hit's heading shows (the statement id when it has none); the other stored
// fields but the language form the line below it.
constexpr const char* kHeadingField = "title";

// Every stored field of the schema under its own name (null when the statement has no
// value), without overriding a key of the hit's own.
void add_stored_fields(nlohmann::json& j, const nlohmann::json& metadata,
                       const std::vector<ShownField>& fields) {
  for (const ShownField& f : fields)
    if (!j.contains(f.name)) j[f.name] = metadata.contains(f.name) ? metadata[f.name] : nullptr;
}

}  // namespace

nlohmann::json hit_to_json(const Hit& hit, const std::vector<ShownField>& fields,
                           const std::string& qid) {
  nlohmann::json j;
  j["type"] = "hit";
  if (!qid.empty()) j["qid"] = qid;
  j["rank"] = hit.rank;
  j["score"] = std::round(hit.score * 10000) / 10000;
  j["all_terms"] = hit.all_terms;
  j["doc_id"] = hit.doc_id;
  j["passage"] = hit.passage;
  j["start"] = hit.char_start;
  j["end"] = hit.char_end;
  if (hit.page > 0) j["page"] = hit.page;
  j["text"] = hit.text;
  nlohmann::json spans = nlohmann::json::array();
  for (auto& s : hit.highlights)
    spans.push_back({code_point_offset(hit.text, s.start), code_point_offset(hit.text, s.end)});
  j["highlights"] = spans;
  j["matched"] = hit.matched;
  j["collapsed"] = hit.collapsed;
  if (hit.context) {
    auto passages = [](const std::vector<ContextPassage>& list) {
      nlohmann::json out = nlohmann::json::array();
      for (auto& p : list) out.push_back({{"passage", p.passage}, {"text", p.text}});
      return out;
    };
    j["context"] = {{"before", passages(hit.context->before)},
                    {"after", passages(hit.context->after)}};
  }
  if (hit.explain) {
    nlohmann::json parts = nlohmann::json::array();
    double total = 0;
    for (auto& part : *hit.explain) {
      parts.push_back({{"kind", part.kind},
                       {"term", part.term},
                       {"query", part.query},
                       {"weight", rounded(part.weight, 1e6)}});
      total += part.weight;
    }
    j["explain"] = parts;
    j["total"] = rounded(total, 1e6);  // = score
  }
  add_stored_fields(j, hit.metadata, fields);
  return j;
}

nlohmann::json summary_to_json(const SearchResult& result) {
  nlohmann::json j;
  j["type"] = "summary";
  if (!result.qid.empty()) j["qid"] = result.qid;
  j["query"] = result.query;
  j["parsed"] = result.parsed;
  j["estimated_matches"] = result.estimated_matches;
  j["total"] = counts_to_json(result.counts);
  j["returned"] = result.hits.size();
  j["elapsed_ms"] = std::round(result.elapsed_ms * 1000) / 1000;
  j["notes"] = result.notes;
  if (!result.warnings.empty()) j["warnings"] = result.warnings;
  if (!result.missing_shards.empty()) j["missing_shards"] = result.missing_shards;
  j["sort"] = sort_order_name(result.sort);
  if (result.like) {
    j["like"] = result.like->str();
    j["like_terms"] = result.like_terms;
  }
  if (!result.suggestion.empty()) j["suggestion"] = result.suggestion;
  if (!result.corrected_from.empty()) j["corrected_from"] = result.corrected_from;
  if (!result.facets.empty()) {
    j["facets"] = facets_to_json(result.facets);
    j["facet_sample"] = facet_sample_to_json(result.facet_sample);
  }
  return j;
}

void print_json(std::ostream& out, const SearchResult& result) {
  // Invalid UTF-8 cannot reach here from our index, but never abort on it.
  for (auto& hit : result.hits)
    out << hit_to_json(hit, result.fields, result.qid)
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
        << '\n';
  out << summary_to_json(result).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
      << '\n';
}

void print_trec(std::ostream& out, const SearchResult& result, bool passage_ids,
                const std::string& tag) {
  char score[32];
  for (auto& hit : result.hits) {
    // The shown score falls with rank; a hit of a filter-only query has none, so its
    // rank, negated, keeps trec_eval's order (it sorts by score).
    double value = result.ranked ? hit.score : -static_cast<double>(hit.rank);
    std::snprintf(score, sizeof score, "%.6f", value);
    out << (result.qid.empty() ? "1" : result.qid) << " Q0 " << hit.doc_id;
    if (passage_ids) out << '#' << hit.passage;
    out << ' ' << hit.rank << ' ' << score << ' ' << tag << '\n';
  }
}

std::string marked_text(const Hit& hit, HighlightStyle style) {
  const char* open = style == HighlightStyle::Ansi ? "\x1b[1m" : "**";
  const char* close = style == HighlightStyle::Ansi ? "\x1b[0m" : "**";
  std::string out;
  size_t pos = 0;
  for (auto& s : hit.highlights) {
    out.append(hit.text, pos, s.start - pos);
    out += open;
    out.append(hit.text, s.start, s.end - s.start);
    out += close;
    pos = s.end;
  }
  out.append(hit.text, pos, std::string::npos);
  return out;
}

std::string describe_count(const Count& count, const std::string& noun) {
  std::string nouns = noun + (count.estimate == 1 && count.exact() ? "" : "s");
  if (count.exact()) return std::to_string(count.estimate) + " " + nouns;
  return "about " + std::to_string(count.estimate) + " " + nouns + " (" +
         std::to_string(count.lower) + " to " + std::to_string(count.upper) + ")";
}

nlohmann::json counts_to_json(const MatchCounts& counts) {
  nlohmann::json j;
  j["passages"] = counts.passages.estimate;
  j["statements"] = counts.statements.estimate;
  j["exact"] = counts.exact();
  if (!counts.exact()) {
    j["passages_bounds"] = {counts.passages.lower, counts.passages.upper};
    j["statements_bounds"] = {counts.statements.lower, counts.statements.upper};
  }
  return j;
}

namespace {

// The hit's rank, score and title, its shown fields, and where it sits.
void print_hit_header(std::ostream& out, const SearchResult& result, const Hit& hit) {
  // A filter-only query ranks nothing: its hits show no score.
  std::ostringstream score;
  if (result.ranked)
    score << std::fixed << std::setprecision(3) << hit.score;
  else
    score << "unranked";
  std::string title = field_or(hit.metadata, kHeadingField, hit.doc_id.c_str());
  out << hit.rank << ". [" << score.str() << "] " << title << '\n';
  std::string line = "   ";
  for (const ShownField& f : result.fields) {
    if (f.name == kHeadingField || f.role == FieldRole::Language) continue;
    std::string v = field_or(hit.metadata, f.name.c_str());
    if (v.empty()) continue;
    if (line.size() > 3) line += " | ";
    line += v;
  }
  if (line.size() > 3) out << line << '\n';
  out << "   " << hit.doc_id << " #" << hit.passage;
  if (hit.page > 0) out << ", page " << hit.page;
  if (hit.collapsed)
    out << " (+" << counted(hit.collapsed, "more passage") << " from this statement)";
  out << '\n';
}

// Context passages sit around the hit, indented further and numbered.
void print_context(std::ostream& out, const std::vector<ContextPassage>& passages) {
  for (auto& p : passages) {
    std::string mark = "     #" + std::to_string(p.passage) + ": ";
    out << mark;
    print_indented(out, p.text, std::string(mark.size(), ' '));
    out << '\n';
  }
}

void print_explanation(std::ostream& out, const Hit& hit) {
  std::ostringstream weight;
  weight << std::fixed << std::setprecision(3) << hit.score;
  if (hit.explain->empty())
    out << "   explain: weight " << weight.str() << ", no weighted part (filters only)\n";
  else
    out << "   explain (weight " << weight.str() << " = the sum of):\n";
  for (auto& part : *hit.explain) {
    char line[64];
    std::snprintf(line, sizeof line, "   %12.3f  %-14s ", part.weight, part.kind.c_str());
    out << line << part.term;
    if (!part.query.empty() && part.query != part.term) out << "  (" << part.query << ')';
    out << '\n';
  }
}

void print_hit(std::ostream& out, const SearchResult& result, const Hit& hit,
               HighlightStyle style) {
  print_hit_header(out, result, hit);
  if (hit.context) print_context(out, hit.context->before);
  // Indent every line of the passage under its header.
  out << "   ";
  print_indented(out, marked_text(hit, style), "   ");
  out << '\n';
  if (hit.context) print_context(out, hit.context->after);
  if (!hit.matched.empty()) {
    out << "   matched:";
    for (auto& m : hit.matched) out << ' ' << m;
    if (hit.all_terms) out << " (all words)";
    out << '\n';
  }
  if (hit.explain) print_explanation(out, hit);
  out << '\n';
}

// What the result as a whole says after its hits: like terms, sort, notes, facets, counts.
void print_summary(std::ostream& out, const SearchResult& result) {
  if (result.like) {
    out << "like " << result.like->str() << ':';
    for (auto& term : result.like_terms) out << ' ' << term;
    out << '\n';
  }
  if (result.sort != SortOrder::Relevance)
    out << "sorted by date, " << (result.sort == SortOrder::DateAscending ? "oldest" : "newest")
        << " first (undated last, ties by relevance)\n";
  for (auto& note : result.notes) out << "note: " << note << '\n';
  for (auto& warning : result.warnings) out << "warning: " << warning << '\n';
  if (!result.suggestion.empty()) out << "did you mean: " << result.suggestion << '\n';
  if (!result.corrected_from.empty())
    out << "no matches for: " << result.corrected_from << "; showing results for: " << result.query
        << '\n';
  if (!result.facets.empty() && !result.facet_sample.exact)
    out << "facets counted over the first " << counted(result.facet_sample.passages, "passage")
        << " in result order, not every match (--exact-facets counts all)\n";
  for (auto& facet : result.facets) {
    out << "facet " << facet.field << " (" << counted(facet.total, "passage") << "):";
    for (auto& [value, count] : facet.counts) out << "  " << value << ' ' << count;
    out << '\n';
  }
  out << result.hits.size() << " passage" << (result.hits.size() == 1 ? "" : "s")
      << " shown; matching: " << describe_count(result.counts.passages, "passage") << " in "
      << describe_count(result.counts.statements, "statement") << " (" << std::fixed
      << std::setprecision(1) << result.elapsed_ms << " ms)\n";
}

}  // namespace

void print_text(std::ostream& out, const SearchResult& result, HighlightStyle style) {
  for (auto& hit : result.hits) print_hit(out, result, hit, style);
  print_summary(out, result);
}

nlohmann::json statement_to_json(const StatementView& statement) {
  nlohmann::json j;
  j["type"] = "statement";
  j["doc_id"] = statement.id;
  j["passage_count"] = statement.metadata.value("passages", statement.passages.size());
  nlohmann::json passages = nlohmann::json::array();
  for (auto& p : statement.passages) {
    nlohmann::json passage = {{"passage", p.passage}, {"start", p.char_start}, {"end", p.char_end}};
    if (p.page > 0) passage["page"] = p.page;
    passage["text"] = p.text;
    passages.push_back(std::move(passage));
  }
  j["passages"] = passages;
  add_stored_fields(j, statement.metadata, statement.fields);
  return j;
}

void print_statement_json(std::ostream& out, const StatementView& statement) {
  out << statement_to_json(statement).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
      << '\n';
}

void print_statement_text(std::ostream& out, const StatementView& statement) {
  out << field_or(statement.metadata, kHeadingField, statement.id.c_str()) << '\n';
  out << "   id: " << statement.id << '\n';
  for (const ShownField& f : statement.fields) {
    std::string value = field_or(statement.metadata, f.name.c_str());
    if (f.name != kHeadingField && !value.empty()) out << "   " << f.name << ": " << value << '\n';
  }
  out << "   passages: " << statement.passages.size() << "\n\n";
  for (auto& p : statement.passages) {
    std::string mark = "#";
    mark += std::to_string(p.passage);
    if (p.page > 0) mark += " (page " + std::to_string(p.page) + ")";
    mark += "  ";
    out << mark;
    print_indented(out, p.text, std::string(mark.size(), ' '));
    out << "\n\n";
  }
}

nlohmann::json related_to_json(const std::string& word, const RelatedWordings& related) {
  nlohmann::json j = {{"word", word}, {"key", related.key}, {"passages", related.passages}};
  nlohmann::json list = nlohmann::json::array();
  for (auto& n : related.neighbours)
    list.push_back({{"wording", n.wording},
                    {"similarity", std::round(n.similarity * 10000) / 10000},
                    {"passages", n.passages}});
  j["neighbours"] = list;
  j["training"] = related.training;
  return j;
}

void print_related_json(std::ostream& out, const std::string& word,
                        const RelatedWordings& related) {
  out << related_to_json(word, related).dump() << '\n';
}

void print_related_text(std::ostream& out, const std::string& word,
                        const RelatedWordings& related) {
  out << "wordings learned near '" << word << "' (" << related.passages << " passages";
  if (related.training.contains("trained") && related.training.contains("passages"))
    out << "; learned " << related.training["trained"].get<std::string>() << " from "
        << related.training["passages"].dump() << " passages";
  out << "):\n";
  out << "  similarity  passages  wording\n";
  char line[64];
  for (auto& n : related.neighbours) {
    std::snprintf(line, sizeof line, "  %10.2f  %8llu  ", n.similarity,
                  static_cast<unsigned long long>(n.passages));
    out << line << n.wording << '\n';
  }
}

}  // namespace polsearch
