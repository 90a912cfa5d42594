#include "passages.h"

#include <zlib.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "test_support.h"

namespace polsearch {
namespace {

using namespace std::string_literals;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

uint32_t words_in(std::string_view s) {
  uint32_t n = 0;
  bool in_word = false;
  for (char c : s) {
    if (!is_space(c) && !in_word) ++n;
    in_word = !is_space(c);
  }
  return n;
}

std::vector<std::string> texts_of(std::string_view text, const std::vector<Passage>& ps) {
  std::vector<std::string> out;
  for (const Passage& p : ps) out.emplace_back(text.substr(p.start, p.end - p.start));
  return out;
}

// The invariants every split must keep, whatever the text.
void check_invariants(std::string_view text, const std::vector<Passage>& ps,
                      const PassageBounds& bounds, const std::string& label) {
  SCOPED_TRACE(label);
  uint32_t pos = 0;
  for (size_t i = 0; i < ps.size(); ++i) {
    const Passage& p = ps[i];
    ASSERT_EQ(p.ordinal, i);
    ASSERT_LT(p.start, p.end) << "empty passage " << i;
    ASSERT_LE(p.end, text.size());
    ASSERT_LE(pos, p.start) << "passage " << i << " overlaps the one before";
    ASSERT_FALSE(is_space(text[p.start])) << "passage " << i << " not trimmed at start";
    ASSERT_FALSE(is_space(text[p.end - 1])) << "passage " << i << " not trimmed at end";
    for (uint32_t k = pos; k < p.start; ++k)
      ASSERT_TRUE(is_space(text[k])) << "byte " << k << " is in no passage";
    // Bounded even for an enormous sentence: a scrap + a 4*max sentence + a short tail.
    ASSERT_LE(words_in(text.substr(p.start, p.end - p.start)),
              4 * bounds.max_words + 2 * bounds.min_words)
        << "passage " << i;
    pos = p.end;
  }
  for (uint32_t k = pos; k < text.size(); ++k)
    ASSERT_TRUE(is_space(text[k])) << "byte " << k << " is in no passage";
}

std::vector<std::string> split_texts(std::string_view text, PassageBounds bounds = {}) {
  PassageSplitter splitter(bounds);
  auto ps = splitter.split(text);
  check_invariants(text, ps, bounds, std::string(text.substr(0, 60)));
  return texts_of(text, ps);
}

// "Word word ... word." with n words: one sentence (capitalised, or ICU sees no break).
std::string sentence(int n, const std::string& word = "word") {
  std::string s;
  for (int i = 0; i < n; ++i) s += (i ? " " : "") + word;
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s + ".";
}

std::string sentences(int count, int words_each) {
  std::string s;
  for (int i = 0; i < count; ++i) s += (i ? " " : "") + sentence(words_each);
  return s;
}

struct Case {
  const char* name;
  std::string text;
  PassageBounds bounds;
  std::vector<std::string> expected;
};

const PassageBounds kSmall{3, 20};  // min 3 words, max 20

TEST(PassageSplitter, Table) {
  const std::string p10 = sentence(10, "ten"), p12 = sentence(12, "twelve");
  const std::vector<Case> cases = {
      {"empty", "", {}, {}},
      {"only whitespace", " \n\n\t \r\n  ", {}, {}},
      {"one short paragraph", "  (Applause.)  \n", {}, {"(Applause.)"}},
      {"one word", "word", {}, {"word"}},
      {"blank lines separate",
       "alpha beta gamma delta.\n\nepsilon zeta eta theta.\n",
       kSmall,
       {"alpha beta gamma delta.", "epsilon zeta eta theta."}},
      {"whitespace-only line is blank",
       "alpha beta gamma.\n \t \nzeta eta theta.",
       kSmall,
       {"alpha beta gamma.", "zeta eta theta."}},
      {"CRLF blank line",
       "alpha beta gamma.\r\n\r\nzeta eta theta.\r\n",
       kSmall,
       {"alpha beta gamma.", "zeta eta theta."}},
      {"no blank line: one paragraph per line",
       "alpha beta gamma,\nzeta eta theta\nmu nu xi",
       kSmall,
       {"alpha beta gamma,", "zeta eta theta", "mu nu xi"}},
      {"hard-wrapped block stays one paragraph",
       "alpha beta gamma delta\nepsilon zeta eta.\n\nmu nu xi omicron\npi rho sigma.",
       kSmall,
       {"alpha beta gamma delta\nepsilon zeta eta.", "mu nu xi omicron\npi rho sigma."}},
      {"title then one paragraph per line",
       "A title\n\nFirst para one two.\n\"Second para, quoted.\"\nThird para here.",
       kSmall,
       {"A title\n\nFirst para one two.", "\"Second para, quoted.\"", "Third para here."}},
      {"heading joins the following paragraph",
       "Intro\n\nalpha beta gamma delta.\n\nmu nu xi.",
       kSmall,
       {"Intro\n\nalpha beta gamma delta.", "mu nu xi."}},
      {"short last paragraph joins the previous",
       "alpha beta gamma delta.\n\nThanks.",
       kSmall,
       {"alpha beta gamma delta.\n\nThanks."}},
      {"short paragraphs chain until min_words",
       "One\n\nTwo\n\nThree\n\nfour five six.",
       kSmall,
       {"One\n\nTwo\n\nThree", "four five six."}},
      {"chain that never reaches min joins the previous",
       "alpha beta gamma.\n\nOne\n\nTwo",
       kSmall,
       {"alpha beta gamma.\n\nOne\n\nTwo"}},
      {"only short paragraphs", "One\n\nTwo", kSmall, {"One\n\nTwo"}},
      {"heading attaches to a long neighbour anyway",
       "Heading\n\n" + p12,
       {3, 12},
       {"Heading\n\n" + p12}},
      {"paragraphs within bounds untouched", p10 + "\n\n" + p12, {3, 12}, {p10, p12}},
      {"long paragraph split at sentences",
       sentences(4, 5),
       {1, 10},
       {sentences(2, 5), sentences(2, 5)}},
      {"abbreviation U.S.",
       "The U.S. backstop is needed. It was agreed.",
       {1, 5},
       {"The U.S. backstop is needed.", "It was agreed."}},
      {"abbreviation U.S. before a capital",
       "He met the U.S. President. It was agreed.",
       {1, 5},
       {"He met the U.S. President.", "It was agreed."}},
      {"abbreviation Art.",
       "Under Art. 5 of the treaty we act. It was agreed.",
       {1, 8},
       {"Under Art. 5 of the treaty we act.", "It was agreed."}},
      {"abbreviation No.",
       "Resolution No. 3 was adopted. Then we left.",
       {1, 5},
       {"Resolution No. 3 was adopted.", "Then we left."}},
      {"abbreviation Mr.",
       "Mr. Arce spoke. He said no.",
       {1, 5},
       {"Mr. Arce spoke.", "He said no."}},
      {"abbreviations Dr. and Gen.",
       "Ask Dr. Smith and Gen. Jones. Then we left.",
       {1, 6},
       {"Ask Dr. Smith and Gen. Jones.", "Then we left."}},
      {"abbreviation in brackets",
       "It is binding (Art. Five) on all. Then we left.",
       {1, 7},
       {"It is binding (Art. Five) on all.", "Then we left."}},
      {"hard wraps are not sentence ends",
       "alpha beta gamma\ndelta epsilon zeta. Eta theta iota\nkappa lambda mu.\n\nnu xi.",
       {1, 8},
       {"alpha beta gamma\ndelta epsilon zeta.", "Eta theta iota\nkappa lambda mu.", "nu xi."}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(split_texts(c.text, c.bounds), c.expected) << c.name;
  }
}

TEST(PassageSplitter, OrdinalsAndByteOffsets) {
  PassageSplitter splitter(kSmall);
  std::string text = "  Überschrift\n\nÄlpha beta gamma.\n\n  zeta eta theta.  \n";
  auto ps = splitter.split(text);
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[0].ordinal, 0u);
  EXPECT_EQ(ps[0].start, 2u);
  EXPECT_EQ(ps[0].end, text.find("gamma.") + 6);
  EXPECT_EQ(ps[1].ordinal, 1u);
  EXPECT_EQ(ps[1].start, text.find("zeta"));
  EXPECT_EQ(ps[1].end, text.find("theta.") + 6);
}

TEST(PassageSplitter, BalancedSplit) {
  // 500 words in 50 ten-word sentences with max 180: three passages of about 167.
  PassageBounds bounds;
  auto parts = split_texts(sentences(50, 10), bounds);
  ASSERT_EQ(parts.size(), 3u);
  for (auto& p : parts) {
    EXPECT_GE(words_in(p), 150u);
    EXPECT_LE(words_in(p), 180u);
  }
  // 7 x 30 = 210 words: two passages (90 + 120), not 180 + 30.
  parts = split_texts(sentences(7, 30), bounds);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(words_in(parts[0]), 90u);
  EXPECT_EQ(words_in(parts[1]), 120u);
}

TEST(PassageSplitter, LongSentences) {
  PassageBounds bounds{5, 100};
  // A 300-word sentence (< 4 x max) is kept whole; its neighbours are separate passages.
  std::string text = sentences(5, 20) + " " + sentence(300) + " " + sentences(5, 20);
  auto parts = split_texts(text, bounds);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1], sentence(300));
  // A 1000-word sentence is cut at word boundaries into ten passages of 100.
  parts = split_texts(sentence(1000), bounds);
  ASSERT_EQ(parts.size(), 10u);
  for (auto& p : parts) EXPECT_EQ(words_in(p), 100u);
  // A short sentence before a long one rides along rather than standing alone.
  parts = split_texts("Indeed. " + sentence(300), bounds);
  ASSERT_EQ(parts.size(), 1u);
  // One enormous word: never split inside it.
  std::string word(100000, 'x');
  parts = split_texts(sentences(3, 50) + " " + word + " " + sentence(200), bounds);
  int holding = 0;
  for (auto& p : parts) {
    if (p.find('x') == std::string::npos) continue;
    ++holding;
    EXPECT_NE(p.find(word), std::string::npos);
  }
  EXPECT_EQ(holding, 1);
}

TEST(PassageSplitter, HostileBytes) {
  PassageSplitter splitter({2, 6});
  std::vector<std::string> texts = {
      "a\0b c\0\0 d. e f g h i j k l.\n\n\0"s,
      "\xff\xfe\xfd. \xc3\x28 abc. \xe2\x82 def ghi jkl mno pqr stu.\n\n\xf0\x90\x80",
      "\r\r\r\n\n\r word \r\n\r\n",
      "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p",
      std::string(5000, '.') + " " + std::string(5000, '\n') + "x",
      std::string(3000, '?') + " x y z w v u t s r q p",
      [] {  // a million one-word sentences: linear time, no per-sentence state kept
        std::string t;
        for (int i = 0; i < 1000000; ++i) t += "X. ";
        return t;
      }(),
  };
  for (size_t i = 0; i < texts.size(); ++i) {
    auto ps = splitter.split(texts[i]);
    check_invariants(texts[i], ps, {2, 6}, "hostile text " + std::to_string(i));
    EXPECT_FALSE(ps.empty());
  }
}

// Random texts from a small vocabulary with random punctuation, line breaks, blank
// lines, CR, tabs and abbreviations, under random bounds.
TEST(PassageSplitter, RandomTextsKeepInvariants) {
  std::mt19937 rng(12345);
  const std::vector<std::string> vocab = {"the",        "U.S.", "Art.",     "peace",
                                          "Mr.",        "é",    "na\xefve", "(a)",
                                          "\"quoted\"", "e.g.", "—",        "1,000"};
  const std::vector<std::string> seps = {" ",    " ",    " ",     " ",  "  ", "\t",  "\n",
                                         "\r\n", "\n\n", "\n \n", ". ", "? ", ".\n", ".\n\n"};
  for (int round = 0; round < 300; ++round) {
    PassageBounds bounds{static_cast<uint32_t>(rng() % 15), static_cast<uint32_t>(1 + rng() % 60)};
    std::string text;
    if (rng() % 4 == 0) text += "   \n";
    size_t n = rng() % 2000;
    for (size_t i = 0; i < n; ++i) {
      text += vocab[rng() % vocab.size()];
      text += seps[rng() % (rng() % 3 ? 6 : seps.size())];
    }
    PassageSplitter splitter(bounds);
    auto ps = splitter.split(text);
    check_invariants(text, ps, bounds, "round " + std::to_string(round));
    if (HasFatalFailure()) return;
  }
}

// Prose with real sentence ends: then max_words is only exceeded by the short
// paragraphs (< min_words each side) joined to a paragraph that fits.
TEST(PassageSplitter, GeneratedProseStaysWithinBounds) {
  std::mt19937 rng(99);
  for (PassageBounds bounds :
       {PassageBounds{12, 180}, PassageBounds{5, 60}, PassageBounds{1, 20}}) {
    for (int round = 0; round < 50; ++round) {
      std::string text;
      for (int p = 0, paragraphs = 1 + rng() % 30; p < paragraphs; ++p) {
        if (p) text += rng() % 5 ? "\n\n" : "\n \n\n";
        if (rng() % 4 == 0) {  // a heading or a dateline
          text += "Heading " + std::to_string(p);
          continue;
        }
        for (int k = 0, sentences_in = 1 + rng() % 25; k < sentences_in; ++k) {
          int words = 1 + rng() % std::min<int>(40, bounds.max_words - bounds.min_words + 1);
          text += (k ? " " : "") + sentence(words, rng() % 2 ? "peace" : "security");
        }
      }
      PassageSplitter splitter(bounds);
      auto ps = splitter.split(text);
      check_invariants(text, ps, bounds, "round " + std::to_string(round));
      for (auto& p : ps)
        ASSERT_LE(words_in(std::string_view(text).substr(p.start, p.end - p.start)),
                  bounds.max_words + 2 * (bounds.min_words - 1))
            << text.substr(p.start, p.end - p.start);
    }
  }
}

// Reads the first `count` records' texts of a gzipped JSON Lines file.
std::vector<std::string> read_texts(const std::filesystem::path& path, size_t count) {
  std::vector<std::string> texts;
  gzFile gz = gzopen(path.c_str(), "rb");
  if (!gz) return texts;
  std::string pending;
  char buf[1 << 16];
  int n;
  while (texts.size() < count && (n = gzread(gz, buf, sizeof buf)) > 0) {
    pending.append(buf, n);
    size_t start = 0, nl;
    while (texts.size() < count && (nl = pending.find('\n', start)) != std::string::npos) {
      auto j = nlohmann::json::parse(pending.begin() + start, pending.begin() + nl);
      texts.push_back(j.value("text", ""));
      start = nl + 1;
    }
    pending.erase(0, start);
  }
  gzclose(gz);
  return texts;
}

TEST(PassageSplitter, RealStatementsKeepInvariants) {
  REQUIRE_SHARED("corpus/ungdc/docs.jsonl.gz");
  auto texts = read_texts(testing::shared_dir() / "corpus/ungdc/docs.jsonl.gz", 200);
  ASSERT_EQ(texts.size(), 200u);
  PassageBounds bounds;
  PassageSplitter splitter(bounds);
  size_t passages = 0, over_max = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto ps = splitter.split(texts[i]);
    check_invariants(texts[i], ps, bounds, "statement " + std::to_string(i));
    if (HasFatalFailure()) return;
    passages += ps.size();
    for (auto& p : ps)
      over_max += words_in(std::string_view(texts[i]).substr(p.start, p.end - p.start)) >
                  bounds.max_words + bounds.min_words;
  }
  // Only rare unsplittable sentences may exceed the bound.
  EXPECT_LT(over_max * 100, passages) << over_max << " of " << passages;
}

TEST(PassageSplitter, SeedArticleOneParagraphPerLine) {
  REQUIRE_SHARED("seed");
  for (auto& entry : std::filesystem::directory_iterator(testing::shared_dir() / "seed")) {
    std::string text = testing::read_file(entry.path());
    size_t lines = 0;
    for (char c : text) lines += c == '\n';
    PassageSplitter splitter;
    auto ps = splitter.split(text);
    check_invariants(text, ps, {}, entry.path().string());
    // Title + one paragraph per line: about one passage per line, not a few big ones.
    EXPECT_GE(ps.size() + 3, lines) << entry.path();
  }
}

TEST(PassageSplitter, ReusableAcrossTexts) {
  PassageSplitter splitter({1, 5});
  for (int i = 0; i < 3; ++i) {
    std::string text = "Mr. Arce spoke. He said no.";
    EXPECT_EQ(texts_of(text, splitter.split(text)),
              (std::vector<std::string>{"Mr. Arce spoke.", "He said no."}));
    EXPECT_TRUE(splitter.split("").empty());
  }
}

}  // namespace
}  // namespace polsearch
