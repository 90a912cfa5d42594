#include "schema_diff.h"

#include <optional>
#include <sstream>
#include <vector>

namespace polsearch {
namespace {

// Collects "key old -> new" for each property that differs.
class Changes {
 public:
  template <typename T>
  void compare(const char* key, const T& before, const T& after) {
    if (before == after) return;
    std::ostringstream out;
    out << key << ' ' << shown(before) << " -> " << shown(after);
    list_.push_back(out.str());
  }
  bool empty() const { return list_.empty(); }
  std::string joined() const {
    std::string out;
    for (auto& change : list_) out += (out.empty() ? "" : ", ") + change;
    return out;
  }

 private:
  template <typename T>
  static std::string shown(const T& value) {
    std::ostringstream out;
    out << value;
    return out.str();
  }
  static std::string shown(const std::optional<std::string>& value) {
    return value ? "'" + *value + "'" : "none";
  }
  static std::string shown(const std::string& value) { return "'" + value + "'"; }
  static std::string shown(bool value) { return value ? "true" : "false"; }
  static std::string shown(FieldRole role) {
    const char* names[] = {"none", "id", "body", "date", "language"};
    return names[static_cast<int>(role)];
  }
  static std::string shown(ValueCase c) {
    const char* names[] = {"as-is", "lower", "upper"};
    return names[static_cast<int>(c)];
  }
  std::vector<std::string> list_;
};

std::string field_changes(const FieldSpec& a, const FieldSpec& b) {
  Changes c;
  c.compare("json_key", a.json_key, b.json_key);
  c.compare("role", a.role, b.role);
  c.compare("required", a.required, b.required);
  c.compare("stored", a.stored, b.stored);
  c.compare("text", a.text_prefix, b.text_prefix);
  c.compare("weight", a.weight, b.weight);
  c.compare("default_search", a.default_search, b.default_search);
  c.compare("filter", a.filter_prefix, b.filter_prefix);
  c.compare("case", a.filter_case, b.filter_case);
  c.compare("value_slot", a.value_slot, b.value_slot);
  c.compare("year_slot", a.year_slot, b.year_slot);
  return c.joined();
}

std::string ranking_changes(const RankingParams& a, const RankingParams& b) {
  Changes c;
  c.compare("k1", a.k1, b.k1);
  c.compare("b", a.b, b.b);
  c.compare("min_normlen", a.min_normlen, b.min_normlen);
  c.compare("exact_boost", a.exact_boost, b.exact_boost);
  c.compare("all_terms_first", a.all_terms_first, b.all_terms_first);
  c.compare("per_doc", a.per_doc, b.per_doc);
  c.compare("passage_stats", a.passage_stats, b.passage_stats);
  c.compare("lucene_idf", a.lucene_idf, b.lucene_idf);
  c.compare("stopwords", a.stopwords, b.stopwords);
  c.compare("proximity_weight", a.proximity_weight, b.proximity_weight);
  c.compare("proximity_window", a.proximity_window, b.proximity_window);
  c.compare("proximity_near", a.proximity_near, b.proximity_near);
  c.compare("prf_docs", a.prf_docs, b.prf_docs);
  c.compare("prf_terms", a.prf_terms, b.prf_terms);
  c.compare("prf_weight", a.prf_weight, b.prf_weight);
  c.compare("other_passages", a.other_passages, b.other_passages);
  return c.joined();
}

std::string top_level_changes(const Schema& a, const Schema& b) {
  Changes c;
  c.compare("name", a.name, b.name);
  c.compare("format", a.format, b.format);
  c.compare("default_language", a.default_language, b.default_language);
  c.compare("passages.min_words", a.passages.min_words, b.passages.min_words);
  c.compare("passages.max_words", a.passages.max_words, b.passages.max_words);
  return c.joined();
}

}  // namespace

std::string describe_schema_difference(const Schema& recorded, const Schema& given) {
  std::vector<std::string> parts;
  if (auto top = top_level_changes(recorded, given); !top.empty()) parts.push_back(top);
  for (auto& f : recorded.fields) {
    const FieldSpec* other = given.field(f.name);
    if (!other)
      parts.push_back("field '" + f.name + "' removed");
    else if (auto changes = field_changes(f, *other); !changes.empty())
      parts.push_back("field '" + f.name + "' changed (" + changes + ")");
  }
  for (auto& f : given.fields)
    if (!recorded.field(f.name)) parts.push_back("field '" + f.name + "' added");
  if (auto ranking = ranking_changes(recorded.ranking, given.ranking); !ranking.empty())
    parts.push_back("[ranking] changed (" + ranking + ")");
  if (parts.empty()) return "the two differ only in comments or layout";
  std::string out;
  for (auto& part : parts) out += (out.empty() ? "" : "; ") + part;
  return out;
}

}  // namespace polsearch
