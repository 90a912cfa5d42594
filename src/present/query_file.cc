#include "query_file.h"

#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "input.h"

namespace polsearch {

namespace {

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// BEIR uses "_id"/"text"; "id"/"query" are accepted too.
std::string string_field(const nlohmann::json& j, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    auto it = j.find(key);
    if (it == j.end()) continue;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number()) return it->dump();
  }
  return "";
}

}  // namespace

size_t read_query_file(
    const std::string& path, const std::function<void(BatchQuery&&)>& on_query,
    const std::function<void(const SourceLocation&, const std::string&)>& on_error) {
  std::ifstream in(path == "-" ? "/dev/stdin" : path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read query file");
  std::string line;
  uint64_t number = 0;
  size_t errors = 0;
  int json_mode = -1;  // decided by the first non-blank line
  while (std::getline(in, line)) {
    ++number;
    SourceLocation where{path, number};
    std::string t = trimmed(line);
    if (t.empty()) continue;
    size_t bad = 0;
    if (!is_valid_utf8(t, &bad)) {
      ++errors;
      on_error(where, "invalid UTF-8 at byte " + std::to_string(bad));
      continue;
    }
    if (json_mode < 0) json_mode = t[0] == '{';
    BatchQuery q;
    q.where = where;
    if (json_mode) {
      auto j = nlohmann::json::parse(t, nullptr, false);
      if (j.is_discarded() || !j.is_object()) {
        ++errors;
        on_error(where, "not a JSON object with \"_id\" and \"text\"");
        continue;
      }
      q.qid = string_field(j, {"_id", "id", "qid"});
      q.text = string_field(j, {"text", "query"});
    } else {
      size_t tab = t.find('\t');
      if (tab == std::string::npos) {
        ++errors;
        on_error(where, "expected qid<TAB>query");
        continue;
      }
      q.qid = trimmed(t.substr(0, tab));
      q.text = trimmed(t.substr(tab + 1));
    }
    if (q.qid.empty() || trimmed(q.text).empty()) {
      ++errors;
      on_error(where, "query has no id or no text");
      continue;
    }
    on_query(std::move(q));
  }
  return errors;
}

}  // namespace polsearch
