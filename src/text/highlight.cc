#include "highlight.h"

#include <algorithm>
#include <set>

namespace polsearch {

namespace {

using Kind = HighlightPattern::Kind;

// The passage's tokens and, computed once each when a Word pattern first needs it, their
// stems: with many query words, stemming every token once per word was a tenth of a
// query's time (measured with perf on the bench queries).
class StemmedTokens {
 public:
  StemmedTokens(const std::vector<Token>& tokens, Analyzer& analyzer)
      : tokens_(tokens), analyzer_(analyzer), stems_(tokens.size()), done_(tokens.size()) {}
  const std::vector<Token>& tokens() const { return tokens_; }
  const std::string& stem(size_t i) {
    if (!done_[i]) {
      stems_[i] = analyzer_.stem(tokens_[i].form);
      done_[i] = true;
    }
    return stems_[i];
  }

 private:
  const std::vector<Token>& tokens_;
  Analyzer& analyzer_;
  std::vector<std::string> stems_;
  std::vector<bool> done_;
};

// Word, Exact, Acronym and Prefix patterns look at one token at a time.
bool token_matches(const HighlightPattern& p, StemmedTokens& tokens, size_t i) {
  const Token& t = tokens.tokens()[i];
  if (p.kind == Kind::Prefix) return t.form.compare(0, p.forms[0].size(), p.forms[0]) == 0;
  if (t.form == p.forms[0]) return p.kind != Kind::Acronym || t.dotted_acronym || t.all_caps;
  return p.kind == Kind::Word && !p.stem.empty() && tokens.stem(i) == p.stem;
}

void mark_tokens(const HighlightPattern& p, StemmedTokens& tokens,
                 std::vector<HighlightSpan>& spans) {
  for (size_t i = 0; i < tokens.tokens().size(); ++i)
    if (token_matches(p, tokens, i))
      spans.push_back({tokens.tokens()[i].start, tokens.tokens()[i].end, p.label});
}

// A sequence is marked as one span, only where its forms are consecutive tokens.
void mark_sequences(const HighlightPattern& p, const std::vector<Token>& tokens,
                    std::vector<HighlightSpan>& spans) {
  size_t n = p.forms.size();
  for (size_t i = 0; n && i + n <= tokens.size(); ++i) {
    size_t j = 0;
    while (j < n && tokens[i + j].form == p.forms[j]) ++j;
    if (j == n) spans.push_back({tokens[i].start, tokens[i + n - 1].end, p.label});
  }
}

// Marks the words of every window (of p.window positions) that holds all of the forms.
void mark_near_windows(const HighlightPattern& p, const std::vector<Token>& tokens,
                       std::vector<HighlightSpan>& spans) {
  std::set<std::string> wanted(p.forms.begin(), p.forms.end());
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!wanted.count(tokens[i].form)) continue;
    std::set<std::string> found;
    size_t last = i;
    for (size_t j = i; j < tokens.size() && tokens[j].position < tokens[i].position + p.window;
         ++j) {
      if (wanted.count(tokens[j].form)) {
        found.insert(tokens[j].form);
        last = j;
      }
      if (found.size() == wanted.size()) break;
    }
    if (found.size() != wanted.size()) continue;
    for (size_t j = i; j <= last; ++j)
      if (wanted.count(tokens[j].form)) spans.push_back({tokens[j].start, tokens[j].end, p.label});
  }
}

// Sorted by start (the longer first at equal starts); overlapping spans merge into one.
std::vector<HighlightSpan> merge_overlaps(std::vector<HighlightSpan> spans) {
  std::sort(spans.begin(), spans.end(), [](const HighlightSpan& a, const HighlightSpan& b) {
    return a.start != b.start ? a.start < b.start : a.end > b.end;
  });
  std::vector<HighlightSpan> merged;
  for (auto& s : spans) {
    if (!merged.empty() && s.start < merged.back().end) {
      if (s.end > merged.back().end) merged.back().end = s.end;
      continue;
    }
    merged.push_back(std::move(s));
  }
  return merged;
}

}  // namespace

std::vector<HighlightSpan> find_highlights(std::string_view text,
                                           const std::vector<HighlightPattern>& patterns,
                                           Analyzer& analyzer) {
  std::vector<HighlightSpan> spans;
  if (patterns.empty()) return spans;
  std::vector<Token> tokens;
  analyzer.analyze(text, tokens);
  StemmedTokens stemmed(tokens, analyzer);
  for (const auto& p : patterns) {
    if (p.kind == Kind::Sequence)
      mark_sequences(p, tokens, spans);
    else if (p.kind == Kind::Near)
      mark_near_windows(p, tokens, spans);
    else
      mark_tokens(p, stemmed, spans);
  }
  return merge_overlaps(std::move(spans));
}

}  // namespace polsearch
