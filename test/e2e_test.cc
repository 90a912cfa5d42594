// End-to-end: the real indexer and searcher binaries on samples/, on small
// hand-made inputs, and on a slice of the real corpora in ../shared.
#include <zlib.h>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "terms.h"
#include "test_support.h"

namespace polsearch::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kSamples = std::string(POLSEARCH_SOURCE_DIR) + "/samples/statements";

CommandResult index_into(const std::string& db, std::vector<std::string> inputs,
                         const std::string& stdin_text = "") {
  std::vector<std::string> argv = {indexer_path(), "--db", db};
  argv.insert(argv.end(), inputs.begin(), inputs.end());
  return run_command(argv, stdin_text);
}

// Text of each highlighted span, from the code-point offsets in the JSON.
std::vector<std::string> highlighted(const json& hit) {
  std::u32string text;
  std::string utf8 = hit["text"];
  std::vector<size_t> byte_at;  // code point index -> byte offset
  for (size_t i = 0; i < utf8.size(); ++i)
    if ((static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80) byte_at.push_back(i);
  byte_at.push_back(utf8.size());
  std::vector<std::string> out;
  for (auto& span : hit["highlights"]) {
    size_t s = span[0], e = span[1];
    out.push_back(utf8.substr(byte_at.at(s), byte_at.at(e) - byte_at.at(s)));
  }
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Passages (not statement records) in a database.
Xapian::doccount passage_count(const std::string& db_path) {
  Xapian::Database db(db_path);
  return db.get_doccount() - db.get_termfreq(std::string(terms::kRecordType));
}

class Samples : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto r = index_into(db(), {kSamples});
    ASSERT_EQ(r.exit_status, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string db() { return dir_->str() + "/db"; }
  static TempDir* dir_;
};
TempDir* Samples::dir_ = nullptr;

TEST_F(Samples, BackstopReturnsOnlyBackstopPassagesWithUsBackstopInTop3) {
  auto r = search(db(), "backstop", {"--per-doc", "0"});
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  ASSERT_FALSE(r.hits.empty());
  bool us_backstop_in_top3 = false;
  for (auto& hit : r.hits) {
    std::string text = hit["text"];
    EXPECT_NE(lower(text).find("backstop"), std::string::npos) << text;
    if (hit["rank"].get<int>() <= 3 && text.find("a U.S. backstop is needed") != std::string::npos)
      us_backstop_in_top3 = true;
    for (auto& h : highlighted(hit)) EXPECT_EQ(lower(h), "backstop");
  }
  EXPECT_TRUE(us_backstop_in_top3);
}

TEST_F(Samples, Article5PhraseOnlyAndHighlightedAsOneSpan) {
  auto r = search(db(), "\"Article 5\"", {"--per-doc", "0"});
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  ASSERT_GE(r.hits.size(), 3u);
  for (auto& hit : r.hits) {
    std::string text = hit["text"];
    EXPECT_NE(text.find("Article 5"), std::string::npos) << text;
    auto spans = highlighted(hit);
    ASSERT_FALSE(spans.empty());
    for (auto& s : spans) EXPECT_EQ(s, "Article 5");
  }
  // The treaty passage also says "Article 51", which must not be marked.
}

TEST_F(Samples, PatrollingFindsPatrolsAndPatroling) {
  auto r = search(db(), "patrolling", {"--per-doc", "0"});
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  std::set<std::string> marked;
  for (auto& hit : r.hits)
    for (auto& h : highlighted(hit)) marked.insert(lower(h));
  EXPECT_TRUE(marked.count("patrols")) << r.raw.out;
  EXPECT_TRUE(marked.count("patroling")) << r.raw.out;
}

TEST_F(Samples, QuotedSingleWordIsExactForm) {
  auto r = search(db(), "\"patrols\"", {"--per-doc", "0"});
  ASSERT_FALSE(r.hits.empty());
  for (auto& hit : r.hits)
    for (auto& h : highlighted(hit)) EXPECT_EQ(lower(h), "patrols");
}

TEST_F(Samples, MetadataTravelsWithHits) {
  auto r = search(db(), "backstop", {"--limit", "1"});
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0]["speaker"], "Volodymyr Zelenskyy");
  EXPECT_EQ(r.hits[0]["country"], "UKR");
  EXPECT_EQ(r.hits[0]["doc_id"], "seed-zelenskyy-security-guarantees");
  EXPECT_NE(r.hits[0]["title"].get<std::string>().find("Zelenskyy"), std::string::npos);
  EXPECT_EQ(r.summary["type"], "summary");
  EXPECT_TRUE(r.summary.contains("parsed"));
  EXPECT_GE(r.summary["estimated_matches"].get<int>(), 1);
}

TEST_F(Samples, AllWordsFirstThenPartialMatches) {
  auto r = search(db(), "backstop Israel", {"--per-doc", "0", "--limit", "20"});
  ASSERT_GE(r.hits.size(), 2u);
  bool seen_partial = false;
  for (auto& hit : r.hits) {
    std::string text = lower(hit["text"]);
    bool both =
        text.find("backstop") != std::string::npos && text.find("israel") != std::string::npos;
    EXPECT_EQ(hit["all_terms"].get<bool>(), both) << text;
    if (!both)
      seen_partial = true;
    else
      EXPECT_FALSE(seen_partial) << "a passage with both words ranked below a partial match";
  }
  EXPECT_TRUE(seen_partial);
}

TEST_F(Samples, FiltersAndExclusion) {
  auto r = search(db(), "country:UKR \"Article 5\"", {"--per-doc", "0"});
  ASSERT_FALSE(r.hits.empty());
  for (auto& hit : r.hits) EXPECT_EQ(hit["country"], "UKR");
  auto treaty = search(db(), "date:1949 attack", {"--per-doc", "0"});
  ASSERT_FALSE(treaty.hits.empty());
  for (auto& hit : treaty.hits) EXPECT_EQ(hit["doc_id"], "north-atlantic-treaty-1949-article-5");
  auto none = search(db(), "date:2000..2010 attack");
  EXPECT_TRUE(none.hits.empty());
  auto excluded = search(db(), "backstop -Israel", {"--per-doc", "0"});
  ASSERT_FALSE(excluded.hits.empty());
  for (auto& hit : excluded.hits) EXPECT_EQ(lower(hit["text"]).find("israel"), std::string::npos);
}

TEST_F(Samples, PerDocLimitsPassagesPerStatement) {
  auto r = search(db(), "Zelenskyy", {"--per-doc", "1"});
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_GT(r.hits[0]["collapsed"].get<int>(), 0);
  auto all = search(db(), "Zelenskyy", {"--per-doc", "0"});
  EXPECT_GT(all.hits.size(), 1u);
}

TEST_F(Samples, UsAcronymIsNotThePronoun) {
  // The seed says "For us, that is ..." and "a U.S. backstop".
  auto r = search(db(), "U.S.", {"--per-doc", "0"});
  ASSERT_FALSE(r.hits.empty());
  for (auto& hit : r.hits)
    for (auto& h : highlighted(hit)) EXPECT_EQ(h, "U.S.");
  auto pronoun = search(db(), "us", {"--per-doc", "0", "--limit", "50"});
  std::set<std::string> marked;
  for (auto& hit : pronoun.hits)
    for (auto& h : highlighted(hit)) marked.insert(h);
  EXPECT_TRUE(marked.count("us")) << "lower-case us finds the pronoun";
  EXPECT_TRUE(marked.count("U.S.")) << "and the acronym";
}

TEST_F(Samples, ConceptExpansionFindsOtherWordingsAndNamesThem) {
  auto plain = search(db(), "backstop", {"--per-doc", "0", "--limit", "50"});
  auto expanded = search(db(), "~backstop", {"--per-doc", "0", "--limit", "50"});
  ASSERT_EQ(expanded.raw.exit_status, 0) << expanded.raw.err;
  EXPECT_GT(expanded.hits.size(), plain.hits.size());
  bool guarantee_without_backstop = false;
  for (auto& hit : expanded.hits) {
    std::string text = lower(hit["text"]);
    if (text.find("backstop") == std::string::npos) {
      EXPECT_NE(text.find("security guarantee"), std::string::npos) << text;
      guarantee_without_backstop = true;
      // The output names the wording that matched.
      std::string matched = hit["matched"].dump();
      EXPECT_NE(matched.find("security guarantee"), std::string::npos) << matched;
    }
  }
  EXPECT_TRUE(guarantee_without_backstop);
  // The typed wording ranks above its expansions.
  EXPECT_NE(lower(expanded.hits[0]["text"]).find("backstop"), std::string::npos);
}

TEST_F(Samples, BritishAndAmericanSpellingsMeet) {
  auto r = search(db(), "defence", {"--per-doc", "0", "--limit", "50"});
  std::set<std::string> marked;
  for (auto& hit : r.hits)
    for (auto& h : highlighted(hit)) marked.insert(lower(h));
  EXPECT_TRUE(marked.count("defence"));
  EXPECT_TRUE(marked.count("defense"));
}

TEST_F(Samples, MisspelledWordGetsASuggestion) {
  // Nothing matches the word as typed, so the suggestion's results are shown.
  auto r = search(db(), "secruity");
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  EXPECT_FALSE(r.hits.empty());
  EXPECT_EQ(r.summary["corrected_from"], "secruity");
  EXPECT_EQ(r.summary["query"], "security");
  auto text = run_command({searcher_path(), "--db", db(), "secruity guarantees"});
  EXPECT_NE(text.out.find("did you mean: security guarantees"), std::string::npos) << text.out;
}

TEST_F(Samples, FacetsCountTheWholeMatchingSet) {
  auto r = search(db(), "security", {"--facets", "--limit", "1"});
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  ASSERT_EQ(r.hits.size(), 1u);
  auto facets = r.summary["facets"];
  for (const char* field : {"speaker", "country", "source", "year"}) {
    ASSERT_TRUE(facets.contains(field)) << field;
    uint64_t sum = 0;
    for (auto& c : facets[field]["counts"]) sum += c["count"].get<uint64_t>();
    EXPECT_EQ(sum, r.summary["estimated_matches"].get<uint64_t>()) << field;
  }
  EXPECT_EQ(facets["country"]["counts"][0]["value"], "UKR");
  // Fewer matches than the sample: the sample is every match, so the counts are exact.
  EXPECT_EQ(r.summary["facet_sample"],
            (nlohmann::json{{"passages", r.summary["estimated_matches"]}, {"exact", true}}));
}

// By default facets count the first --facet-sample matches in result order, and say so;
// --exact-facets counts every match.
TEST_F(Samples, FacetsFromASampleSaySo) {
  auto sampled = search(db(), "security", {"--facets", "--facet-sample", "2", "--limit", "1"});
  ASSERT_EQ(sampled.raw.exit_status, 0) << sampled.raw.err;
  EXPECT_EQ(sampled.summary["facet_sample"], (nlohmann::json{{"passages", 2}, {"exact", false}}));
  for (auto& [field, facet] : sampled.summary["facets"].items())
    EXPECT_EQ(facet["total"], 2) << field;
  auto exact = search(db(), "security",
                      {"--facets", "--facet-sample", "2", "--exact-facets", "--limit", "1"});
  ASSERT_EQ(exact.raw.exit_status, 0) << exact.raw.err;
  EXPECT_EQ(exact.summary["facet_sample"],
            (nlohmann::json{{"passages", exact.summary["estimated_matches"]}, {"exact", true}}));
  auto text = run_command({searcher_path(), "--db", db(), "--facets", "--facet-sample", "2",
                           "--limit", "1", "security"});
  EXPECT_NE(text.out.find("facets counted over the first 2 passages in result order, not every "
                          "match (--exact-facets counts all)"),
            std::string::npos)
      << text.out;
}

TEST_F(Samples, TextOutputMarksMatches) {
  auto r = run_command({searcher_path(), "--db", db(), "--limit", "1", "backstop"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("**backstop**"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Volodymyr Zelenskyy"), std::string::npos);
  EXPECT_NE(r.out.find("1. ["), std::string::npos);
}

TEST(Indexing, SameInputTwiceLeavesSamePassageCount) {
  TempDir dir;
  std::string db = dir.str() + "/db";
  ASSERT_EQ(index_into(db, {kSamples}).exit_status, 0);
  auto first = passage_count(db);
  auto again = index_into(db, {kSamples});
  ASSERT_EQ(again.exit_status, 0) << again.err;
  EXPECT_NE(again.err.find("2 replaced"), std::string::npos) << again.err;
  EXPECT_EQ(passage_count(db), first);
  EXPECT_GT(first, 5u);
}

TEST(Indexing, ReindexWithFewerParagraphsLeavesNoStalePassages) {
  TempDir dir;
  std::string db = dir.str() + "/db";
  std::string para(40, 'x');
  std::string long_text, short_text;
  for (int i = 0; i < 6; ++i)
    long_text += "Paragraph number " + std::to_string(i) +
                 " talks about the zebra crossing and many other matters of state policy, "
                 "which the delegation wished to record in full for the minutes of this "
                 "meeting and the next one.\\n\\n";
  short_text =
      "Only one paragraph remains about the zebra crossing and other matters of policy, which "
      "the delegation wished to record in full for the minutes of this meeting.";
  std::string v1 = "{\"id\":\"s1\",\"text\":\"" + long_text + "\"}\n";
  std::string v2 = "{\"id\":\"s1\",\"text\":\"" + short_text + "\"}\n";
  ASSERT_EQ(index_into(db, {"-"}, v1).exit_status, 0);
  EXPECT_EQ(passage_count(db), 6u);
  auto r = index_into(db, {"-"}, v2);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(passage_count(db), 1u);
  auto hits = search(db, "zebra", {"--per-doc", "0"});
  ASSERT_EQ(hits.hits.size(), 1u);
  EXPECT_EQ(hits.hits[0]["text"], short_text);
}

TEST(Indexing, MalformedLineIsNamedAndGoodRecordsIndexed) {
  TempDir dir;
  fs::path input = dir.path() / "mixed.jsonl";
  write_file(input,
             "{\"id\":\"a\",\"text\":\"The first good statement about fisheries.\"}\n"
             "{\"id\":\"b\",\"text\":\"broken because the string never ends}\n"
             "{\"id\":\"c\",\"text\":\"The second good statement about fisheries.\"}\n");
  std::string db = dir.str() + "/db";
  auto r = index_into(db, {input.string()});
  EXPECT_EQ(r.exit_status, 1) << r.err;
  EXPECT_NE(r.err.find("mixed.jsonl:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 statements added"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 skipped"), std::string::npos) << r.err;
  EXPECT_EQ(search(db, "fisheries", {"--per-doc", "0"}).hits.size(), 2u);
}

TEST(Indexing, DeleteRemovesAStatement) {
  TempDir dir;
  std::string db = dir.str() + "/db";
  ASSERT_EQ(index_into(db, {kSamples}).exit_status, 0);
  auto r =
      run_command({indexer_path(), "--db", db, "--delete", "seed-zelenskyy-security-guarantees"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_TRUE(search(db, "backstop").hits.empty());
  auto missing = run_command({indexer_path(), "--db", db, "--delete", "no-such-id"});
  EXPECT_EQ(missing.exit_status, 1);
  EXPECT_NE(missing.err.find("no such statement"), std::string::npos);
}

TEST(Indexing, HyphenatedCompoundsMeetJoinedAndSpacedForms) {
  TempDir dir;
  std::string db = dir.str() + "/db";
  std::string input =
      "{\"id\":\"joined\",\"text\":\"We call for an immediate ceasefire in the region.\"}\n"
      "{\"id\":\"hyphen\",\"text\":\"We call for an immediate cease-fire in the region.\"}\n"
      "{\"id\":\"spaced\",\"text\":\"We call on both parties to cease fire in the region.\"}\n"
      "{\"id\":\"other\",\"text\":\"The fire brigade will cease operations in the region.\"}\n";
  ASSERT_EQ(index_into(db, {"-"}, input).exit_status, 0);
  for (const char* q : {"ceasefire", "cease-fire", "\"cease fire\""}) {
    auto r = search(db, q, {"--per-doc", "0"});
    std::set<std::string> ids;
    for (auto& hit : r.hits) ids.insert(hit["doc_id"]);
    EXPECT_EQ(ids, (std::set<std::string>{"joined", "hyphen", "spaced"})) << q << "\n" << r.raw.out;
  }
}

TEST(Indexing, ParallelBuildMatchesSequentialBuild) {
  TempDir dir;
  fs::path input = dir.path() / "many.jsonl";
  std::string lines;
  for (int i = 0; i < 60; ++i) {
    std::string text;
    for (int p = 0; p <= i % 4; ++p)
      text += "Statement " + std::to_string(i) + " paragraph " + std::to_string(p) +
              " discusses maritime patrols, sanctions and the humanitarian corridor near the "
              "border.\\n\\n";
    lines += "{\"id\":\"s" + std::to_string(i % 50) + "\",\"text\":\"" + text + "\"}\n";
  }
  write_file(input, lines);  // ids s0..s9 appear twice: the later record must win
  std::string one = dir.str() + "/one", two = dir.str() + "/two";
  auto a = run_command({indexer_path(), "--db", one, input.string()});
  auto b = run_command({indexer_path(), "--db", two, "--jobs", "2", input.string()});
  ASSERT_EQ(a.exit_status, 0) << a.err;
  ASSERT_EQ(b.exit_status, 0) << b.err;
  EXPECT_EQ(passage_count(one), passage_count(two));
  EXPECT_EQ(Xapian::Database(two).get_termfreq(std::string(terms::kRecordType)), 50u);
  EXPECT_FALSE(fs::exists(two + ".polsearch-shards"));
  auto ra = search(one, "patrols", {"--per-doc", "0", "--limit", "500"});
  auto rb = search(two, "patrols", {"--per-doc", "0", "--limit", "500"});
  std::multiset<std::string> ta, tb;
  for (auto& h : ra.hits)
    ta.insert(h["doc_id"].get<std::string>() + "\t" + h["text"].get<std::string>());
  for (auto& h : rb.hits)
    tb.insert(h["doc_id"].get<std::string>() + "\t" + h["text"].get<std::string>());
  EXPECT_EQ(ta, tb);
  EXPECT_EQ(ta.size(), passage_count(one));
}

TEST(Searcher, MissingDatabaseIsExit3) {
  TempDir dir;
  auto r = run_command({searcher_path(), "--db", dir.str() + "/nope", "anything"});
  EXPECT_EQ(r.exit_status, 3);
  EXPECT_NE(r.err.find("no such database"), std::string::npos) << r.err;
}

TEST(Searcher, SyntaxErrorNamesThePosition) {
  TempDir dir;
  std::string db = dir.str() + "/db";
  ASSERT_EQ(index_into(db, {kSamples}).exit_status, 0);
  auto r = run_command({searcher_path(), "--db", db, "backstop \"Article 5"});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("at character 10"), std::string::npos) << r.err;
}

TEST(Searcher, RefusesADatabaseFromANewerFormat) {
  TempDir dir;
  std::string db = dir.str() + "/db";
  ASSERT_EQ(index_into(db, {kSamples}).exit_status, 0);
  {
    Xapian::WritableDatabase w(db);
    w.set_metadata(std::string(terms::kMetaFormat), "99");
    w.commit();
  }
  auto r = run_command({searcher_path(), "--db", db, "backstop"});
  EXPECT_EQ(r.exit_status, 3);
  EXPECT_NE(r.err.find("format 99 needs a newer program"), std::string::npos) << r.err;
  auto w = index_into(db, {kSamples});
  EXPECT_EQ(w.exit_status, 3);
}

// A slice of the real corpora: the first statements of each file.
std::string corpus_slice(const fs::path& gz, size_t lines) {
  gzFile f = gzopen(gz.c_str(), "rb");
  std::string out, line;
  char buf[1 << 16];
  size_t n = 0;
  while (n < lines && gzgets(f, buf, sizeof buf)) {
    line += buf;
    if (!line.empty() && line.back() == '\n') {
      out += line;
      line.clear();
      ++n;
    }
  }
  gzclose(f);
  return out;
}

TEST(Corpus, SliceOfBothCorporaIndexesAndFilters) {
  REQUIRE_SHARED("corpus/ungdc/docs.jsonl.gz");
  REQUIRE_SHARED("corpus/us-presidential-speeches/docs.jsonl.gz");
  TempDir dir;
  std::string input =
      corpus_slice(shared_dir() / "corpus/ungdc/docs.jsonl.gz", 150) +
      corpus_slice(shared_dir() / "corpus/us-presidential-speeches/docs.jsonl.gz", 60);
  std::string db = dir.str() + "/db";
  auto r = index_into(db, {"-"}, input);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.err.find("210 statements added"), std::string::npos) << r.err;

  auto peace = search(db, "\"security council\"", {"--limit", "20"});
  ASSERT_EQ(peace.hits.size(), 20u);
  for (auto& hit : peace.hits) {
    EXPECT_NE(lower(hit["text"]).find("security council"), std::string::npos);
    // A span covers whole words, so a possessive stays inside it ("Council’s").
    for (auto& h : highlighted(hit)) EXPECT_EQ(lower(h).substr(0, 16), "security council");
  }
  auto usa = search(db, "country:USA date:1789..1800 liberty", {"--limit", "20", "--per-doc", "0"});
  ASSERT_FALSE(usa.hits.empty());
  for (auto& hit : usa.hits) {
    EXPECT_EQ(hit["country"], "USA");
    std::string date = hit["date"];
    EXPECT_GE(date, "1789");
    EXPECT_LE(date, "1800-99");
  }
  auto speaker = search(db, "speaker:Washington", {"--limit", "5"});
  ASSERT_FALSE(speaker.hits.empty());
  for (auto& hit : speaker.hits)
    EXPECT_NE(hit["speaker"].get<std::string>().find("Washington"), std::string::npos);
}

}  // namespace
}  // namespace polsearch::testing
