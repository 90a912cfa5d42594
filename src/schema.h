// The declarative schema (schema/*.toml): fields, term prefixes, value slots,
// passage bounds and ranking parameters. Indexer and searcher both work from a
// Schema, and the database records the TOML it was built with.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "input.h"
#include "passages.h"

namespace polsearch {

// Database format written by this program. A database recording a larger number
// needs a newer program; see ARCHITECTURE.md for what each format means.
inline constexpr int kDatabaseFormat = 1;

class SchemaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class FieldRole { None, Id, Body, Date, Language };
enum class ValueCase { AsIs, Lower, Upper };

struct FieldSpec {
  std::string name;
  std::string json_key;
  FieldRole role = FieldRole::None;
  bool required = false;
  bool stored = false;
  std::optional<std::string> text_prefix;    // analysed free text under this prefix
  unsigned weight = 1;                       // wdf multiplier for text
  bool default_search = false;               // also index words unprefixed
  std::optional<std::string> filter_prefix;  // boolean filter terms
  ValueCase filter_case = ValueCase::AsIs;
  int value_slot = -1;
  int year_slot = -1;  // date role only

  bool is_text() const { return text_prefix.has_value(); }
  bool is_filter() const { return filter_prefix.has_value(); }
  std::string normalise_filter_value(std::string_view value) const;
};

struct RankingParams {
  double k1 = 1.2;
  double b = 0.75;
  double min_normlen = 0.5;
  double exact_boost = 0.25;
  bool all_terms_first = true;
  unsigned per_doc = 2;
};

struct Schema {
  int format = kDatabaseFormat;
  std::string name;
  std::string default_language = "en";
  PassageBounds passages;
  RankingParams ranking;
  std::vector<FieldSpec> fields;
  std::string toml;  // the text it was parsed from, recorded in the database

  // Parses and validates; `origin` names the source in error messages. Throws
  // SchemaError naming the field and the problem.
  static Schema parse(std::string_view toml_text, const std::string& origin);
  static Schema load_file(const std::string& path);
  static Schema builtin();  // schema/policy.toml as compiled in

  const FieldSpec* field(std::string_view name) const;
  const FieldSpec& role(FieldRole role) const;  // throws if the schema lacks it
  const FieldSpec* find_role(FieldRole role) const;
  std::vector<std::string> field_names() const;  // for the query parser
  InputOptions input_options() const;            // json keys, required fields, defaults
};

// Normalises a date value ("2022", "2022-03", "2022-03-05", also "2022/03/05") to
// the sortable "YYYYMMDD" form ("20220000" for a year alone, "20220300" for a
// month). Returns nullopt if it is not such a date.
std::optional<std::string> normalise_date(std::string_view value);

}  // namespace polsearch
