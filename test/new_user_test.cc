// What a new user runs into (issue 11): inputs of every kind, messages, plurals and
// the command line, each checked through the real programs.
#include <gtest/gtest.h>

#include "test_support.h"

namespace polsearch::testing {
namespace {

CommandResult index_files(const std::string& db, std::vector<std::string> inputs,
                          std::vector<std::string> extra = {}) {
  std::vector<std::string> argv{indexer_path(), "--db", db};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.insert(argv.end(), inputs.begin(), inputs.end());
  return run_command(argv);
}

CommandResult index_stdin(const std::string& db, const std::string& lines) {
  return run_command({indexer_path(), "--db", db, "-"}, lines);
}

// ---- 5a: a title without text ----

TEST(NewUserInputs, RecordWithTitleAndEmptyTextIsIndexedAndFoundByItsTitle) {
  TempDir dir;
  std::string db = dir.str() + "/db";
  auto r = index_stdin(
      db, R"({"id":"t1","title":"Extraction of Roots by Repeated Subtractions","text":""})"
          "\n"
          R"({"id":"t2","title":"Only a title here"})"
          "\n");
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.err.find("2 statements added"), std::string::npos) << r.err;
  auto found = search(db, "subtractions");
  ASSERT_EQ(found.hits.size(), 1u) << found.raw.out << found.raw.err;
  EXPECT_EQ(found.hits[0]["doc_id"], "t1");
  EXPECT_EQ(found.hits[0]["text"], "Extraction of Roots by Repeated Subtractions");
}

TEST(NewUserInputs, RecordWithNeitherTitleNorTextIsStillAnError) {
  TempDir dir;
  auto r = index_stdin(dir.str() + "/db", R"({"id":"t1","text":"  "})"
                                          "\n");
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("<stdin>:1: error: record has an empty \"text\""), std::string::npos)
      << r.err;
}

TEST(NewUserInputs, CacmIndexesAsIsWithTheBeirSchema) {
  REQUIRE_SHARED("eval/cacm/corpus.jsonl.gz");
  TempDir dir;
  auto r = index_files(dir.str() + "/db", {(shared_dir() / "eval/cacm/corpus.jsonl.gz").string()},
                       {"--schema", std::string(POLSEARCH_SOURCE_DIR) + "/schema/beir.toml"});
  EXPECT_EQ(r.exit_status, 0) << r.err.substr(0, 2000);
  EXPECT_NE(r.err.find("3204 statements added, 0 replaced, 0 skipped"), std::string::npos)
      << r.err.substr(0, 2000);
}

// ---- 5c: files of other types ----

TEST(NewUserInputs, FolderFilesOfOtherTypesAreCountedAndNamed) {
  TempDir dir;
  std::filesystem::create_directory(dir.path() / "in");
  write_file(dir.path() / "in/a.docx", "PK\x03\x04");
  write_file(dir.path() / "in/b.png", "\x89PNG\r\n");
  write_file(dir.path() / "in/c.md", "# A title\n\nSome text to index.\n");
  auto r = index_files(dir.str() + "/db", {dir.str() + "/in"});
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.err.find("1 statement added"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 files of other types skipped"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("in/a.docx, " + dir.str() + "/in/b.png"), std::string::npos) << r.err;
}

TEST(NewUserInputs, UnsupportedFileNamedDirectlyIsRefusedWithStatus2) {
  TempDir dir;
  write_file(dir.path() / "a.docx", "PK\x03\x04");
  std::string db = dir.str() + "/db";
  auto r = index_files(db, {dir.str() + "/a.docx"});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("a.docx: unsupported file type '.docx'"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(db)) << "refused before the database is created";
}

TEST(NewUserInputs, FileWithoutExtensionNamedDirectlyIsPlainText) {
  TempDir dir;
  write_file(dir.path() / "NOTES", "Notes\n\nA plain text file without an extension.\n");
  auto r = index_files(dir.str() + "/db", {dir.str() + "/NOTES"});
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(search(dir.str() + "/db", "extension").hits.size(), 1u);
}

// ---- 5b: a number where a string is expected ----

TEST(NewUserInputs, NumberAsSpeakerIsIndexedAsTextWithAWarning) {
  TempDir dir;
  std::string db = dir.str() + "/db";
  auto r = index_stdin(db, R"({"id":"n1","speaker":42,"date":2022,"text":"Some words."})"
                           "\n");
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.err.find("<stdin>:1: warning: field \"speaker\" is a number (42), not a string; "
                       "indexed as the text \"42\""),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("\"date\" is a number"), std::string::npos) << "a year is expected";
  EXPECT_NE(r.err.find("1 warning;"), std::string::npos) << r.err;
  auto found = search(db, "words");
  ASSERT_EQ(found.hits.size(), 1u);
  EXPECT_EQ(found.hits[0]["speaker"], "42");
  EXPECT_EQ(found.hits[0]["date"], "2022");
}

// ---- 5d: dates as people write them; codes folded as filters fold them ----

std::string indexed_date(const std::string& written) {
  TempDir dir;
  std::string db = dir.str() + "/db";
  write_file(dir.path() / "s.md",
             "---\ndate: " + written + "\ncountry: fr\n---\n# Title\n\nSome words here.\n");
  auto r = index_files(db, {dir.str() + "/s.md"});
  if (r.exit_status != 0) return "exit " + std::to_string(r.exit_status) + ": " + r.err;
  auto found = search(db, "words");
  if (found.hits.size() != 1) return "no hit: " + found.raw.out + found.raw.err;
  const auto& date = found.hits[0]["date"];
  return date.is_null() ? "(none)" : date.get<std::string>();
}

TEST(NewUserInputs, FrontMatterDatesInCommonFormsAreIndexedAsIso) {
  EXPECT_EQ(indexed_date("2023-06-14"), "2023-06-14");
  EXPECT_EQ(indexed_date("14 June 2023"), "2023-06-14");
  EXPECT_EQ(indexed_date("June 14, 2023"), "2023-06-14");
  EXPECT_EQ(indexed_date("14.06.2023"), "2023-06-14");
  EXPECT_EQ(indexed_date("14 Jun 2023"), "2023-06-14");
  EXPECT_EQ(indexed_date("June 2023"), "2023-06");
  EXPECT_EQ(indexed_date("2023"), "2023");
}

TEST(NewUserInputs, DateNotUnderstoodIsWarnedAndNeverShown) {
  EXPECT_EQ(indexed_date("31 June 2023"), "(none)");
  EXPECT_EQ(indexed_date("sometime in 2023"), "(none)");
  TempDir dir;
  write_file(dir.path() / "s.md", "---\ndate: the ides of March\n---\n# T\n\nSome words.\n");
  auto r = index_files(dir.str() + "/db", {dir.str() + "/s.md"});
  EXPECT_NE(r.err.find("warning: date 'the ides of March' is not a date"), std::string::npos)
      << r.err;
  auto shown = run_command({searcher_path(), "--db", dir.str() + "/db", "words"});
  EXPECT_EQ(shown.out.find("ides"), std::string::npos) << shown.out;
}

TEST(NewUserInputs, DateFilterFindsAWrittenOutDate) {
  TempDir dir;
  std::string db = dir.str() + "/db";
  write_file(dir.path() / "s.md", "---\ndate: 14 June 2023\n---\n# T\n\nSome words.\n");
  ASSERT_EQ(index_files(db, {dir.str() + "/s.md"}).exit_status, 0);
  EXPECT_EQ(search(db, "words date:2023-06").hits.size(), 1u);
  EXPECT_EQ(search(db, "words date:..2022").hits.size(), 0u);
}

TEST(NewUserInputs, LowerCaseCountryIsStoredFacetedAndShownAsTheFilterFoldsIt) {
  TempDir dir;
  std::string db = dir.str() + "/db";
  write_file(dir.path() / "s.md", "---\ncountry: fr\n---\n# T\n\nSome words.\n");
  ASSERT_EQ(index_files(db, {dir.str() + "/s.md"}).exit_status, 0);
  auto found = search(db, "words country:fr", {"--facets"});
  ASSERT_EQ(found.hits.size(), 1u) << found.raw.out;
  EXPECT_EQ(found.hits[0]["country"], "FR");
  auto text = run_command({searcher_path(), "--db", db, "--facets", "words"});
  EXPECT_NE(text.out.find("facet country (1 passage):  FR 1"), std::string::npos) << text.out;
}

// ---- 6: messages and the command line ----

const std::string kSamples = std::string(POLSEARCH_SOURCE_DIR) + "/samples/statements";

class SampleDb : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    auto r = index_files(db(), {kSamples});
    ASSERT_EQ(r.exit_status, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string db() { return dir_->str() + "/db"; }
  static TempDir* dir_;
};
TempDir* SampleDb::dir_ = nullptr;

TEST_F(SampleDb, DashedQueryWordGetsAHintToUseDoubleDash) {
  auto r = run_command({searcher_path(), "--db", db(), "-backstop"});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("a query starting with '-' must follow '--': searcher --db DIR -- "
                       "-backstop"),
            std::string::npos)
      << r.err;
  auto after_dashes = run_command({searcher_path(), "--db", db(), "--", "-backstop", "patrols"});
  EXPECT_EQ(after_dashes.exit_status, 0) << after_dashes.err;
  auto unknown_long = run_command({searcher_path(), "--db", db(), "--no-such-option", "x"});
  EXPECT_EQ(unknown_long.err.find("must follow '--'"), std::string::npos) << unknown_long.err;
}

TEST(NewUserMessages, HelpNamesTheProgram) {
  EXPECT_NE(run_command({searcher_path(), "--help"}).out.find("Usage: searcher "),
            std::string::npos);
  EXPECT_NE(run_command({indexer_path(), "--help"}).out.find("Usage: indexer "), std::string::npos);
}

TEST_F(SampleDb, CountsOfOneAreSingular) {
  // "Israel": two passages of the seed statement, one shown.
  auto one = run_command({searcher_path(), "--db", db(), "--per-doc", "1", "Israel"});
  EXPECT_NE(one.out.find("(+1 more passage from this statement)"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("1 passage shown"), std::string::npos) << one.out;
  auto index_one =
      index_files(dir_->str() + "/one", {kSamples + "/north-atlantic-treaty-article-5.md"});
  EXPECT_NE(index_one.err.find("indexer: 1 statement added, 0 replaced, 0 skipped; 2 passages; "
                               "0 errors, 0 warnings;"),
            std::string::npos)
      << index_one.err;
}

TEST_F(SampleDb, BatchModeExitsOneWhenAQueryCannotBeRun) {
  auto r = run_command({searcher_path(), "--db", db(), "--queries", "-", "--query-syntax", "full"},
                       "q1\tbackstop\nq2\t\"unclosed\n");
  EXPECT_EQ(r.exit_status, 1) << r.err;
  EXPECT_NE(r.out.find("# query q1: backstop"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("query q2"), std::string::npos) << r.err;
}

TEST(NewUserMessages, SchemaMismatchSaysWhatDiffers) {
  TempDir dir;
  std::string db = dir.str() + "/db";
  ASSERT_EQ(index_files(db, {kSamples}).exit_status, 0);
  std::string schema = read_file(std::string(POLSEARCH_SOURCE_DIR) + "/schema/policy.toml");
  schema += "\n[[field]]\nname = \"committee\"\nfilter = \"XCOM\"\nstored = true\n";
  size_t k1 = schema.find("k1 = 1.2");
  ASSERT_NE(k1, std::string::npos);
  schema.replace(k1, 8, "k1 = 0.9");
  write_file(dir.path() / "custom.toml", schema);
  auto r = index_files(db, {kSamples}, {"--schema", dir.str() + "/custom.toml"});
  EXPECT_EQ(r.exit_status, 3);
  EXPECT_NE(r.err.find("field 'committee' added"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[ranking] changed (k1 1.2 -> 0.9)"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace polsearch::testing
