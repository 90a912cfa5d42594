#include "input.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "index_summary.h"
#include "indexing.h"
#include "test_support.h"

namespace polsearch {
namespace {

using namespace std::string_literals;
using testing::read_file;
using testing::TempDir;
using testing::write_file;

const std::string kData = std::string(POLSEARCH_TEST_DATA) + "/input";

InputOptions default_options() {
  InputOptions o;
  for (const char* f : {"id", "title", "speaker", "country", "date", "source", "lang", "text"})
    o.json_keys[f] = f;
  return o;
}

struct Result {
  std::vector<InputRecord> records;
  std::vector<InputError> errors;
  std::vector<InputProgress> progress;
  uint64_t returned = 0;

  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (auto& r : records) out.push_back(r.statement.value("id"));
    return out;
  }
  // "where: message" lines, for failure output.
  std::string error_list() const {
    std::string out;
    for (auto& e : errors) out += e.where.str() + ": " + e.message + "\n";
    return out;
  }
};

Result read(const std::vector<std::string>& inputs,
            const InputOptions& options = default_options()) {
  Result r;
  InputCallbacks cb;
  cb.on_record = [&](InputRecord&& rec) { r.records.push_back(std::move(rec)); };
  cb.on_error = [&](const InputError& e) { r.errors.push_back(e); };
  cb.on_progress = [&](const InputProgress& p) { r.progress.push_back(p); };
  r.returned = read_inputs(inputs, options, cb);
  // Every message is one line that starts with the description, not a location.
  for (auto& e : r.errors) {
    EXPECT_EQ(e.message.find('\n'), std::string::npos) << e.message;
    EXPECT_FALSE(e.message.empty());
    EXPECT_NE(e.message.rfind(e.where.file, 0), 0u) << "message repeats the file: " << e.message;
  }
  EXPECT_EQ(r.returned, r.errors.size());
  return r;
}

struct ExpectedError {
  uint64_t line;
  std::vector<std::string> words;  // substrings the message must contain
};

void expect_errors(const Result& r, const std::string& file,
                   const std::vector<ExpectedError>& expected) {
  ASSERT_EQ(r.errors.size(), expected.size()) << r.error_list();
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(r.errors[i].where.file, file);
    EXPECT_EQ(r.errors[i].where.line, expected[i].line) << r.errors[i].message;
    for (auto& w : expected[i].words)
      EXPECT_NE(r.errors[i].message.find(w), std::string::npos)
          << "'" << r.errors[i].message << "' lacks '" << w << "'";
  }
}

std::string numbered_records_for_damage() {
  std::string out;
  for (int i = 0; i < 20; ++i)
    out += R"({"id":"r)" + std::to_string(i) + R"(","title":"T\u00e9","date":2020,"text":"Text )" +
           std::to_string(i) + R"( \"q\" \u2014 end."})" + "\n";
  return out;
}

// ---- UTF-8 validation ----

TEST(IsValidUtf8, Table) {
  struct Case {
    std::string text;
    bool valid;
    size_t bad;
  };
  const std::vector<Case> cases = {
      {"", true, 0},
      {"plain ASCII, long enough to take the sixteen-byte path.", true, 0},
      {"\x7f", true, 0},
      {"caf\xc3\xa9", true, 0},
      {"\xe2\x82\xac euro", true, 0},
      {"\xf0\x9f\x98\x80 emoji", true, 0},
      {"\xf4\x8f\xbf\xbf", true, 0},  // U+10FFFF
      {"\xed\x9f\xbf", true, 0},      // U+D7FF
      {"\xee\x80\x80", true, 0},      // U+E000
      {"\0 NUL is valid UTF-8"s, true, 0},
      {"abc\x80", false, 3},  // lone continuation
      {"abc\xbf def", false, 3},
      {"\xc0\xaf", false, 0},          // overlong '/'
      {"\xc1\xbf", false, 0},          // overlong
      {"\xe0\x80\xaf", false, 0},      // overlong 3-byte
      {"\xe0\x9f\xbf", false, 0},      // overlong 3-byte
      {"\xf0\x80\x80\xaf", false, 0},  // overlong 4-byte
      {"\xf0\x8f\xbf\xbf", false, 0},  // overlong 4-byte
      {"ok \xed\xa0\x80", false, 3},   // surrogate U+D800
      {"\xed\xbf\xbf", false, 0},      // surrogate U+DFFF
      {"\xf4\x90\x80\x80", false, 0},  // U+110000
      {"\xf5\x80\x80\x80", false, 0},
      {"\xff", false, 0},
      {"\xfe\xff", false, 0},
      {"x\xc3", false, 1},  // truncated at end
      {"x\xe2\x82", false, 1},
      {"x\xf0\x9f\x98", false, 1},
      {"\xc3(", false, 0},  // bad continuation
      {"\xe2\x28\xa1", false, 0},
      {"\xe2\x82\x28", false, 0},
      {"0123456789abcdef0123456789abcdef\xc3\xa9\xff", false, 34},
      {std::string(1000, 'a') + "\xc3\xa9" + std::string(100, 'b') + "\x80", false, 1102},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    size_t bad = 12345;
    EXPECT_EQ(is_valid_utf8(cases[i].text, &bad), cases[i].valid) << "case " << i;
    if (!cases[i].valid) {
      EXPECT_EQ(bad, cases[i].bad) << "case " << i;
    }
    EXPECT_EQ(is_valid_utf8(cases[i].text), cases[i].valid) << "case " << i;
  }
}

TEST(IsValidUtf8, AgreesWithIcuStyleDecoderOnAllTwoByteAndThreeBytePrefixes) {
  // Every lead byte followed by every second byte: compare with a reference decoder.
  auto reference = [](unsigned a, unsigned b, unsigned c) {
    unsigned char s[3] = {static_cast<unsigned char>(a), static_cast<unsigned char>(b),
                          static_cast<unsigned char>(c)};
    uint32_t cp;
    int len;
    if (s[0] < 0x80) return true;
    if ((s[0] & 0xE0) == 0xC0) {
      cp = s[0] & 0x1F, len = 2;
    } else if ((s[0] & 0xF0) == 0xE0) {
      cp = s[0] & 0x0F, len = 3;
    } else {
      return false;  // 4-byte leads need a fourth byte; tested in the table
    }
    for (int k = 1; k < len; ++k) {
      if ((s[k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[k] & 0x3F);
    }
    if (len == 2 && cp < 0x80) return false;
    if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return false;
    // A 2-byte sequence followed by an ASCII byte is valid as a whole.
    return len == 3 || s[2] < 0x80;
  };
  for (unsigned a = 0x80; a < 0xF0; ++a)
    for (unsigned b = 0; b < 0x100; ++b) {
      std::string s = {static_cast<char>(a), static_cast<char>(b), static_cast<char>(0x80)};
      if ((a & 0xE0) == 0xC0) s[2] = 'x';
      ASSERT_EQ(is_valid_utf8(s), reference(a, b, static_cast<unsigned char>(s[2])))
          << std::hex << a << " " << b;
    }
}

// ---- JSON Lines fixtures ----

TEST(ReadJsonLines, MalformedLinesBetweenGoodOnes) {
  const std::string f = kData + "/malformed.jsonl";
  auto r = read({f});
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a", "c", "e"}));
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].where.line, 1u);
  EXPECT_EQ(r.records[1].where.line, 5u);  // CRLF line, after a blank and a whitespace line
  EXPECT_EQ(r.records[1].statement.value("text"), "Gamma text.");
  EXPECT_EQ(r.records[2].where.line, 8u);  // last line without a newline
  EXPECT_EQ(r.records[0].where.file, f);
  expect_errors(r, f,
                {{2, {"invalid JSON at column", "end of input"}},
                 {6, {"invalid JSON at column 2", "invalid literal"}},
                 {7, {"invalid JSON at column 26", "','"}}});
}

TEST(ReadJsonLines, InvalidUtf8) {
  const std::string f = kData + "/invalid_utf8.jsonl";
  auto r = read({f});
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"u1", "u5"}));
  EXPECT_EQ(r.records[0].statement.value("text"), "ok \xc3\xa9");
  expect_errors(r, f,
                {{2, {"invalid UTF-8", "column 24", "0xFF"}},
                 {3, {"invalid UTF-8", "column 29", "0xC0"}},
                 {4, {"invalid UTF-8", "column 30", "0xED"}}});
}

TEST(ReadJsonLines, NulBytes) {
  const std::string f = kData + "/nul.jsonl";
  auto r = read({f});
  // A raw NUL is a control character JSON forbids; an escaped one is text like any other.
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"n3"}));
  EXPECT_EQ(r.records[0].statement.value("text"), "escaped \0 NUL"s);
  expect_errors(r, f,
                {{1, {"invalid JSON at column 28", "control character U+0000"}},
                 {2, {"invalid JSON at column 1"}}});
}

TEST(ReadJsonLines, MissingAndEmptyRequiredFields) {
  const std::string f = kData + "/missing_fields.jsonl";
  auto r = read({f});
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"m6"}));
  expect_errors(r, f,
                {{1, {"record has no \"id\""}},
                 {2, {"record has no \"text\""}},
                 {3, {"record has an empty \"id\""}},
                 {4, {"record has an empty \"text\""}},
                 {5, {"record has no \"id\""}}});
}

TEST(ReadJsonLines, FieldTypes) {
  const std::string f = kData + "/wrong_types.jsonl";
  auto options = default_options();
  options.defaults = {{"lang", "en"}, {"speaker", "Unknown"}};
  auto r = read({f}, options);
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"w3", "7"}));
  ASSERT_EQ(r.records.size(), 2u);
  const Statement& w3 = r.records[0].statement;
  EXPECT_EQ(w3.value("date"), "2022");
  EXPECT_EQ(w3.value("lang"), "true");        // given, so no default
  EXPECT_EQ(w3.value("speaker"), "Unknown");  // null is absent: the default applies
  EXPECT_EQ(w3.get("extra"), nullptr);        // unmapped keys are ignored, nested or not
  ASSERT_EQ(w3.warnings.size(), 1u);  // a year as a number in "date" is expected: no warning
  EXPECT_EQ(w3.warnings[0],
            "field \"lang\" is a boolean (true), not a string; indexed as the "
            "text \"true\"");
  // 1.50 keeps its JSON text, which is no date: dropped with a warning, never shown.
  const Statement& numeric_id = r.records[1].statement;
  EXPECT_EQ(numeric_id.get("date"), nullptr);
  ASSERT_EQ(numeric_id.warnings.size(), 1u);
  EXPECT_EQ(numeric_id.warnings[0].rfind("date '1.50' is not a date", 0), 0u);
  expect_errors(r, f,
                {{1, {"field \"date\" must be a string, got an object"}},
                 {2, {"field \"title\" must be a string, got an array"}},
                 {5, {"expected a JSON object, got an array"}},
                 {6, {"expected a JSON object, got a string"}},
                 {7, {"expected a JSON object, got a number"}},
                 {8, {"expected a JSON object, got null"}}});
}

TEST(ReadJsonLines, KeyMappingAndDefaults) {
  TempDir dir;
  auto f = (dir.path() / "mapped.jsonl").string();
  write_file(f, R"({"_id":"x1","body":"Text.","when":"2001","ignored":"yes"})"
                "\n"
                R"({"_id":"x2","body":"More text."})"
                "\n");
  InputOptions options;
  options.json_keys = {{"_id", "id"}, {"body", "text"}, {"when", "date"}};
  options.defaults = {{"lang", "en"}};
  auto r = read({f}, options);
  ASSERT_EQ(r.records.size(), 2u) << r.error_list();
  EXPECT_EQ(r.records[0].statement.fields,
            (std::map<std::string, std::string>{
                {"id", "x1"}, {"text", "Text."}, {"date", "2001"}, {"lang", "en"}}));
  // A missing required field is named by its JSON key.
  write_file(f, R"({"body":"No id."})"
                "\n");
  r = read({f}, options);
  expect_errors(r, f, {{1, {"record has no \"_id\""}}});
}

TEST(ReadJsonLines, SameIdTwiceIsDeliveredTwice) {
  auto r = read({kData + "/duplicate_ids.jsonl"});
  EXPECT_TRUE(r.errors.empty()) << r.error_list();
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].statement.value("text"), "First version.");
  EXPECT_EQ(r.records[1].statement.value("text"), "Second version.");
}

TEST(ReadJsonLines, DeeplyNestedJson) {
  TempDir dir;
  auto f = (dir.path() / "deep.jsonl").string();
  std::string deep_array(100000, '['), deep_object;
  for (int i = 0; i < 100000; ++i) deep_object += "{\"a\":";
  write_file(f, deep_array + "\n" +                                                   //
                    R"({"id":"d1","text":"x","extra":)" + deep_array + "\n" +         //
                    R"({"id":"d2","text":"x","extra":)" + deep_object + "1" + "\n" +  //
                    R"({"id":"ok","text":"Fine.","extra":)" + std::string(900, '[') +
                    std::string(900, ']') + "}\n");
  auto r = read({f});
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"ok"}));
  expect_errors(r, f,
                {{1, {"expected a JSON object, got an array"}},
                 {2, {"nested deeper than 1000"}},
                 {3, {"nested deeper than 1000"}}});
}

TEST(ReadJsonLines, HugeRecordWithinAndOverTheLimit) {
  TempDir dir;
  auto f = (dir.path() / "huge.jsonl").string();
  std::string text;
  text.reserve(50u << 20);
  const std::string sentence = "A long statement about peace and security, \\\"quoted\\\". ";
  while (text.size() < (50u << 20)) text += sentence;
  std::string word(10000, 'w');
  write_file(f, R"({"id":"small1","text":"Before."})"
                "\n"
                R"({"id":"huge","text":")" +
                    text +
                    R"("})"
                    "\n" +
                    R"({"id":"word","text":"A )" + word +
                    R"( word."})"
                    "\n" +
                    R"({"id":"small2","text":"After."})"
                    "\n");
  auto r = read({f});
  ASSERT_TRUE(r.errors.empty()) << r.error_list();
  ASSERT_EQ(r.ids(), (std::vector<std::string>{"small1", "huge", "word", "small2"}));
  const std::string& got = r.records[1].statement.fields.at("text");
  // The JSON escapes \" became quotes: same length minus one byte per escape.
  size_t escapes = text.size() / sentence.size() * 2;
  EXPECT_EQ(got.size(), text.size() - escapes);
  EXPECT_EQ(got.rfind("A long statement about peace and security, \"quoted\". ", 0), 0u)
      << got.substr(0, 60);
  EXPECT_EQ(r.records[2].statement.value("text"), "A " + word + " word.");
  EXPECT_EQ(r.records[3].where.line, 4u);
  r.records.clear();

  auto options = default_options();
  options.max_record_bytes = 10u << 20;
  r = read({f}, options);
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"small1", "word", "small2"}));
  expect_errors(r, f, {{2, {"longer than the limit of 10485760 bytes", "skipped"}}});
}

TEST(ReadJsonLines, RandomDamageGivesOneRecordOrOneErrorPerLine) {
  TempDir dir;
  auto f = (dir.path() / "damaged.jsonl").string();
  const std::string base = numbered_records_for_damage();
  std::mt19937 rng(7);
  const std::string junk = "{}[]\":,\\ \t\r\n\0\x80\xff\xc3\xe2nul0e-";
  for (int round = 0; round < 200; ++round) {
    std::string data = base;
    for (int k = 0, n = 1 + rng() % 8; k < n; ++k) {
      size_t at = rng() % data.size();
      if (rng() % 2)
        data[at] = junk[rng() % junk.size()];
      else
        data.insert(at, 1, junk[rng() % junk.size()]);
    }
    if (rng() % 4 == 0) data.resize(rng() % data.size());
    write_file(f, data);
    size_t lines = 0;  // non-blank lines: each must give exactly one record or one error
    for (size_t pos = 0; pos < data.size();) {
      size_t nl = data.find('\n', pos);
      if (nl == std::string::npos) nl = data.size();
      std::string line = data.substr(pos, nl - pos);
      if (line.find_first_not_of(" \t\r\v\f") != std::string::npos) ++lines;
      pos = nl + 1;
    }
    Result r;
    InputCallbacks cb;
    cb.on_record = [&](InputRecord&& rec) { r.records.push_back(std::move(rec)); };
    cb.on_error = [&](const InputError& e) { r.errors.push_back(e); };
    read_inputs({f}, default_options(), cb);
    ASSERT_EQ(r.records.size() + r.errors.size(), lines) << "round " << round << "\n"
                                                         << r.error_list();
  }
}

// ---- gzip ----

std::string gzip(const std::string& data, int level = 6) {
  TempDir dir;
  auto path = (dir.path() / "x.gz").string();
  gzFile gz = gzopen(path.c_str(), ("wb" + std::to_string(level)).c_str());
  gzwrite(gz, data.data(), static_cast<unsigned>(data.size()));
  gzclose(gz);
  return read_file(path);
}

std::string numbered_records(int count, int text_bytes = 200) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    std::string text;
    while (text.size() < static_cast<size_t>(text_bytes))
      text += "record " + std::to_string(i) + " text " + std::to_string(text.size()) + " ";
    out += R"({"id":"r)" + std::to_string(i) + R"(","text":")" + text + "\"}\n";
  }
  return out;
}

TEST(ReadGzip, WholeFileAndConcatenatedMembers) {
  TempDir dir;
  auto f = (dir.path() / "docs.jsonl.gz").string();
  write_file(f, gzip(numbered_records(500)) + gzip(numbered_records(3)));
  auto r = read({f});
  EXPECT_TRUE(r.errors.empty()) << r.error_list();
  ASSERT_EQ(r.records.size(), 503u);
  EXPECT_EQ(r.records[499].statement.value("id"), "r499");
  EXPECT_EQ(r.records[502].where.line, 503u);
}

TEST(ReadGzip, TruncatedFile) {
  TempDir dir;
  std::string whole = gzip(numbered_records(2000), 1);
  auto f = (dir.path() / "cut.jsonl.gz").string();
  write_file(f, whole.substr(0, whole.size() / 2));
  auto r = read({f});
  ASSERT_GT(r.records.size(), 100u);
  ASSERT_LT(r.records.size(), 2000u);
  for (size_t i = 0; i < r.records.size(); ++i)
    ASSERT_EQ(r.records[i].statement.value("id"), "r" + std::to_string(i));
  std::string after = "after line " + std::to_string(r.records.size());
  expect_errors(r, f, {{0, {"truncated or corrupt gzip data", after}}});
  EXPECT_TRUE(r.errors[0].fatal_for_file);
}

TEST(ReadGzip, CorruptData) {
  TempDir dir;
  std::string data = gzip(numbered_records(2000), 1);
  for (size_t i = data.size() / 2; i < data.size() / 2 + 64; ++i)
    data[i] = static_cast<char>(~data[i]);
  auto f = (dir.path() / "bad.gz").string();
  write_file(f, data);
  auto r = read({f});
  // Damaged data may inflate to a few bad lines before zlib notices; the last error
  // is the gzip one.
  ASSERT_FALSE(r.errors.empty());
  EXPECT_NE(r.errors.back().message.find("truncated or corrupt gzip data after line"),
            std::string::npos)
      << r.error_list();
  EXPECT_TRUE(r.errors.back().fatal_for_file);
  EXPECT_LT(r.records.size(), 2000u);
  // Not gzip at all.
  write_file(f, "{\"id\":\"x\",\"text\":\"plain\"}\n");
  r = read({f});
  expect_errors(r, f, {{0, {"truncated or corrupt gzip data after line 0"}}});
}

// ---- text and Markdown ----

TEST(ReadText, FolderWalk) {
  const std::string dir = kData + "/folder";
  auto r = read({dir});
  EXPECT_TRUE(r.errors.empty()) << r.error_list();
  ASSERT_EQ(r.ids(),
            (std::vector<std::string>{"a.md", "b.txt", "c1", "c2", "sub/deeper/d.markdown"}));
  const Statement& a = r.records[0].statement;
  EXPECT_EQ(r.records[0].where.file, dir + "/a.md");
  EXPECT_EQ(r.records[0].where.line, 0u);
  EXPECT_EQ(a.value("title"), "The ## Heading");
  EXPECT_EQ(a.value("speaker"), "Volodymyr Zelenskyy");
  EXPECT_EQ(a.value("country"), "UKR");
  // Markdown: the heading's markers are syntax, not text.
  EXPECT_EQ(a.value("text"),
            "Intro line before the heading.\n\nThe ## Heading\n\nBody text here.\n");
  const Statement& b = r.records[1].statement;
  EXPECT_EQ(b.value("title"), "First line is the title");
  EXPECT_EQ(b.value("text"), "First line is the title\n\nSecond paragraph.\nThird line.\n");
  EXPECT_EQ(r.records[2].where.file, dir + "/sub/c.jsonl");
  EXPECT_EQ(r.records[3].where.line, 2u);
  EXPECT_EQ(r.records[4].statement.value("title"), "No heading here, first line wins.");
  EXPECT_EQ(total_input_bytes({dir}), 133u + 61u + 78u + 51u);
}

TEST(ReadText, FileGivenDirectlyUsesItsName) {
  auto r = read({kData + "/folder/sub/deeper/d.markdown", kData + "/horizontal_rule.md"});
  EXPECT_TRUE(r.errors.empty()) << r.error_list();
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"d.markdown", "horizontal_rule.md"}));
  // An opening rule with no closing one is text, not front matter.
  EXPECT_EQ(r.records[1].statement.value("text"),
            "---\nNot front matter: this text has no closing rule.\n");
  EXPECT_EQ(r.records[1].statement.value("title"),
            "Not front matter: this text has no closing rule.");
}

TEST(ReadText, HostileFiles) {
  struct Case {
    std::string file;
    std::vector<std::string> words;
  };
  const std::vector<Case> cases = {
      {"invalid_utf8.txt", {"invalid UTF-8 at byte offset 38", "0xE2"}},
      {"binary.txt", {"binary file", "NUL byte at byte offset 8"}},
      {"empty.txt", {"empty file"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    auto r = read({kData + "/" + c.file});
    EXPECT_TRUE(r.records.empty());
    expect_errors(r, kData + "/" + c.file, {{0, c.words}});
  }
}

TEST(ReadText, BigFilesWordsAndLimits) {
  TempDir dir;
  std::string text = "# Big\n\n";
  while (text.size() < (50u << 20)) text += "Paragraph of a very long statement.\n\n";
  write_file(dir.path() / "big.txt", text);
  std::string word(10000, 'x');
  write_file(dir.path() / "word.txt", word + "\n\nNext paragraph.\n");
  write_file(dir.path() / "blank.md", "---\ntitle: Only front matter\n---\n\n  \n");
  auto r = read({dir.str()});
  ASSERT_EQ(r.ids(), (std::vector<std::string>{"big.txt", "word.txt"})) << r.error_list();
  EXPECT_EQ(r.records[0].statement.value("text"), text);
  EXPECT_EQ(r.records[0].statement.value("title"), "Big");
  EXPECT_EQ(r.records[1].statement.value("text"), word + "\n\nNext paragraph.\n");
  // A first line longer than a title can be is cut, never inside a character.
  EXPECT_LE(r.records[1].statement.value("title").size(), 303u);
  expect_errors(r, dir.str() + "/blank.md", {{0, {"no text after its front matter"}}});

  auto options = default_options();
  options.max_record_bytes = 1u << 20;
  r = read({(dir.path() / "big.txt").string()}, options);
  EXPECT_TRUE(r.records.empty());
  expect_errors(r, (dir.path() / "big.txt").string(),
                {{0, {"larger than the limit of 1048576 bytes", "skipped"}}});
}

// ---- paths ----

TEST(ReadPaths, MissingPathIsReportedAndOthersAreRead) {
  TempDir dir;
  std::string missing = (dir.path() / "no-such-file.jsonl").string();
  auto r = read({missing, kData + "/duplicate_ids.jsonl", missing + ".d/"});
  EXPECT_EQ(r.records.size(), 2u);
  ASSERT_EQ(r.errors.size(), 2u) << r.error_list();
  EXPECT_EQ(r.errors[0].where.file, missing);
  EXPECT_NE(r.errors[0].message.find("No such file or directory"), std::string::npos);
  EXPECT_TRUE(r.errors[0].fatal_for_file);
}

TEST(ReadPaths, BrokenLinkInFolderIsReported) {
  // Works as root too: a dangling symbolic link cannot be opened by anyone.
  TempDir dir;
  write_file(dir.path() / "a.txt", "Alpha text.\n");
  std::filesystem::create_symlink(dir.path() / "gone.txt", dir.path() / "b.txt");
  write_file(dir.path() / "c.txt", "Gamma text.\n");
  std::filesystem::create_directory_symlink(dir.path(), dir.path() / "loop");
  auto r = read({dir.str()});
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a.txt", "c.txt"}));
  ASSERT_EQ(r.errors.size(), 2u) << r.error_list();
  EXPECT_EQ(r.errors[0].where.file, dir.str() + "/b.txt");
  EXPECT_NE(r.errors[0].message.find("No such file"), std::string::npos);
  EXPECT_EQ(r.errors[1].where.file, dir.str() + "/loop");
  EXPECT_NE(r.errors[1].message.find("loops back"), std::string::npos);
}

// Runs read_inputs in a child process as user `nobody` (when we are root, permission
// bits do not stop us) and returns its "where|message" lines.
std::string read_as_nobody(const std::vector<std::string>& inputs) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string out;
    if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) {
      out = "SETUID FAILED";
    } else {
      InputCallbacks cb;
      cb.on_record = [&](InputRecord&& rec) {
        out += "record|" + rec.statement.value("id") + "\n";
      };
      cb.on_error = [&](const InputError& e) {
        out += "error|" + e.where.str() + "|" + e.message + "\n";
      };
      read_inputs(inputs, default_options(), cb);
    }
    ssize_t ignored = write(fds[1], out.data(), out.size());
    (void)ignored;
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, n);
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  return out;
}

TEST(ReadPaths, UnreadableFileAndFolder) {
  TempDir dir;
  std::filesystem::permissions(dir.path(), std::filesystem::perms::all);  // nobody may enter
  write_file(dir.path() / "a.txt", "Alpha text.\n");
  write_file(dir.path() / "b.txt", "Locked text.\n");
  std::filesystem::create_directory(dir.path() / "locked");
  write_file(dir.path() / "locked" / "x.txt", "Hidden away.\n");
  write_file(dir.path() / "z.jsonl", R"({"id":"z","text":"Last."})"
                                     "\n");
  chmod((dir.path() / "b.txt").c_str(), 0);
  chmod((dir.path() / "locked").c_str(), 0);
  std::string expected =
      "record|a.txt\n"
      "error|" +
      dir.str() +
      "/b.txt|cannot read: Permission denied\n"
      "error|" +
      dir.str() +
      "/locked|cannot read folder: Permission denied\n"
      "record|z\n";
  if (geteuid() != 0) {
    auto r = read({dir.str()});
    EXPECT_EQ(r.ids(), (std::vector<std::string>{"a.txt", "z"}));
    ASSERT_EQ(r.errors.size(), 2u) << r.error_list();
    EXPECT_EQ(r.errors[0].where.file, dir.str() + "/b.txt");
    EXPECT_EQ(r.errors[1].where.file, dir.str() + "/locked");
  } else {
    std::string got = read_as_nobody({dir.str()});
    chmod((dir.path() / "locked").c_str(), 0755);  // so TempDir can clean up
    if (got.find("SETUID FAILED") != std::string::npos)
      GTEST_SKIP() << "running as root and cannot switch to nobody: permission bits not testable";
    EXPECT_EQ(got, expected);
  }
  chmod((dir.path() / "locked").c_str(), 0755);
}

// Runs read_inputs({"-"}) with `data` on standard input.
Result read_stdin(const std::string& data) {
  TempDir dir;
  write_file(dir.path() / "in", data);
  int saved = dup(STDIN_FILENO);
  int fd = open((dir.path() / "in").c_str(), O_RDONLY);
  dup2(fd, STDIN_FILENO);
  close(fd);
  Result r = read({"-"});
  dup2(saved, STDIN_FILENO);
  close(saved);
  return r;
}

TEST(ReadPaths, StandardInput) {
  for (bool gz : {false, true}) {
    SCOPED_TRACE(gz ? "gzipped" : "plain");
    std::string data = R"({"id":"s1","text":"One."})"
                       "\n{broken\n"
                       R"({"id":"s2","text":"Two."})";
    auto r = read_stdin(gz ? gzip(data) : data);
    EXPECT_EQ(r.ids(), (std::vector<std::string>{"s1", "s2"}));
    expect_errors(r, "<stdin>", {{2, {"invalid JSON at column 2"}}});
    ASSERT_FALSE(r.progress.empty());
    EXPECT_EQ(r.progress.back().total_bytes, 0u);
  }
  EXPECT_EQ(total_input_bytes({kData + "/nul.jsonl", "-"}), 0u);
}

TEST(ReadPaths, Progress) {
  TempDir dir;
  std::string data = numbered_records(20000);  // about 4.5 MB
  write_file(dir.path() / "a.jsonl", data);
  write_file(dir.path() / "b.jsonl.gz", gzip(data));
  uint64_t total = data.size() + std::filesystem::file_size(dir.path() / "b.jsonl.gz");
  EXPECT_EQ(total_input_bytes({dir.str()}), total);
  auto r = read({dir.str()});
  EXPECT_EQ(r.records.size(), 40000u);
  ASSERT_GE(r.progress.size(), 4u);
  for (size_t i = 1; i < r.progress.size(); ++i)
    EXPECT_LE(r.progress[i - 1].bytes_read, r.progress[i].bytes_read);
  for (size_t i = 0; i + 1 < r.progress.size(); ++i)  // about 1 MB apart
    EXPECT_GE(r.progress[i].bytes_read, (i + 1) * (1u << 20));
  EXPECT_EQ(r.progress.back().bytes_read, total);
  EXPECT_EQ(r.progress.back().total_bytes, total);
}

TEST(ReadPaths, RealCorpus) {
  // The smaller corpus keeps the suite fast; UNGDC (200 MB) reads the same way.
  REQUIRE_SHARED("corpus/us-presidential-speeches/docs.jsonl.gz");
  auto path = (testing::shared_dir() / "corpus/us-presidential-speeches/docs.jsonl.gz").string();
  size_t records = 0;
  std::vector<std::string> errors;
  InputCallbacks cb;
  cb.on_record = [&](InputRecord&& rec) {
    if (records++ == 0) {
      EXPECT_EQ(rec.statement.value("id"), "millercenter-1789-04-30-first-inaugural-address");
      EXPECT_EQ(rec.statement.value("date"), "1789-04-30");
    }
  };
  cb.on_error = [&](const InputError& e) { errors.push_back(e.where.str() + ": " + e.message); };
  read_inputs({path}, default_options(), cb);
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_EQ(records, 956u);
}

}  // namespace
}  // namespace polsearch

namespace polsearch::testing {
namespace {

// The plain `indexer` command builds a new database with every core from 16 MB of input
// on; below that one writer (a parallel build's merge would cost more than it saves).
TEST(IndexerDefaults, JobsFollowTheInputSize) {
  const unsigned cores = std::clamp(std::thread::hardware_concurrency(), 1u, 16u);
  const struct {
    uint64_t bytes;
    unsigned jobs;
  } cases[] = {
      {0, 1}, {kParallelFromBytes - 1, 1}, {kParallelFromBytes, cores}, {1ull << 40, cores}};
  for (auto& c : cases) EXPECT_EQ(default_jobs(c.bytes), c.jobs) << c.bytes;
}

TEST(IndexerDefaults, TheSummaryNamesAParallelBuildsThreads) {
  IndexStats stats;
  stats.added = 3;
  stats.passages = 9;
  EXPECT_EQ(index_summary(stats, 1.0),
            "indexer: 3 statements added, 0 replaced, 0 skipped; 9 passages; 0 errors, 0 "
            "warnings; 1.0 s\n");
  stats.threads = 2;
  EXPECT_EQ(index_summary(stats, 1.0),
            "indexer: 3 statements added, 0 replaced, 0 skipped; 9 passages; 0 errors, 0 "
            "warnings; 2 threads; 1.0 s\n");
}

}  // namespace
}  // namespace polsearch::testing
