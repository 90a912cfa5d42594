#include "concepts.h"

#include <algorithm>
#include <stdexcept>

#include <toml++/toml.h>

#include "toml_guard.h"

namespace polsearch {

extern const std::string_view kDefaultConceptsToml;

std::string wording_key(std::string_view text, Analyzer& analyzer) {
  std::vector<Token> tokens;
  analyzer.analyze(text, tokens);
  std::string key;
  for (auto& t : tokens) {
    if (!key.empty()) key += ' ';
    key += t.form;
  }
  return key;
}

ConceptTable ConceptTable::parse(std::string_view toml_text, const std::string& origin,
                                 Analyzer& analyzer) {
  const toml::table root = parse_toml_guarded(toml_text, origin);
  ConceptTable table;
  if (auto* concepts = root["concept"].as_array()) {
    for (size_t i = 0; i < concepts->size(); ++i) {
      auto* t = (*concepts)[i].as_table();
      std::string where = origin + " [[concept]] #" + std::to_string(i + 1);
      if (!t) throw std::runtime_error(where + ": not a table");
      Concept c;
      c.name = (*t)["name"].value_or(std::string());
      auto* wordings = (*t)["wordings"].as_array();
      if (c.name.empty() || !wordings || wordings->empty())
        throw std::runtime_error(where + ": needs a name and a non-empty wordings list");
      for (auto& w : *wordings) {
        auto text = w.value<std::string>();
        if (!text) throw std::runtime_error(where + ": wordings must be strings");
        std::string key = wording_key(*text, analyzer);
        if (key.empty()) throw std::runtime_error(where + ": wording '" + *text + "' has no words");
        c.wordings.push_back(*text);
        table.by_wording_.emplace(key, table.concepts_.size());
      }
      table.concepts_.push_back(std::move(c));
    }
  }
  if (auto* pairs = root["spelling"]["pairs"].as_array()) {
    for (auto& p : *pairs) {
      auto* pair = p.as_array();
      if (!pair || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string())
        throw std::runtime_error(origin + " [spelling]: each pair must be two strings");
      std::string a = wording_key(*(*pair)[0].value<std::string>(), analyzer);
      std::string b = wording_key(*(*pair)[1].value<std::string>(), analyzer);
      table.spelling_[a] = b;
      table.spelling_[b] = a;
    }
  }
  return table;
}

ConceptTable ConceptTable::builtin(Analyzer& analyzer) {
  return parse(kDefaultConceptsToml, "schema/concepts.toml (built in)", analyzer);
}

std::vector<const Concept*> ConceptTable::find(const std::vector<std::string>& forms) const {
  std::string key;
  for (auto& f : forms) {
    if (!key.empty()) key += ' ';
    key += f;
  }
  std::vector<const Concept*> out;
  auto [begin, end] = by_wording_.equal_range(key);
  for (auto it = begin; it != end; ++it) {
    const Concept* c = &concepts_[it->second];
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  }
  return out;
}

const std::string& ConceptTable::spelling_variant(const std::string& form) const {
  static const std::string none;
  auto it = spelling_.find(form);
  return it == spelling_.end() ? none : it->second;
}

}  // namespace polsearch
