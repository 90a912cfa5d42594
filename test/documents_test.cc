// Issue 18: HTML pages and PDF documents as statements. The extractors on the fixtures
// of test/data/documents (pages with boilerplate in several charsets; PDFs written by
// test/data/documents/make_pdfs.py), hostile files, and the real indexer and searcher
// over a folder mixing every input type.
#include <gtest/gtest.h>
#include <zlib.h>

#include <xapian.h>

#include <filesystem>
#include <fstream>

#include "html_text.h"
#include "input.h"
#include "pdf_text.h"
#include "terms.h"
#include "test_support.h"

namespace polsearch::testing {
namespace {

namespace fs = std::filesystem;
using Fields = std::map<std::string, std::string>;

fs::path fixture(const std::string& name) {
  return fs::path(POLSEARCH_TEST_DATA) / "documents" / name;
}

// ---- HTML ----

struct HtmlCase {
  std::string file;
  std::string text;
  Fields fields;
  std::vector<std::string> warnings;
};

TEST(HtmlText, FixturesGiveTheirMainTextMetadataAndCharsetWarnings) {
  const HtmlCase cases[] = {
      {"press.html",
       "Maritime Security\n\nThe Minister welcomed the agreement on freedom of navigation & the "
       "safety of shipping in the Red Sea, calling it \u201c"
       "a decisive step\u201d for the "
       "region\u2019s stability.\n\nCaf\u00e9 diplomacy alone cannot secure the straits; the "
       "ministry will fund three patrol vessels.\nQuestions: press office.\n\nFirst "
       "measure\n\nSecond measure",
       {{"date", "2023-06-14"},
        {"lang", "en"},
        {"speaker", "Jane Doe"},
        {"title", "Statement by the Minister on Maritime Security"}},
       {}},
      {"latin1.html",
       "Le ministre a salu\u00e9 l\u2019accord sur la s\u00e9curit\u00e9 maritime.",
       {{"date", "14 June 2023"}, {"title", "D\u00e9claration commune"}},
       {}},
      {"cp1252.html",
       "Erkl\u00e4rung zur Lage\n\n24. Februar\n\nDie Regierung verurteilt den "
       "\u201e"
       "Angriff\u201c \u2013 ohne Vorbehalt.",
       {{"date", "2022-02-24"}, {"lang", "de"}, {"title", "Erkl\u00e4rung zur Lage"}},
       {}},
      {"undeclared.html",
       "Na\u00efve text without a declared charset.",
       {{"title", "No charset"}},
       {"no charset declared and not valid UTF-8 (byte offset 55); read as windows-1252"}},
      {"badcharset.html",
       "Plain words under an invalid charset label.",
       {{"title", "Bad charset"}},
       {"unknown charset 'x-klingon-9'; read as UTF-8"}},
  };
  for (const HtmlCase& c : cases) {
    SCOPED_TRACE(c.file);
    ExtractedText e = html_to_text(read_file(fixture(c.file)));
    EXPECT_EQ(e.error, "");
    EXPECT_EQ(e.text, c.text);
    EXPECT_EQ(e.fields, c.fields);
    EXPECT_EQ(e.warnings, c.warnings);
    EXPECT_TRUE(e.page_starts.empty());
  }
}

TEST(HtmlText, ElementsAndEntitiesTable) {
  const std::pair<std::string, std::string> cases[] = {
      // No <main>: the first <article>; header, nav, footer, aside, script dropped.
      {"<body><nav>menu</nav><article><header>by line</header><p>One&nbsp;two</p></article>"
       "<article><p>second</p></article><footer>foot</footer></body>",
       "One two"},
      // No article either: the body, without its boilerplate.
      {"<body><div>A<div>B</div></div><script>x()</script><p>C<br>D</p></body>", "A\n\nB\n\nC\nD"},
      {"<p>x &lt; y &#x41; &#65; &eacute;&unknown; &amp</p>", "x < y A A \u00e9&unknown; &"},
      {"<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
      {"<pre>line 1\nline 2</pre>", "line 1\nline 2"},
      {"<p>e\xCC\x81t\xC3\xA9</p>", "\u00e9t\u00e9"},  // NFC
  };
  for (const auto& [html, text] : cases) EXPECT_EQ(html_to_text(html).text, text) << html;
}

// Found by fuzz_html: Gumbo 0.10 wrote a numeric character reference whose value wraps
// past U+10FFFF ("&#85555555555" in a damaged page) as invalid UTF-8.
TEST(HtmlText, InvalidUtf8FromTheParserIsReplacedWithAWarning) {
  ExtractedText e = html_to_text(read_file(fixture("wrapped-character-reference.html")));
  EXPECT_TRUE(is_valid_utf8(e.text)) << e.text;
  for (const auto& [name, value] : e.fields) EXPECT_TRUE(is_valid_utf8(value)) << name;
  ASSERT_FALSE(e.warnings.empty());
  EXPECT_NE(e.warnings.back().find("the HTML parser gave invalid UTF-8"), std::string::npos)
      << e.warnings.back();
}

TEST(HtmlText, TitleFallsBackToFirstHeading) {
  ExtractedText e = html_to_text("<body><main><h1>The Heading</h1><p>Body text.</p></main></body>");
  EXPECT_EQ(e.fields["title"], "The Heading");
}

TEST(HtmlText, DeeplyNestedPageIsRefusedQuickly) {
  std::string page = "<html><body>";
  for (int i = 0; i < 100000; ++i) page += "<ul><li>";
  ExtractedText e = html_to_text(page);
  EXPECT_EQ(e.error, "HTML elements nested 100002 deep, more than the limit of 1000; skipped");
}

TEST(HtmlText, EmptyMainContentIsAnError) {
  EXPECT_EQ(html_to_text("<html><body><nav>only a menu</nav></body></html>").error,
            "page has no text in its main content");
}

// ---- PDF ----

const char* const kReportText =
    "Statement on the Mediterranean Peace Initiative\n\n"
    "The Council welcomes the renewed commitment of all parties to the peacekeeping mission and "
    "to the protection of civilians in the region, and calls on every government to respect the "
    "cease-fire agreed in June without conditions or delay.\n\n"
    "The Council stands ready to support humanitarian access across the border and asks the "
    "Secretary-General to report on progress within ninety days.\n\n"
    "Left column first line about maritime security and the protection of shipping lanes in the "
    "eastern basin.\n\n"
    "Right column text on water sharing agreements between the riparian states and the "
    "desalination fund.";

TEST(PdfText, ReportGivesReadingOrderRejoinedWordsPagesAndNoRunningLines) {
  ExtractedText e = pdf_to_text(read_file(fixture("report.pdf")));
  EXPECT_EQ(e.error, "");
  EXPECT_EQ(e.text, kReportText);
  std::string text = kReportText;
  uint64_t page2 = text.find("Left column");
  EXPECT_EQ(e.page_starts, (std::vector<uint64_t>{0, page2, text.size()}));
  EXPECT_EQ(e.fields,
            (Fields{{"date", "2023-06-14"}, {"title", "Mediterranean Peace Initiative"}}));
  EXPECT_EQ(e.warnings, std::vector<std::string>{"page 3: no text layer; OCR is not supported"});
}

TEST(PdfText, ImageOnlyPdfIsSkippedWithAWarning) {
  ExtractedText e = pdf_to_text(read_file(fixture("scan.pdf")));
  EXPECT_EQ(e.error, "no text layer; OCR is not supported; skipped");
  EXPECT_TRUE(e.skip_is_warning);
}

// Both fixtures are page 1 of the report under the standard security handler (RC4).
TEST(PdfText, EncryptedPdfNeedingAPasswordIsSkippedWithAWarning) {
  ExtractedText e = pdf_to_text(read_file(fixture("locked.pdf")));
  EXPECT_EQ(e.error, "encrypted PDF (a password is needed); skipped");
  EXPECT_TRUE(e.skip_is_warning);
  EXPECT_EQ(e.text, "");
}

// Many published PDFs carry only an owner password (no changes allowed): anyone may
// open them, so they are read like any other.
TEST(PdfText, PdfEncryptedWithAnOwnerPasswordOnlyIsRead) {
  ExtractedText e = pdf_to_text(read_file(fixture("owner-only.pdf")));
  EXPECT_EQ(e.error, "");
  std::string report = kReportText;
  std::string page1 = report.substr(0, report.find("\n\nLeft column"));
  EXPECT_NE(e.text.find(page1), std::string::npos) << e.text;
  EXPECT_EQ(e.fields["title"], "Mediterranean Peace Initiative");
}

TEST(PdfText, HostileFilesGiveAnErrorOrTextNeverACrash) {
  std::string report = read_file(fixture("report.pdf"));
  // Deeply nested arrays and dictionaries inside an object.
  std::string nested = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /X ";
  for (int i = 0; i < 200000; ++i) nested += i % 2 ? "<< /A " : "[";
  nested += "\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
  const std::pair<std::string, std::string> cases[] = {
      {"truncated", report.substr(0, report.size() / 2)},
      {"nested", nested},
      {"garbage", std::string(4096, '\x9b')},
      {"header only", "%PDF-1.4\n"},
  };
  for (const auto& [name, bytes] : cases) {
    ExtractedText e = pdf_to_text(bytes);
    EXPECT_TRUE(!e.error.empty() || !e.text.empty()) << name;
  }
  EXPECT_EQ(pdf_to_text("%PDF-1.4\n").error,
            "not a readable PDF (damaged, truncated or not a PDF); skipped");
}

TEST(PassageData, PageIsAnOptionalSixthHeaderField) {
  PassageData meta;
  std::string_view text;
  ASSERT_TRUE(decode_passage_data("3\t10\t20\t8\t18\ntext", meta, text));  // format 1
  EXPECT_EQ(meta.page, 0u);
  EXPECT_EQ(text, "text");
  PassageData paged{1, 2, 3, 4, 5, 7};
  ASSERT_TRUE(decode_passage_data(encode_passage_data(paged) + "t", meta, text));
  EXPECT_EQ(meta.page, 7u);
  EXPECT_EQ(meta.char_end, 5u);
  EXPECT_FALSE(decode_passage_data("1\t2\t3\t4\t5\t6\t7\nx", meta, text));
  EXPECT_FALSE(decode_passage_data("1\t2\t3\t4\nx", meta, text));
}

// ---- The indexer over a mixed folder ----

void write_gzip(const fs::path& path, const std::string& content) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
  gzclose(f);
}

nlohmann::json show(const std::string& db, const std::string& id) {
  CommandResult r = run_command({searcher_path(), "--db", db, "--format", "json", "show", id});
  EXPECT_EQ(r.exit_status, 0) << r.err;
  return nlohmann::json::parse(r.out.substr(0, r.out.find('\n')), nullptr, false);
}

class MixedFolder : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    fs::path in = dir_->path() / "in";
    fs::create_directories(in / "pages");
    for (const char* name : {"press.html", "latin1.html", "cp1252.html", "badcharset.html"})
      fs::copy_file(fixture(name), in / "pages" / name);
    fs::copy_file(fixture("report.pdf"), in / "report.pdf");
    fs::copy_file(fixture("scan.pdf"), in / "scan.pdf");
    fs::copy_file(fixture("locked.pdf"), in / "locked.pdf");
    std::string report = read_file(fixture("report.pdf"));
    write_file(in / "truncated.pdf", report.substr(0, 700));
    write_file(in / "report.meta.json", R"({"speaker": "Council President", "country": "fra"})");
    write_file(in / "pages/press.meta.json", R"({"source": "https://example.org/press"})");
    write_file(in / "notes.md",
               "---\nspeaker: Ann Lee\ndate: 2021-03-01\n---\n# Notes on *Aid*\n\nFood aid "
               "convoys reached the northern districts.\n");
    write_file(in / "plain.txt", "Plain Title\n\nA plain text statement about fisheries.\n");
    write_file(in / "plain.txt.meta.json", R"({"speaker": ["x"], "bogus": 1, "country": "nor"})");
    write_file(
        in / "lines.jsonl",
        R"({"id":"j1","title":"JSON One","date":"2020-01-02","text":"Grain exports resumed."})"
        "\n");
    write_gzip(in / "more.jsonl.gz",
               R"({"id":"g1","title":"Gzip One","text":"Fertiliser prices fell sharply."})"
               "\n");
    // A 100 MB page: refused by its size before it is read (sparse: costs no disk).
    std::ofstream(in / "huge.html").put('<');
    fs::resize_file(in / "huge.html", 100ull << 20);
    db_ = dir_->str() + "/db";
    result_ = new CommandResult(run_command({indexer_path(), "--db", db_, in.string()}));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete dir_;
  }
  static TempDir* dir_;
  static std::string db_;
  static CommandResult* result_;
};
TempDir* MixedFolder::dir_ = nullptr;
std::string MixedFolder::db_;
CommandResult* MixedFolder::result_ = nullptr;

TEST_F(MixedFolder, IndexesEveryTypeAndReportsTheBadFilesByName) {
  const std::string& err = result_->err;
  EXPECT_EQ(result_->exit_status, 1) << err;  // some files skipped
  EXPECT_NE(err.find("9 statements added, 0 replaced, 4 skipped"), std::string::npos) << err;
  EXPECT_NE(err.find("scan.pdf: warning: no text layer; OCR is not supported; skipped"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("report.pdf: warning: page 3: no text layer; OCR is not supported"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("huge.html: error: file of 104857600 bytes is larger than the limit of "
                     "33554432 bytes; skipped"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("truncated.pdf: error: "), std::string::npos) << err;
  EXPECT_NE(err.find("locked.pdf: warning: encrypted PDF (a password is needed); skipped"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("badcharset.html: warning: unknown charset 'x-klingon-9'; read as UTF-8"),
            std::string::npos)
      << err;
  // Sidecars are no inputs; a bad key in one is a warning, its good keys still apply.
  EXPECT_NE(err.find("plain.txt: warning: " + dir_->str() +
                     "/in/plain.txt.meta.json: \"speaker\" must be a string; ignored"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("/in/plain.txt.meta.json: unknown key \"bogus\"; ignored"), std::string::npos)
      << err;
  EXPECT_EQ(err.find("meta.json: error"), std::string::npos) << err;
}

TEST_F(MixedFolder, TitlesDatesAndSidecarFieldsAreRight) {
  const std::tuple<std::string, std::string, nlohmann::json, nlohmann::json> cases[] = {
      {"report.pdf", "Mediterranean Peace Initiative", "2023-06-14", "Council President"},
      {"pages/press.html", "Statement by the Minister on Maritime Security", "2023-06-14",
       "Jane Doe"},
      {"pages/latin1.html", "D\u00e9claration commune", "2023-06-14", nullptr},
      {"pages/cp1252.html", "Erkl\u00e4rung zur Lage", "2022-02-24", nullptr},
      {"notes.md", "Notes on Aid", "2021-03-01", "Ann Lee"},
      {"plain.txt", "Plain Title", nullptr, nullptr},
      {"j1", "JSON One", "2020-01-02", nullptr},
      {"g1", "Gzip One", nullptr, nullptr},
  };
  for (const auto& [id, title, date, speaker] : cases) {
    SCOPED_TRACE(id);
    nlohmann::json s = show(db_, id);
    EXPECT_EQ(s["title"], title);
    EXPECT_EQ(s["date"], date);
    EXPECT_EQ(s["speaker"], speaker);
  }
  EXPECT_EQ(show(db_, "report.pdf")["country"], "FRA");
  EXPECT_EQ(show(db_, "pages/press.html")["source"], "https://example.org/press");
  EXPECT_EQ(show(db_, "plain.txt")["country"], "NOR");
  EXPECT_EQ(show(db_, "pages/cp1252.html")["lang"], "de");
}

TEST_F(MixedFolder, PdfHitsAndShowSayThePage) {
  auto found = search(db_, "desalination");
  ASSERT_EQ(found.hits.size(), 1u) << found.raw.out;
  EXPECT_EQ(found.hits[0]["page"], 2);
  EXPECT_EQ(found.hits[0]["passage"], 1);
  found = search(db_, "peacekeeping");
  ASSERT_EQ(found.hits.size(), 1u) << found.raw.out;
  EXPECT_EQ(found.hits[0]["page"], 1);
  nlohmann::json s = show(db_, "report.pdf");
  ASSERT_EQ(s["passages"].size(), 2u);
  EXPECT_EQ(s["passages"][1]["page"], 2);
  EXPECT_FALSE(search(db_, "grain").hits.at(0).contains("page"));  // no pages: no key

  CommandResult text = run_command({searcher_path(), "--db", db_, "desalination"});
  EXPECT_NE(text.out.find("   report.pdf #1, page 2\n"), std::string::npos) << text.out;
  text = run_command({searcher_path(), "--db", db_, "show", "report.pdf"});
  EXPECT_NE(text.out.find("#1 (page 2)  Left column first line"), std::string::npos) << text.out;
}

TEST_F(MixedFolder, NoBoilerplateWordIsIndexed) {
  for (const char* word : {"Xylonavword", "Plinthfooter", "Qwertyaside", "Qwertyform",
                           "Zorbascript", "Quuxheader", "fisheries"}) {
    auto found = search(db_, word);
    EXPECT_EQ(found.hits.size(), std::string(word) == "fisheries" ? 1u : 0u) << word;
  }
}

// ---- Database formats ----

TEST(DatabaseFormat, OldDatabaseWithoutPagesStillOpensAndAPdfMakesItFormat2) {
  TempDir dir;
  std::string db = dir.str() + "/db";
  write_file(dir.path() / "a.jsonl", R"({"id":"a","text":"Grain exports resumed."})"
                                     "\n");
  ASSERT_EQ(
      run_command({indexer_path(), "--db", db, (dir.path() / "a.jsonl").string()}).exit_status, 0);
  {
    Xapian::WritableDatabase w(db, Xapian::DB_OPEN);
    w.set_metadata(std::string(terms::kMetaFormat), "1");  // as the previous program wrote
    w.commit();
  }
  auto found = search(db, "grain");
  ASSERT_EQ(found.hits.size(), 1u) << found.raw.err;
  EXPECT_FALSE(found.hits[0].contains("page"));
  ASSERT_EQ(run_command({indexer_path(), "--db", db, fixture("report.pdf").string()}).exit_status,
            0);
  EXPECT_EQ(Xapian::Database(db).get_metadata(std::string(terms::kMetaFormat)), "2");
  EXPECT_EQ(search(db, "desalination").hits.at(0)["page"], 2);
}

}  // namespace
}  // namespace polsearch::testing
