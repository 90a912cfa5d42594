// libFuzzer target: the passage splitter. The first two bytes pick the bounds;
// the rest is the statement text (valid UTF-8 only: the readers reject the rest
// before it gets here).
#include <cstdint>
#include <string_view>

#include "input.h"
#include "passages.h"

namespace {
bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  polsearch::PassageBounds bounds;
  bounds.min_words = data[0] % 32;
  bounds.max_words = 1 + data[1] % 64;
  std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
  if (!polsearch::is_valid_utf8(text)) return 0;
  polsearch::PassageSplitter splitter(bounds);
  auto passages = splitter.split(text);
  // The contract (passages.h): in order, non-empty, trimmed, and covering every
  // non-whitespace byte exactly once.
  size_t covered_to = 0;
  for (size_t i = 0; i < passages.size(); ++i) {
    const auto& p = passages[i];
    if (p.ordinal != i || p.start >= p.end || p.end > text.size()) __builtin_trap();
    if (p.start < covered_to) __builtin_trap();
    if (is_space(text[p.start]) || is_space(text[p.end - 1])) __builtin_trap();
    for (size_t b = covered_to; b < p.start; ++b)
      if (!is_space(text[b])) __builtin_trap();
    covered_to = p.end;
  }
  for (size_t b = covered_to; b < text.size(); ++b)
    if (!is_space(text[b])) __builtin_trap();
  return 0;
}
