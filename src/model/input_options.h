// How input readers map records to statement fields. It belongs to the model, not
// to ingest: the schema derives it from its field declarations.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace polsearch {

struct InputOptions {
  // JSON key -> schema field name, e.g. {"_id": "id", "title": "title", "text": "text"}.
  // Keys not listed are ignored. A listed key whose value is a string is taken as is;
  // a number or boolean is taken as its JSON text (a year 2022 -> "2022"; see
  // number_fields); null is treated as absent; an array or object is an error for
  // that record.
  std::map<std::string, std::string> json_keys;
  // Fields where a JSON number is expected (an id, a year): taken as its text silently.
  // A number or boolean in any other field is taken as its text with a warning.
  std::vector<std::string> number_fields = {"id", "date"};
  // Fields every statement must have after reading (normally "id" and "text"). A
  // record without one (or with it empty) is reported and skipped.
  std::vector<std::string> required_fields = {"id", "text"};
  // A statement whose body is empty or absent takes its title as its text (a BEIR
  // record with a title only, such as half of CACM's, is searchable by its title).
  std::string body_field = "text";
  std::string title_field = "title";
  // The date field: values in any form iso_date reads are stored as ISO 8601 ("14 June
  // 2023" -> "2023-06-14"); others are dropped with a warning, never shown. "" = none.
  std::string date_field = "date";
  // Fields of codes that filters fold to capitals (schema `case = "upper"`, such as
  // country): stored, faceted and shown folded too, so `fr` is `FR` everywhere.
  std::vector<std::string> upper_case_fields = {"country"};
  // Values for fields a record does not give, e.g. {"lang": "en"}.
  std::map<std::string, std::string> defaults;
  // Largest accepted line / file, in bytes; larger ones are reported and skipped.
  uint64_t max_record_bytes = 256ull << 20;
};

}  // namespace polsearch
