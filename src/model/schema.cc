#include "schema.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <type_traits>

#include <toml++/toml.h>

#include "ranking_knobs.h"
#include "terms.h"
#include "toml_guard.h"

namespace polsearch {

extern const std::string_view kDefaultSchemaToml;

namespace {

// Xapian prefixes must not be mistaken for term text: our terms start with a
// lower-case letter or a digit, so a prefix is empty or starts with a capital.
bool valid_prefix(const std::string& prefix) {
  if (prefix.empty()) return true;
  if (!std::isupper(static_cast<unsigned char>(prefix[0]))) return false;
  return std::all_of(prefix.begin(), prefix.end(),
                     [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
}

FieldRole parse_role(const std::string& s, const std::string& where) {
  if (s == "id") return FieldRole::Id;
  if (s == "body") return FieldRole::Body;
  if (s == "date") return FieldRole::Date;
  if (s == "language") return FieldRole::Language;
  if (s.empty() || s == "none") return FieldRole::None;
  throw SchemaError(where + ": unknown role '" + s + "' (expected id, body, date or language)");
}

ValueCase parse_case(const std::string& s, const std::string& where) {
  if (s == "as-is" || s.empty()) return ValueCase::AsIs;
  if (s == "lower") return ValueCase::Lower;
  if (s == "upper") return ValueCase::Upper;
  throw SchemaError(where + ": unknown case '" + s + "' (expected as-is, lower or upper)");
}

template <typename T>
T get_or(const toml::table& t, std::string_view key, T fallback, const std::string& where) {
  auto node = t[key];
  if (!node) return fallback;
  if (auto v = node.value<T>()) return *v;
  throw SchemaError(where + ": '" + std::string(key) + "' has the wrong type");
}

void check_keys(const toml::table& t, std::initializer_list<std::string_view> known,
                const std::string& where) {
  for (auto&& [key, value] : t) {
    (void)value;
    if (std::find(known.begin(), known.end(), key.str()) == known.end())
      throw SchemaError(where + ": unknown key '" + std::string(key.str()) + "'");
  }
}

}  // namespace

std::string FieldSpec::normalise_filter_value(std::string_view value) const {
  std::string out(value);
  if (filter_case == ValueCase::Lower)
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return std::tolower(c); });
  else if (filter_case == ValueCase::Upper)
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return std::toupper(c); });
  return out;
}

std::optional<std::string> normalise_date(std::string_view value) {
  std::string digits;
  int groups = 0;
  size_t i = 0;
  auto read_group = [&](size_t want) -> bool {
    size_t start = i;
    while (i < value.size() && std::isdigit(static_cast<unsigned char>(value[i]))) ++i;
    if (i - start != want) return false;
    digits.append(value.substr(start, want));
    ++groups;
    return true;
  };
  if (!read_group(4)) return std::nullopt;
  for (int g = 0; g < 2 && i < value.size(); ++g) {
    if (value[i] != '-' && value[i] != '/') return std::nullopt;
    ++i;
    if (!read_group(2)) return std::nullopt;
  }
  if (i != value.size()) return std::nullopt;
  if (groups >= 2) {
    int month = std::stoi(digits.substr(4, 2));
    if (month < 1 || month > 12) return std::nullopt;
  }
  if (groups == 3) {
    int day = std::stoi(digits.substr(6, 2));
    if (day < 1 || day > 31) return std::nullopt;
  }
  digits.resize(8, '0');
  return digits;
}

namespace {

// `"none", "lucene" or "common"` from "none lucene common".
std::string choices_text(std::string_view choices) {
  std::vector<std::string> words;
  std::istringstream in{std::string(choices)};
  for (std::string w; in >> w;) words.push_back('"' + w + '"');
  std::string out;
  for (size_t i = 0; i < words.size(); ++i)
    out += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
  return out;
}

// Reads one knob into `r` if the table has it; returns its value as a number (before any
// cast, so a negative count can still be reported).
double read_knob(const toml::table& t, const RankingKnob& knob, RankingParams& r,
                 const std::string& where) {
  return std::visit(
      [&](auto member) -> double {
        using T = std::remove_cvref_t<decltype(r.*member)>;
        if constexpr (std::is_same_v<T, unsigned>) {
          auto value = get_or<int64_t>(t, knob.name, r.*member, where);
          r.*member = static_cast<unsigned>(value);
          return static_cast<double>(value);
        } else if constexpr (std::is_same_v<T, std::string>) {
          r.*member = get_or<std::string>(t, knob.name, r.*member, where);
          std::istringstream in{std::string(knob.choices)};
          for (std::string choice; in >> choice;)
            if (choice == r.*member) return 0;
          throw SchemaError(where + ": " + std::string(knob.name) + " must be " +
                            choices_text(knob.choices));
        } else {
          r.*member = get_or<T>(t, knob.name, r.*member, where);
          return static_cast<double>(r.*member);
        }
      },
      knob.member);
}

// [ranking], from the knob table: every key read (and typed), then each group's ranges.
RankingParams parse_ranking(const toml::table& t, const std::string& where) {
  for (auto&& [key, value] : t) {
    (void)value;
    try {
      ranking_knob(key.str());
    } catch (const std::out_of_range&) {
      throw SchemaError(where + ": unknown key '" + std::string(key.str()) + "'");
    }
  }
  RankingParams r;
  std::map<int, std::pair<bool, std::string>> groups;  // group -> (all in range, message)
  for (const RankingKnob& knob : ranking_knobs()) {
    double value = read_knob(t, knob, r, where);
    if (knob.schema_group == 0) continue;
    auto& [ok, message] = groups[knob.schema_group];
    ok = (message.empty() || ok) && knob_in_range(knob, value);
    message += (message.empty() ? "" : ", ") + knob_range_text(knob);
  }
  for (auto& [group, check] : groups)
    if (!check.first) throw SchemaError(where + ": need " + check.second);
  return r;
}

// Names, prefixes and value slots used by the fields read so far: each may be used once.
struct TakenNames {
  std::set<std::string> names, prefixes;
  std::set<int> slots;
};

// One [[field]] table; `where` names it by number until its name is known.
FieldSpec parse_field(const toml::table& t_ref, const std::string& origin, std::string where,
                      TakenNames& taken) {
  const toml::table* t = &t_ref;
  check_keys(*t,
             {"name", "json_key", "role", "required", "stored", "text", "weight", "default_search",
              "filter", "case", "value_slot", "year_slot"},
             where);
  FieldSpec f;
  f.name = get_or<std::string>(*t, "name", "", where);
  if (f.name.empty() || !std::all_of(f.name.begin(), f.name.end(),
                                     [](unsigned char c) { return std::islower(c) || c == '_'; }))
    throw SchemaError(where + ": 'name' must be lower-case letters or '_'");
  where = origin + " field '" + f.name + "'";
  if (!taken.names.insert(f.name).second) throw SchemaError(where + ": declared twice");
  f.json_key = get_or<std::string>(*t, "json_key", f.name, where);
  f.role = parse_role(get_or<std::string>(*t, "role", "", where), where);
  f.required = get_or<bool>(*t, "required", false, where);
  f.stored = get_or<bool>(*t, "stored", false, where);
  if (auto text = (*t)["text"].value<std::string>()) f.text_prefix = *text;
  f.weight = static_cast<unsigned>(get_or<int64_t>(*t, "weight", 1, where));
  f.default_search = get_or<bool>(*t, "default_search", false, where);
  if (auto filter = (*t)["filter"].value<std::string>()) f.filter_prefix = *filter;
  f.filter_case = parse_case(get_or<std::string>(*t, "case", "", where), where);
  f.value_slot = static_cast<int>(get_or<int64_t>(*t, "value_slot", -1, where));
  f.year_slot = static_cast<int>(get_or<int64_t>(*t, "year_slot", -1, where));

  for (auto* prefix :
       {f.text_prefix ? &*f.text_prefix : nullptr, f.filter_prefix ? &*f.filter_prefix : nullptr}) {
    if (!prefix) continue;
    if (!valid_prefix(*prefix))
      throw SchemaError(where + ": prefix '" + *prefix + "' must be empty or capital letters");
    if (!prefix->empty() && !taken.prefixes.insert(*prefix).second)
      throw SchemaError(where + ": prefix '" + *prefix + "' is used twice");
    // Prefixes the engine itself uses for other terms.
    if (std::find(terms::kReservedPrefixes.begin(), terms::kReservedPrefixes.end(), *prefix) !=
        terms::kReservedPrefixes.end())
      throw SchemaError(where + ": prefix '" + *prefix + "' is reserved by the engine");
  }
  if (f.text_prefix && f.text_prefix->empty() && f.role != FieldRole::Body)
    throw SchemaError(where + ": only the body field may use the empty text prefix");
  if (f.weight < 1 || f.weight > 100) throw SchemaError(where + ": weight must be 1..100");
  for (int slot : {f.value_slot, f.year_slot}) {
    if (slot < -1 || slot > 1000) throw SchemaError(where + ": value slot out of range");
    if (slot >= 0 && !taken.slots.insert(slot).second)
      throw SchemaError(where + ": value slot " + std::to_string(slot) + " is used twice");
  }
  if (f.year_slot >= 0 && f.role != FieldRole::Date)
    throw SchemaError(where + ": year_slot needs role = \"date\"");
  return f;
}

}  // namespace

Schema Schema::parse(std::string_view toml_text, const std::string& origin) {
  toml::table root;
  try {
    root = parse_toml_guarded(toml_text, origin);
  } catch (const TomlError& e) {
    throw SchemaError(e.what());
  }
  Schema schema;
  schema.toml = std::string(toml_text);
  check_keys(root, {"format", "name", "analysis", "passages", "ranking", "field"}, origin);
  schema.format = static_cast<int>(get_or<int64_t>(root, "format", kDatabaseFormat, origin));
  if (schema.format > kDatabaseFormat)
    throw SchemaError(origin + ": schema is for database format " + std::to_string(schema.format) +
                      " but this program supports format " + std::to_string(kDatabaseFormat) +
                      "; a newer version of polsearch is needed");
  schema.name = get_or<std::string>(root, "name", "", origin);

  if (auto* analysis = root["analysis"].as_table()) {
    check_keys(*analysis, {"default_language"}, origin + " [analysis]");
    schema.default_language =
        get_or<std::string>(*analysis, "default_language", "en", origin + " [analysis]");
  }
  if (auto* passages = root["passages"].as_table()) {
    std::string where = origin + " [passages]";
    check_keys(*passages, {"min_words", "max_words"}, where);
    auto min_words = get_or<int64_t>(*passages, "min_words", schema.passages.min_words, where);
    auto max_words = get_or<int64_t>(*passages, "max_words", schema.passages.max_words, where);
    if (min_words < 0 || max_words < 1 || min_words > max_words)
      throw SchemaError(where + ": need 0 <= min_words <= max_words and max_words >= 1");
    schema.passages.min_words = static_cast<uint32_t>(min_words);
    schema.passages.max_words = static_cast<uint32_t>(max_words);
  }
  if (auto* ranking = root["ranking"].as_table())
    schema.ranking = parse_ranking(*ranking, origin + " [ranking]");

  auto* fields = root["field"].as_array();
  if (!fields || fields->empty()) throw SchemaError(origin + ": no [[field]] entries");
  TakenNames taken;
  for (size_t i = 0; i < fields->size(); ++i) {
    auto* t = (*fields)[i].as_table();
    std::string where = origin + " [[field]] #" + std::to_string(i + 1);
    if (!t) throw SchemaError(where + ": not a table");
    schema.fields.push_back(parse_field(*t, origin, where, taken));
  }
  for (auto role : {FieldRole::Id, FieldRole::Body}) {
    if (!schema.find_role(role))
      throw SchemaError(origin + ": the schema needs a field with role = \"" +
                        (role == FieldRole::Id ? "id" : "body") + "\"");
  }
  for (auto role : {FieldRole::Id, FieldRole::Body, FieldRole::Date, FieldRole::Language}) {
    int count = 0;
    for (auto& f : schema.fields) count += f.role == role;
    if (count > 1) throw SchemaError(origin + ": a role may be given to one field only");
  }
  auto& id = schema.role(FieldRole::Id);
  if (id.value_slot < 0 || !id.filter_prefix)
    throw SchemaError(origin + ": the id field needs a filter prefix and a value slot");
  auto& body = schema.role(FieldRole::Body);
  if (!body.text_prefix || !body.text_prefix->empty())
    throw SchemaError(origin + ": the body field needs text = \"\"");
  if (auto* date = schema.find_role(FieldRole::Date); date && date->value_slot < 0)
    throw SchemaError(origin + ": the date field needs a value slot");
  return schema;
}

Schema Schema::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SchemaError(path + ": cannot read schema file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

Schema Schema::builtin() { return parse(kDefaultSchemaToml, "schema/policy.toml (built in)"); }

const FieldSpec* Schema::field(std::string_view name) const {
  for (auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

const FieldSpec* Schema::find_role(FieldRole role) const {
  for (auto& f : fields)
    if (f.role == role) return &f;
  return nullptr;
}

const FieldSpec& Schema::role(FieldRole role) const {
  if (auto* f = find_role(role)) return *f;
  throw SchemaError("schema has no field for a required role");
}

std::vector<std::string> Schema::field_names() const {
  std::vector<std::string> names;
  for (auto& f : fields)
    if ((f.is_text() && !f.text_prefix->empty()) || f.is_filter() || f.value_slot >= 0)
      names.push_back(f.name);
  return names;
}

std::vector<ShownField> Schema::shown_fields() const {
  std::vector<ShownField> shown;
  for (auto& f : fields)
    if (f.stored && f.role != FieldRole::Id && f.role != FieldRole::Body)
      shown.push_back({f.name, f.role});
  return shown;
}

InputOptions Schema::input_options() const {
  InputOptions options;
  options.json_keys.clear();
  options.required_fields.clear();
  options.number_fields.clear();
  options.upper_case_fields.clear();
  options.date_field = find_role(FieldRole::Date) ? find_role(FieldRole::Date)->name : "";
  for (auto& f : fields) {
    if (f.is_filter() && f.filter_case == ValueCase::Upper)
      options.upper_case_fields.push_back(f.name);
    if (f.role == FieldRole::Id || f.role == FieldRole::Date)
      options.number_fields.push_back(f.name);
    options.json_keys[f.json_key] = f.name;
    if (f.required) options.required_fields.push_back(f.name);
  }
  if (auto* lang = find_role(FieldRole::Language)) options.defaults[lang->name] = default_language;
  if (auto* body = find_role(FieldRole::Body)) options.body_field = body->name;
  return options;
}

}  // namespace polsearch
