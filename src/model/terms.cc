#include "terms.h"

#include <charconv>

namespace polsearch {

bool decode_passage_data(std::string_view data, PassageData& meta, std::string_view& text) {
  size_t newline = data.find('\n');
  if (newline == std::string_view::npos) return false;
  std::string_view header = data.substr(0, newline);
  uint64_t fields[6] = {0, 0, 0, 0, 0, 0};  // the sixth, the page, is optional
  const char* p = header.data();
  const char* end = header.data() + header.size();
  for (int i = 0; i < 6; ++i) {
    auto [next, ec] = std::from_chars(p, end, fields[i]);
    if (ec != std::errc()) return false;
    p = next;
    if (p == end && i >= 4) break;
    if (i == 5 || p == end || *p != '\t') return false;
    ++p;
  }
  meta = {static_cast<uint32_t>(fields[0]), fields[1], fields[2], fields[3], fields[4],
          static_cast<uint32_t>(fields[5])};
  text = data.substr(newline + 1);
  return true;
}

}  // namespace polsearch
