// Byte-level UTF-8 helpers shared by every layer: where a cut may fall, how many
// code points a span holds, trimming. They look only at byte patterns (no ICU), so
// they are cheap enough for the indexer's inner loop.
#pragma once

#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

namespace polsearch::utf8 {

inline bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The largest length <= max_bytes that does not end inside a UTF-8 sequence. Index
// and query side both cut with this, so a cut term is the same on both sides.
inline size_t boundary_at_or_before(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s.size();
  size_t cut = max_bytes;
  while (cut > 0 && is_continuation(static_cast<unsigned char>(s[cut]))) --cut;
  return cut;
}

// Shortens s to at most max_bytes without splitting a character.
inline void cut(std::string& s, size_t max_bytes) { s.resize(boundary_at_or_before(s, max_bytes)); }

// Number of Unicode code points in UTF-8 text (bytes that are not continuation bytes).
inline uint64_t count_code_points(std::string_view s) {
  uint64_t n = 0;
  for (unsigned char c : s) n += !is_continuation(c);
  return n;
}

// Without leading and trailing ASCII white space.
inline std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

}  // namespace polsearch::utf8
