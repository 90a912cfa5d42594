// libFuzzer target: the analyser (ICU words, normalising filters, stemming) on
// arbitrary bytes, valid UTF-8 or not. The first byte picks the language.
#include <cstdint>
#include <string_view>
#include <vector>

#include "analyzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static polsearch::Analyzer analyzer;
  static const char* kLanguages[] = {"en", "ru", "ar", "fr", "de", "zh", "", "xx"};
  if (size == 0) return 0;
  analyzer.set_language(kLanguages[data[0] % 8]);
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<polsearch::Token> tokens;
  std::vector<polsearch::Compound> compounds;
  uint32_t next = analyzer.analyze(text, tokens, &compounds, 7);
  uint32_t last_position = 7;
  for (const auto& t : tokens) {
    // Spans inside the text, forms within the term length limit, positions in order.
    if (t.start > t.end || t.end > text.size()) __builtin_trap();
    if (t.form.empty() || t.form.size() > polsearch::kMaxFormBytes) __builtin_trap();
    if (t.position < last_position || t.position >= next) __builtin_trap();
    last_position = t.position;
    analyzer.stem(t.form);
  }
  for (const auto& c : compounds) {
    if (c.start > c.end || c.end > text.size() || c.parts < 2) __builtin_trap();
    if (c.joined.empty()) __builtin_trap();
  }
  return 0;
}
