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
  // a number or boolean is taken as its JSON text (a year 2022 -> "2022"); null is
  // treated as absent; an array or object is an error for that record.
  std::map<std::string, std::string> json_keys;
  // Fields every statement must have after reading (normally "id" and "text"). A
  // record without one (or with it empty) is reported and skipped.
  std::vector<std::string> required_fields = {"id", "text"};
  // A statement whose body is empty or absent takes its title as its text (a BEIR
  // record with a title only, such as half of CACM's, is searchable by its title).
  std::string body_field = "text";
  std::string title_field = "title";
  // Values for fields a record does not give, e.g. {"lang": "en"}.
  std::map<std::string, std::string> defaults;
  // Largest accepted line / file, in bytes; larger ones are reported and skipped.
  uint64_t max_record_bytes = 256ull << 20;
};

}  // namespace polsearch
