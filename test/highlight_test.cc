// The highlighter on plain text and hand-made patterns, with no database: each case
// gives a passage, the patterns, and the passage with the marked spans in [[ ]]
// followed by their labels.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analyzer.h"
#include "highlight.h"

namespace polsearch {
namespace {

using Kind = HighlightPattern::Kind;

HighlightPattern pattern(Kind kind, std::vector<std::string> forms, std::string label,
                         std::string stem = "", unsigned window = 0) {
  HighlightPattern p;
  p.kind = kind;
  p.forms = std::move(forms);
  p.label = std::move(label);
  p.stem = std::move(stem);
  p.window = window;
  return p;
}

// The text with each span in [[ ]], then " | " and the labels in order.
std::string marked(std::string_view text, const std::vector<HighlightSpan>& spans) {
  std::string out, labels;
  size_t pos = 0;
  for (const auto& s : spans) {
    out.append(text.substr(pos, s.start - pos)).append("[[");
    out.append(text.substr(s.start, s.end - s.start)).append("]]");
    pos = s.end;
    labels += (labels.empty() ? "" : ",") + s.label;
  }
  return out.append(text.substr(pos)) + " | " + labels;
}

struct Case {
  std::string name;
  std::string text;
  std::vector<HighlightPattern> patterns;
  std::string expected;
};

std::vector<Case> cases() {
  return {
      {"phrase only where it occurs as that phrase",
       "Article 5 applies; the article of 5 May does not.",
       {pattern(Kind::Sequence, {"article", "5"}, "\"Article 5\"")},
       "[[Article 5]] applies; the article of 5 May does not. | \"Article 5\""},
      {"stems: every word with the same stem",
       "Patrols patrolled while one patrol rested.",
       {pattern(Kind::Word, {"patrolling"}, "patrolling", "patrol")},
       "[[Patrols]] [[patrolled]] while one [[patrol]] rested. | patrolling,patrolling,patrolling"},
      {"exact form only",
       "Patrols patrolled while one patrol rested.",
       {pattern(Kind::Exact, {"patrol"}, "\"patrol\"")},
       "Patrols patrolled while one [[patrol]] rested. | \"patrol\""},
      {"acronym: written in capitals or with dots, not the pronoun",
       "The U.S. and the US told us so.",
       {pattern(Kind::Acronym, {"us"}, "US")},
       "The [[U.S.]] and the [[US]] told us so. | US,US"},
      {"NEAR: the words of a window holding all forms",
       "Air patrols began. Much later, after many long days and nights, air cover came.",
       {pattern(Kind::Near, {"air", "patrols"}, "air NEAR/3 patrols", "", 3)},
       "[[Air]] [[patrols]] began. Much later, after many long days and nights, air cover came. "
       "| air NEAR/3 patrols,air NEAR/3 patrols"},
      {"prefix (wildcard)",
       "Security and securing secure the sector.",
       {pattern(Kind::Prefix, {"secur"}, "secur*")},
       "[[Security]] and [[securing]] [[secure]] the sector. | secur*,secur*,secur*"},
      {"overlapping matches merge into one span (the longer one's label)",
       "A grain corridor opened.",
       {pattern(Kind::Word, {"grain"}, "grain", "grain"),
        pattern(Kind::Sequence, {"grain", "corridor"}, "\"grain corridor\"")},
       "A [[grain corridor]] opened. | \"grain corridor\""},
      {"offsets in multibyte text are byte offsets of whole words",
       "Мирный план — «мирный» ответ.",
       {pattern(Kind::Exact, {"мирный"}, "мирный")},
       "[[Мирный]] план — «[[мирный]]» ответ. | мирный,мирный"},
      {"no patterns, no spans", "Nothing to mark.", {}, "Nothing to mark. | "},
  };
}

TEST(Highlight, MarksWhatEachPatternMatches) {
  Analyzer analyzer(AnalyzerOptions{"en"});
  for (const Case& c : cases())
    EXPECT_EQ(marked(c.text, find_highlights(c.text, c.patterns, analyzer)), c.expected) << c.name;
}

TEST(Highlight, MultibyteSpansAreByteOffsets) {
  Analyzer analyzer(AnalyzerOptions{"en"});
  std::string text = "Ж mir Ж";
  auto spans = find_highlights(text, {pattern(Kind::Exact, {"mir"}, "mir")}, analyzer);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].start, 3u);  // Ж is two bytes, then a space
  EXPECT_EQ(spans[0].end, 6u);
}

}  // namespace
}  // namespace polsearch
