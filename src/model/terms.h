// Term and metadata names the engine uses besides the schema's own prefixes.
// Everything here is part of the on-disk format (see ARCHITECTURE.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace polsearch::terms {

inline constexpr std::string_view kUnique = "Q";    // Q<id>: the statement record
inline constexpr std::string_view kStem = "Z";      // Z<prefix><stem>, no positions
inline constexpr std::string_view kAcronym = "XU";  // XU<form>: written US / U.S. / NATO
inline constexpr std::string_view kRecordType = "XTstatement";  // the statement record
inline constexpr std::string_view kCompoundKey = "-";  // synonym key -<joined> -> "<part> <part>"

// Database metadata keys.
inline constexpr std::string_view kMetaFormat = "polsearch:format";
inline constexpr std::string_view kMetaSchema = "polsearch:schema";
inline constexpr std::string_view kMetaWriter = "polsearch:writer";  // program version that wrote

}  // namespace polsearch::terms

namespace polsearch {

// A passage document's data: a header line "ordinal<TAB>byte start<TAB>byte end<TAB>
// char start<TAB>char end" (offsets into the statement text; chars are Unicode code
// points), then the passage text itself, stored for display and highlighting.
struct PassageData {
  uint32_t ordinal = 0;
  uint64_t byte_start = 0, byte_end = 0;
  uint64_t char_start = 0, char_end = 0;
};

inline std::string encode_passage_data(const PassageData& d) {
  return std::to_string(d.ordinal) + '\t' + std::to_string(d.byte_start) + '\t' +
         std::to_string(d.byte_end) + '\t' + std::to_string(d.char_start) + '\t' +
         std::to_string(d.char_end) + '\n';
}

// Splits document data into header and text; returns false if it is not passage data.
bool decode_passage_data(std::string_view data, PassageData& meta, std::string_view& text);

// Number of Unicode code points in UTF-8 text (bytes that are not continuation bytes).
inline uint64_t count_code_points(std::string_view s) {
  uint64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace polsearch
