// The term vocabulary (src/model/terms.h) and the UTF-8 cut it shares with every
// layer: unit cases, then the multibyte filter value over Xapian's term limit end to
// end through the real indexer and searcher.
#include <string>

#include "terms.h"
#include "test_support.h"
#include "utf8.h"

namespace polsearch::testing {
namespace {

std::string repeat(std::string_view unit, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += unit;
  return out;
}

struct CutCase {
  std::string text;
  size_t max_bytes;
  std::string expected;
};

TEST(Utf8, CutNeverSplitsACharacter) {
  const CutCase cases[] = {
      {"abcdef", 4, "abcd"}, {"abc", 10, "abc"},
      {"ЖЖЖ", 3, "Ж"},                         // Ж is 2 bytes: a cut at 3 falls back to 2
      {"ЖЖЖ", 4, "ЖЖ"},      {"a€b", 2, "a"},  // € is 3 bytes
      {"a€b", 4, "a€"},      {"😀x", 3, ""},    // a 4-byte character that does not fit at all
      {"", 5, ""},
  };
  for (const auto& c : cases) {
    std::string s = c.text;
    utf8::cut(s, c.max_bytes);
    EXPECT_EQ(s, c.expected) << c.text << " cut at " << c.max_bytes;
  }
}

TEST(Utf8, CountsCodePointsAndTrimsAsciiSpace) {
  EXPECT_EQ(utf8::count_code_points("aЖ€😀"), 4u);
  EXPECT_EQ(utf8::trim(" \t x y \n"), "x y");
  EXPECT_EQ(utf8::trim("   "), "");
}

TEST(Terms, BuiltFromTheSchemaFields) {
  Schema schema = Schema::builtin();
  const FieldSpec& country = *schema.field("country");
  EXPECT_EQ(terms::filter_term(country, "ukr"), "XCUKR");
  EXPECT_EQ(terms::membership_term(schema, "seed-1"), "XIDseed-1");
  EXPECT_EQ(terms::record_term("seed-1"), "Qseed-1");
  EXPECT_EQ(terms::without_records(Xapian::Query("peace")).get_description(),
            "Query((peace AND_NOT XTstatement))");
}

TEST(Terms, LongMultibyteFilterValueIsCutAtACharacterBoundary) {
  Schema schema = Schema::builtin();
  const FieldSpec& source = *schema.field("source");
  std::string term = terms::filter_term(source, repeat("Ж", 150));  // 300 bytes
  EXPECT_EQ(term.size(), 244u);  // "XSRC" + 120 × Ж; 245 would split the 121st
  EXPECT_EQ(term, "XSRC" + repeat("Ж", 120));
}

TEST(Terms, SchemaMayNotUseAReservedPrefix) {
  for (std::string_view prefix : terms::kReservedPrefixes) {
    std::string toml = std::string(Schema::builtin().toml);
    std::string field = "\n[[field]]\nname = \"extra\"\nfilter = \"" + std::string(prefix) + "\"\n";
    EXPECT_THROW(Schema::parse(toml + field, "test"), SchemaError) << prefix;
  }
}

// The bug: the query side cut filter terms at byte 245, the indexer at a
// character boundary, so a 300-byte Cyrillic source matched nothing by its filter.
TEST(Terms, ThreeHundredByteMultibyteSourceIsFoundByItsFilter) {
  TempDir dir;
  std::string source = repeat("Ж", 150);
  write_file(dir.path() / "s.jsonl",
             "{\"id\":\"long-source\",\"source\":\"" + source +
                 "\",\"text\":\"The allies agreed on security backstops.\"}\n"
                 "{\"id\":\"other\",\"source\":\"Other\",\"text\":\"More backstops here.\"}\n");
  std::string db = (dir.path() / "db").string();
  auto indexed = run_command({indexer_path(), "--db", db, (dir.path() / "s.jsonl").string()});
  ASSERT_EQ(indexed.exit_status, 0) << indexed.err;

  auto plain = search(db, "backstops");
  EXPECT_EQ(plain.hits.size(), 2u);
  auto filtered = search(db, "source:" + source + " backstops");
  ASSERT_EQ(filtered.hits.size(), 1u) << filtered.raw.out << filtered.raw.err;
  EXPECT_EQ(filtered.hits[0]["doc_id"], "long-source");
}

}  // namespace
}  // namespace polsearch::testing
