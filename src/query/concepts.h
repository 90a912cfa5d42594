// Concept groups (schema/concepts.toml): the wordings policy language uses for one
// idea ("backstop" = "security guarantee" = ...), and British/American spelling pairs.
// The query builder expands a word that names a concept when asked (~word, --expand).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer.h"

namespace polsearch {

struct Concept {
  std::string name;
  std::vector<std::string> wordings;  // as written in the file
};

class ConceptTable {
 public:
  // Parses concepts TOML; wordings are keyed by their analysed forms, so lookups
  // agree with indexing ("Article 5" and "article 5" are one key). Throws
  // std::runtime_error naming the origin and the problem.
  static ConceptTable parse(std::string_view toml_text, const std::string& origin,
                            Analyzer& analyzer);
  static ConceptTable builtin(Analyzer& analyzer);  // schema/concepts.toml, compiled in

  // The concepts one of whose wordings has these analysed forms (e.g. {"backstop"}).
  std::vector<const Concept*> find(const std::vector<std::string>& forms) const;
  // The other spelling of a form ("defence" -> "defense"), or "" if none.
  const std::string& spelling_variant(const std::string& form) const;

  size_t size() const { return concepts_.size(); }

 private:
  std::vector<Concept> concepts_;
  std::multimap<std::string, size_t> by_wording_;  // forms joined by ' ' -> concept index
  std::map<std::string, std::string> spelling_;
};

// Analysed forms of a text, joined by single spaces: the key used for wordings.
std::string wording_key(std::string_view text, Analyzer& analyzer);

}  // namespace polsearch
