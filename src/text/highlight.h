// Highlighting: which words of a passage a query matched. The query builder emits
// patterns next to its Xapian query; the searcher re-analyses each returned passage
// (short, already in memory) with the same Analyzer and marks the token spans the
// patterns match. No database is involved, so it lives with the analyser and is
// unit-tested on plain text (test/highlight_test.cc).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer.h"

namespace polsearch {

// What to mark in a passage. Patterns are matched against the passage's tokens, so
// a phrase is marked only where its words occur as that phrase.
struct HighlightPattern {
  enum class Kind {
    Word,      // forms[0] exactly, or any word with the same stem (if stem non-empty)
    Exact,     // forms[0] exactly
    Acronym,   // forms[0] written as an acronym (US, U.S.)
    Sequence,  // forms in consecutive positions
    Near,      // all forms within `window` positions
    Prefix,    // words starting with forms[0] (wildcard)
  };
  Kind kind = Kind::Word;
  std::vector<std::string> forms;
  std::string stem;
  unsigned window = 0;
  std::string label;  // the query text it came from, for "matched:" output
};

// A marked span of a passage: byte offsets [start, end) and the pattern's label.
struct HighlightSpan {
  uint32_t start = 0, end = 0;
  std::string label;
};

// Finds the spans of `text` that the patterns match, sorted, overlaps merged (a
// merged span keeps the label of the one that starts first, or the longer one).
std::vector<HighlightSpan> find_highlights(std::string_view text,
                                           const std::vector<HighlightPattern>& patterns,
                                           Analyzer& analyzer);

}  // namespace polsearch
