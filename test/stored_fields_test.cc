// Schema-driven output: a field a schema adds with `stored = true` (here `event`, with
// a filter prefix and a value slot) is read from the input, filters, and is shown in
// JSON hits, in text hits and in `show` (text and JSON), like the built-in fields.
#include <string>

#include "schema.h"
#include "test_support.h"

namespace polsearch::testing {
namespace {

const char* const kEventField = R"(
[[field]]
name = "event"
filter = "XEV"
case = "lower"
value_slot = 7
stored = true
)";

const char* const kRecords =
    R"({"id":"s1","title":"Summit remarks","speaker":"A Speaker","country":"UKR",)"
    R"("date":"2023-07-11","source":"seed","event":"Vilnius Summit",)"
    R"("text":"We discussed security backstops for the region."})"
    "\n";

class StoredFields : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_.path() / "event.toml", Schema::builtin().toml + kEventField);
    write_file(dir_.path() / "s.jsonl", kRecords);
    db_ = (dir_.path() / "db").string();
    auto r =
        run_command({indexer_path(), "--db", db_, "--schema", (dir_.path() / "event.toml").string(),
                     (dir_.path() / "s.jsonl").string()});
    ASSERT_EQ(r.exit_status, 0) << r.err;
  }
  CommandResult searcher(std::vector<std::string> args) {
    args.insert(args.begin(), {searcher_path(), "--db", db_});
    return run_command(args);
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(StoredFields, CustomFieldInJsonHitsAndItFilters) {
  auto r = search(db_, "event:\"Vilnius Summit\" backstops");
  ASSERT_EQ(r.hits.size(), 1u) << r.raw.err;
  EXPECT_EQ(r.hits[0]["event"], "Vilnius Summit");
  EXPECT_EQ(r.hits[0]["speaker"], "A Speaker");
}

TEST_F(StoredFields, CustomFieldInTextHits) {
  auto r = searcher({"--color", "never", "backstops"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("] Summit remarks\n   A Speaker | UKR | 2023-07-11 | seed | Vilnius Summit\n"
                       "   s1 #0\n"),
            std::string::npos)
      << r.out;
}

TEST_F(StoredFields, CustomFieldInShowTextAndJson) {
  auto text = searcher({"show", "s1"});
  ASSERT_EQ(text.exit_status, 0) << text.err;
  EXPECT_EQ(text.out.substr(0, text.out.find("\n\n")),
            "Summit remarks\n"
            "   id: s1\n"
            "   speaker: A Speaker\n"
            "   country: UKR\n"
            "   date: 2023-07-11\n"
            "   source: seed\n"
            "   lang: en\n"
            "   event: Vilnius Summit\n"
            "   passages: 1");
  auto json = searcher({"--format", "json", "show", "s1"});
  ASSERT_EQ(json.exit_status, 0) << json.err;
  auto statement = nlohmann::json::parse(json.out);
  EXPECT_EQ(statement["event"], "Vilnius Summit");
  EXPECT_EQ(statement["title"], "Summit remarks");
}

}  // namespace
}  // namespace polsearch::testing
