// The engine's vocabulary of terms: every term name besides the schema's own word
// prefixes is built here, once, for the indexer and the query side alike. Everything
// here is part of the on-disk format (see ARCHITECTURE.md).
#pragma once

#include <xapian.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "schema.h"
#include "utf8.h"

namespace polsearch::terms {

inline constexpr std::string_view kUnique = "Q";    // Q<id>: the statement record
inline constexpr std::string_view kStem = "Z";      // Z<prefix><stem>, no positions
inline constexpr std::string_view kAcronym = "XU";  // XU<form>: written US / U.S. / NATO
inline constexpr std::string_view kRecordTypePrefix = "XT";
inline constexpr std::string_view kRecordType = "XTstatement";  // the statement record
inline constexpr std::string_view kCompoundKey = "-";  // synonym key -<joined> -> "<part> <part>"

// Prefixes a schema may not use for its own fields: the engine's terms above, and
// M/Y, kept free for month and year terms (dates are value ranges today).
inline constexpr std::array<std::string_view, 6> kReservedPrefixes = {
    kUnique, kStem, kAcronym, kRecordTypePrefix, "M", "Y"};

// Xapian rejects terms over 245 bytes, prefix included.
inline constexpr size_t kMaxTermBytes = 245;

// A boolean term: prefix + value, cut at a character boundary below Xapian's limit.
// The indexer and the query builder both build filter terms through this, so an
// over-long multibyte value is cut at the same byte on both sides.
inline std::string boolean_term(std::string_view prefix, std::string_view value) {
  std::string term(prefix);
  term.append(value);
  utf8::cut(term, kMaxTermBytes);
  return term;
}

// The filter term of a value of a filter field (schema `filter` prefix, case rule).
inline std::string filter_term(const FieldSpec& field, std::string_view value) {
  return boolean_term(*field.filter_prefix, field.normalise_filter_value(value));
}

// XID<id>: on every passage of a statement and on its record; deleting and replacing
// a statement, and finding its passages, go through it.
inline std::string membership_term(const Schema& schema, std::string_view id) {
  return filter_term(schema.role(FieldRole::Id), id);
}

// Q<id>: the statement record's unique term.
inline std::string record_term(std::string_view id) { return std::string(kUnique).append(id); }

// Searches never return statement records: they hold metadata, not passages.
inline Xapian::Query without_records(const Xapian::Query& query) {
  return Xapian::Query(Xapian::Query::OP_AND_NOT, query, Xapian::Query(std::string(kRecordType)));
}

// Database metadata keys.
inline constexpr std::string_view kMetaFormat = "polsearch:format";
inline constexpr std::string_view kMetaSchema = "polsearch:schema";
inline constexpr std::string_view kMetaWriter = "polsearch:writer";  // program version that wrote

}  // namespace polsearch::terms

namespace polsearch {

// A passage document's data: a header line "ordinal<TAB>byte start<TAB>byte end<TAB>
// char start<TAB>char end" (offsets into the statement text; chars are Unicode code
// points), in format 2 followed by "<TAB>page" when the passage comes from a paged
// document (PDF), then the passage text itself, stored for display and highlighting.
struct PassageData {
  uint32_t ordinal = 0;
  uint64_t byte_start = 0, byte_end = 0;
  uint64_t char_start = 0, char_end = 0;
  uint32_t page = 0;  // 1, 2, ...: the page where the passage starts; 0 = no pages
};

inline std::string encode_passage_data(const PassageData& d) {
  std::string header = std::to_string(d.ordinal) + '\t' + std::to_string(d.byte_start) + '\t' +
                       std::to_string(d.byte_end) + '\t' + std::to_string(d.char_start) + '\t' +
                       std::to_string(d.char_end);
  if (d.page > 0) header += '\t' + std::to_string(d.page);
  return header + '\n';
}

// Splits document data into header and text; returns false if it is not passage data.
bool decode_passage_data(std::string_view data, PassageData& meta, std::string_view& text);

using utf8::count_code_points;

}  // namespace polsearch
