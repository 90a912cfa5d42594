// The schema is the single source of truth: the built-in one must load, and bad
// schemas must be refused with a message naming the field and the problem.
#include <gtest/gtest.h>

#include <regex>

#include "ranking_knobs.h"
#include "schema.h"
#include "toml_guard.h"

namespace polsearch {
namespace {

TEST(Schema, BuiltinDeclaresEveryStatementField) {
  Schema s = Schema::builtin();
  for (const char* name : {"id", "title", "speaker", "country", "date", "source", "lang", "text"})
    EXPECT_NE(s.field(name), nullptr) << name;
  EXPECT_EQ(s.role(FieldRole::Id).name, "id");
  EXPECT_EQ(s.role(FieldRole::Body).name, "text");
  EXPECT_EQ(*s.field("title")->text_prefix, "S");
  EXPECT_EQ(s.field("title")->weight, 2u);
  EXPECT_EQ(*s.field("speaker")->text_prefix, "A");
  EXPECT_EQ(*s.field("country")->filter_prefix, "XC");
  EXPECT_FALSE(s.field("date")->is_filter());
  EXPECT_EQ(s.field("date")->value_slot, 0);
  EXPECT_EQ(s.passages.max_words, 180u);
  EXPECT_DOUBLE_EQ(s.ranking.k1, 1.2);
  auto options = s.input_options();
  EXPECT_EQ(options.json_keys.at("text"), "text");
  EXPECT_EQ(options.defaults.at("lang"), "en");
}

TEST(Schema, FieldNamesForTheQueryParser) {
  auto names = Schema::builtin().field_names();
  for (const char* name : {"id", "title", "speaker", "country", "date", "source", "lang"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  EXPECT_EQ(std::find(names.begin(), names.end(), "text"), names.end());
}

const char* kMinimal = R"(
format = 1
[[field]]
name = "id"
role = "id"
filter = "XID"
value_slot = 1
[[field]]
name = "text"
role = "body"
text = ""
)";

TEST(Schema, MinimalSchemaParses) {
  Schema s = Schema::parse(kMinimal, "minimal.toml");
  EXPECT_EQ(s.fields.size(), 2u);
  EXPECT_EQ(s.toml, kMinimal);
}

// toml++ 3.3 has undefined behaviour on some non-ASCII characters outside strings
// (found by fuzz/fuzz_schema); they are refused before it reads them.
TEST(Schema, NonAsciiOutsideStringsIsRefusedAndInsideStringsAndCommentsAccepted) {
  try {
    Schema::parse(std::string(kMinimal) + "[passag\u021b]\n", "odd.toml");
    FAIL() << "accepted";
  } catch (const SchemaError& e) {
    EXPECT_NE(std::string(e.what()).find("odd.toml:12:8: a non-ASCII character"), std::string::npos)
        << e.what();
  }
  std::string fine =
      "# ¡comentario!\nname = \"d\u00e9claration \\\" \u021b\"\n" + std::string(kMinimal);
  EXPECT_EQ(Schema::parse(fine, "fine.toml").name, "d\u00e9claration \" \u021b");
}

// The guard's model of where strings are must match toml++'s wherever toml++
// reads on: a non-ASCII character it takes for a string but toml++ does not is
// undefined behaviour. Expected: the 1-based "line:column" found, or "" for none.
struct GuardCase {
  const char* toml;
  const char* expected;
};

TEST(TomlGuard, FindsNonAsciiWhereTomlppWouldClassifyIt) {
  const GuardCase cases[] = {
      {"a = \"\u00e9\"\n", ""},
      {"a = '\u00e9'\n", ""},
      {"a = \"\"\"\n\u00e9\n\"\"\"\n", ""},
      {"a = [\n  \"\u00e9\", \"\uFEF8\",\n]\n", ""},
      {"a = { \"c\u00f4te\" = '\u021b' }\n", ""},
      {"\"\u00e9\".b = 1\nc.\"\u00e9\" = 2\n[\"\u00e9\"]\n", ""},
      {"# \u00e9\na = 1 # \uFEF8\n", ""},
      {"a = \u00e9\n", "1:5"},
      {"a = 1\"x\uFEF8\"\n", "1:8"},
      {"a = \"x\" \"\u00e9\"\n", "1:10"},
      {"a = \"x\nb = \u00e9\"\n", "2:5"},
  };
  for (const auto& c : cases) {
    const auto found = non_ascii_outside_strings(c.toml);
    const std::string got =
        found ? std::to_string(found->line) + ":" + std::to_string(found->column) : "";
    EXPECT_EQ(got, c.expected) << c.toml;
  }
}

// Inputs on which toml++ itself reached undefined behaviour (fuzz_schema): each is
// refused with a position, before toml++ classifies the character. Run under UBSan
// by `make sanitize`.
TEST(TomlGuard, MalformedInputsFoundByFuzzingAreRefusedWithAPosition) {
  using namespace std::string_literals;  // the inputs hold NUL bytes
  const std::pair<std::string, const char*> cases[] = {
      {"fo= 1\"et\0h\x01=\xef\xbb\xb8\n"s, "in.toml:1:6: "},
      {"fo= 2\"etjalue_sl=='\0\xcd\x82\0# 2\n"s, "in.toml:1:6: "},
      {"a = 1\"x\uFEF8\"\n"s, "in.toml:1:6: "},
      {"[passag\u021b]\n"s, "in.toml:1:8: a non-ASCII character outside a string or comment"},
  };
  for (const auto& [toml, expected] : cases) {
    try {
      parse_toml_guarded(toml, "in.toml");
      ADD_FAILURE() << "accepted: " << toml;
    } catch (const TomlError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(expected, 0), 0u) << e.what();
    }
  }
}

struct BadSchema {
  const char* name;
  std::string toml;
  const char* expected;  // substring of the error
};

class SchemaErrors : public ::testing::TestWithParam<BadSchema> {};

TEST_P(SchemaErrors, RefusedWithClearMessage) {
  try {
    Schema::parse(GetParam().toml, "bad.toml");
    FAIL() << "accepted: " << GetParam().toml;
  } catch (const SchemaError& e) {
    EXPECT_NE(std::string(e.what()).find(GetParam().expected), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, SchemaErrors,
    ::testing::Values(
        BadSchema{"syntax", "format = ", "bad.toml:1"},
        BadSchema{"future_format",
                  std::regex_replace(kMinimal, std::regex("format = 1"), "format = 99"),
                  "a newer version of polsearch is needed"},
        BadSchema{"no_fields", "format = 1\n", "no [[field]]"},
        BadSchema{"unknown_key", std::string(kMinimal) + "[[field]]\nname = \"x\"\ncolour = 1\n",
                  "unknown key 'colour'"},
        BadSchema{"duplicate_prefix",
                  std::string(kMinimal) + "[[field]]\nname = \"x\"\nfilter = \"XID\"\n",
                  "prefix 'XID' is used twice"},
        BadSchema{"reserved_prefix",
                  std::string(kMinimal) + "[[field]]\nname = \"x\"\ntext = \"Z\"\n", "reserved"},
        BadSchema{"lowercase_prefix",
                  std::string(kMinimal) + "[[field]]\nname = \"x\"\nfilter = \"x\"\n",
                  "capital letters"},
        BadSchema{
            "duplicate_slot",
            std::string(kMinimal) + "[[field]]\nname = \"x\"\nfilter = \"XX\"\nvalue_slot = 1\n",
            "value slot 1 is used twice"},
        BadSchema{"no_body",
                  "[[field]]\nname = \"id\"\nrole = \"id\"\nfilter = \"XID\"\nvalue_slot = 1\n",
                  "role = \"body\""},
        BadSchema{"bad_b", std::string(kMinimal) + "[ranking]\nb = 2.0\n", "0 <= b <= 1"},
        BadSchema{"bad_passages",
                  std::string(kMinimal) + "[passages]\nmin_words = 50\nmax_words = 10\n",
                  "min_words <= max_words"}),
    [](const auto& info) { return info.param.name; });

// [ranking] is read from the knob table (src/model/ranking_knobs.cc): each key sets its
// member, a wrong value gets the whole message naming the group's ranges.
TEST(Schema, RankingKnobsFromTheTable) {
  struct Case {
    std::string ranking;
    std::string expected;  // the knobs that differ from the defaults, or the error
  };
  const Case cases[] = {
      {"k1 = 0.9\nb = 0.4\n", "k1=0.9 b=0.4"},
      {"all_terms_first = false\nper_doc = 0\n", "all_terms_first=0 per_doc=0"},
      {"prf_docs = 10\nprf_terms = 20\nproximity_near = true\n",
       "proximity_near=1 prf_docs=10 prf_terms=20"},
      {"stopwords = \"lucene\"\n", "stopwords=lucene"},
      {"b = 2.0\n", "bad.toml [ranking]: need k1 >= 0, 0 <= b <= 1, exact_boost >= 0"},
      {"proximity_window = 1\n",
       "bad.toml [ranking]: need proximity_weight >= 0, 2 <= proximity_window <= 1000, "
       "0 <= prf_docs <= 1000, 0 <= prf_terms <= 1000, prf_weight >= 0, other_passages >= 0"},
      {"stopwords = \"all\"\n",
       "bad.toml [ranking]: stopwords must be \"none\", \"lucene\" or \"common\""},
      {"k1 = \"high\"\n", "bad.toml [ranking]: 'k1' has the wrong type"},
      {"k3 = 1\n", "bad.toml [ranking]: unknown key 'k3'"},
  };
  const RankingParams defaults;
  for (const Case& c : cases) {
    std::string outcome;
    try {
      Schema s = Schema::parse(std::string(kMinimal) + "[ranking]\n" + c.ranking, "bad.toml");
      for (const RankingKnob& knob : ranking_knobs()) {
        double value = knob_number(s.ranking, knob);
        if (value == value && value != knob_number(defaults, knob))
          outcome += (outcome.empty() ? "" : " ") + std::string(knob.name) + "=" +
                     testing::PrintToString(value);
      }
      if (s.ranking.stopwords != defaults.stopwords)
        outcome += (outcome.empty() ? "" : " ") + std::string("stopwords=") + s.ranking.stopwords;
    } catch (const SchemaError& e) {
      outcome = e.what();
    }
    EXPECT_EQ(outcome, c.expected) << c.ranking;
  }
}

TEST(Schema, EveryRankingKnobHasADefaultAndARange) {
  for (const RankingKnob& knob : ranking_knobs()) {
    EXPECT_FALSE(knob_default_text(knob).empty()) << knob.name;
    EXPECT_FALSE(knob_range_text(knob).empty()) << knob.name;
    if (!knob.option.empty()) {
      EXPECT_FALSE(knob.help.empty()) << knob.name;
    }
  }
  EXPECT_EQ(knob_default_text(ranking_knob("k1")), "1.2");
  EXPECT_EQ(knob_default_text(ranking_knob("all_terms_first")), "true");
  EXPECT_EQ(knob_range_text(ranking_knob("b")), "0 <= b <= 1");
}

struct DateCase {
  const char* input;
  const char* expected;  // "" = not a date
};

class DateNormalisation : public ::testing::TestWithParam<DateCase> {};

TEST_P(DateNormalisation, ToSortableForm) {
  auto got = normalise_date(GetParam().input);
  if (*GetParam().expected == 0) {
    EXPECT_FALSE(got.has_value()) << *got;
  } else {
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, GetParam().expected);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, DateNormalisation,
                         ::testing::Values(DateCase{"2022", "20220000"},
                                           DateCase{"2022-03", "20220300"},
                                           DateCase{"2022-03-05", "20220305"},
                                           DateCase{"1789/04/30", "17890430"}, DateCase{"22", ""},
                                           DateCase{"2022-13", ""}, DateCase{"2022-02-32", ""},
                                           DateCase{"circa 1950", ""},
                                           DateCase{"2022-03-05T10:00", ""}, DateCase{"", ""}),
                         [](const auto& info) { return "case" + std::to_string(info.index); });

}  // namespace
}  // namespace polsearch
