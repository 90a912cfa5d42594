// "Did you mean": which words of a query look misspelt, and what to suggest.
//
// A suggestion is a hint shown beside results, so it must be right when it speaks and
// silent otherwise. A word is corrected only when the index barely knows it (absent,
// or far rarer than a close word) and a close word is much more frequent. Words that
// the index meets in another form (a stem, a British/American variant) or that the
// concept table knows are good words, however rare. Operators, field names, quoted
// text and wildcards are never rewritten, and no word is replaced by a stop word.
#pragma once

#include <string>
#include <string_view>

#include <xapian.h>

#include "analyzer.h"
#include "concepts.h"
#include "query_ast.h"

namespace polsearch {

class SpellingCorrector {
 public:
  SpellingCorrector(const Xapian::Database& db, Analyzer& analyzer, const ConceptTable& concepts);
  // With the spelling table of another database: a sharded database's auxiliary one
  // (Xapian serves no spelling table over its remote backend).
  SpellingCorrector(const Xapian::Database& db, const Xapian::Database& spelling_db,
                    Analyzer& analyzer, const ConceptTable& concepts);

  // The query text with its misspelt words replaced, or "" when none is.
  std::string suggest(const QueryNode& tree, std::string_view query);

  // The correction for one analysed form (lower-case, normalised), or "".
  std::string correct(const std::string& form);

  // A close word must be this many times as frequent as the word it replaces.
  static constexpr double kMinFrequencyRatio = 20;
  // Only a word in at most this many passages (or 1 in 100,000 of a larger index)
  // can be a typo.
  static constexpr Xapian::doccount kRareUpTo = 10;

 private:
  // Passages holding the form, or any form with its stem or its spelling variant.
  Xapian::doccount frequency(const std::string& form);
  bool acceptable_replacement(const std::string& candidate);

  const Xapian::Database& db_;
  const Xapian::Database& spelling_db_;
  Analyzer& analyzer_;
  const ConceptTable& concepts_;
};

}  // namespace polsearch
