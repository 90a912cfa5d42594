// libFuzzer target: the schema TOML reader (polsearch::Schema::parse). Any input must
// either parse or throw SchemaError (never another exception, a crash or a hang); a
// schema that parses must then work for indexing: its lookups answer and a small
// statement builds into documents with it.
#include <cstdint>
#include <string_view>

#include "indexing.h"
#include "schema.h"

namespace {

// A statement with every field of the schema set to a plausible value.
polsearch::Statement sample_statement(const polsearch::Schema& schema) {
  polsearch::Statement statement;
  for (const auto& field : schema.fields) {
    std::string value = "Patrols and the cease-fire, 2022";
    if (field.role == polsearch::FieldRole::Date) value = "2022-02-24";
    if (field.role == polsearch::FieldRole::Language) value = "en";
    if (field.role == polsearch::FieldRole::Id) value = "fuzz-1";
    statement.fields[field.name] = value;
  }
  return statement;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  polsearch::Schema schema;
  try {
    schema = polsearch::Schema::parse(text, "fuzz.toml");
  } catch (const polsearch::SchemaError& e) {
    if (std::string_view(e.what()).empty()) __builtin_trap();  // errors must say why
    return 0;
  }
  if (schema.toml != text) __builtin_trap();  // recorded verbatim in the database
  (void)schema.field_names();
  (void)schema.input_options();
  for (const auto& field : schema.fields) {
    if (schema.field(field.name) == nullptr) __builtin_trap();
    if (field.is_filter()) (void)field.normalise_filter_value("Ukraine / UKR");
  }
  if (!schema.find_role(polsearch::FieldRole::Id) || !schema.find_role(polsearch::FieldRole::Body))
    return 0;
  polsearch::DocumentBuilder builder(schema);
  try {
    auto documents = builder.build(sample_statement(schema));
    if (documents.passages.empty()) __builtin_trap();
  } catch (const std::invalid_argument&) {
    // a statement the schema cannot index is reported, not a crash
  }
  return 0;
}
