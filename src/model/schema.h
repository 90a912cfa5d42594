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

#include "input_options.h"
#include "passages.h"

namespace polsearch {

// Database format written by this program. A database recording a larger number
// needs a newer program; see ARCHITECTURE.md for what each format means.
// Format 2 (passage data may end its header with a page number) reads format 1 as is.
inline constexpr int kDatabaseFormat = 2;

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

// [ranking]: how passages (and statements) are scored. docs/EVALUATION.md measures each
// option; searcher can override every one of them for a single run.
struct RankingParams {
  double k1 = 1.2;
  double b = 0.75;
  double min_normlen = 0.5;
  double exact_boost = 0.25;
  bool all_terms_first = true;
  unsigned per_doc = 3;
  // BM25 statistics over passages only: statement records (metadata, never results) are
  // left out of the document count and the average length.
  bool passage_stats = false;
  // idf = log(1 + (N - n + 0.5) / (n + 0.5)) (Lucene's, never negative) instead of Xapian's
  // log((N - n + 0.5) / (n + 0.5)) with its adjustment for terms in over a third of passages.
  bool lucene_idf = false;
  // Stop words dropped from plain (natural-language) queries: "none", "lucene" (Lucene's
  // 33 English stop words) or "common" (the analyser's 180 common English words).
  std::string stopwords = "none";
  // Adjacent pairs of bare query words also match as OP_PHRASE (window <= 2: next to each
  // other, in order; larger: in order within the window) or OP_NEAR (near = true, any order),
  // adding this fraction of the pair's BM25 weight. 0 = off.
  double proximity_weight = 0;
  unsigned proximity_window = 2;
  bool proximity_near = false;
  // Coverage: in a ranked query of at least coverage_min_words bare words, each word a
  // passage contains adds coverage_weight x that word's idf, whatever its frequency in
  // the passage, so passages holding more of a long question's distinct words (weighed
  // by rarity) rise above those repeating one frequent word. 0 = off.
  double coverage_weight = 0;
  unsigned coverage_min_words = 3;
  // Pseudo-relevance feedback: expand with prf_terms terms from the top prf_docs hits
  // (Xapian's get_eset), weighted prf_weight relative to the original query. 0 = off.
  unsigned prf_docs = 0;
  unsigned prf_terms = 10;
  double prf_weight = 0.5;
  // Statement ranking: the best passage's score plus this fraction of each other
  // matching passage's score (0 = MaxP, 1 = sum).
  double other_passages = 0;
};

// A stored field as results show it: every `stored` field except the id and the body,
// which a hit shows in places of their own.
struct ShownField {
  std::string name;
  FieldRole role = FieldRole::None;
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
  std::vector<ShownField> shown_fields() const;  // in schema order
  InputOptions input_options() const;            // json keys, required fields, defaults
};

// Normalises a date value ("2022", "2022-03", "2022-03-05", also "2022/03/05") to
// the sortable "YYYYMMDD" form ("20220000" for a year alone, "20220300" for a
// month). Returns nullopt if it is not such a date.
std::optional<std::string> normalise_date(std::string_view value);

}  // namespace polsearch
