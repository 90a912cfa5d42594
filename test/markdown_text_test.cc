// markdown_to_text: the words stay, the syntax goes (issue 11, item 5e).
#include "markdown_text.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace polsearch {
namespace {

TEST(MarkdownText, HeadingAndQuoteMarkersGo) {
  EXPECT_EQ(markdown_to_text("# The Treaty\n\n## Article 5 ##\n> quoted words"),
            "The Treaty\n\nArticle 5\nquoted words");
}

TEST(MarkdownText, EmphasisCodeLinksAndImagesKeepTheirWords) {
  EXPECT_EQ(markdown_to_text("a **strong** army, *truly* and __very__ _much_ so"),
            "a strong army, truly and very much so");
  EXPECT_EQ(markdown_to_text("see [the treaty](https://nato.int/t) and ![a map](m.png)"),
            "see the treaty and a map");
  EXPECT_EQ(markdown_to_text("run `indexer --db x`"), "run indexer --db x");
  EXPECT_EQ(markdown_to_text("***all three***"), "all three");
  EXPECT_EQ(markdown_to_text("**[a bold link](u)**"), "a bold link");
}

TEST(MarkdownText, TextThatOnlyLooksLikeMarkupStays) {
  EXPECT_EQ(markdown_to_text("Article 5 [NATO's collective defense clause] or"),
            "Article 5 [NATO's collective defense clause] or");
  EXPECT_EQ(markdown_to_text("snake_case_name and 5 * 3 * 2"), "snake_case_name and 5 * 3 * 2");
  EXPECT_EQ(markdown_to_text("#hashtag"), "#hashtag");
  EXPECT_EQ(markdown_to_text("a * lone star and an *unclosed one"),
            "a * lone star and an *unclosed one");
}

TEST(MarkdownText, FencedCodeStaysAsWritten) {
  EXPECT_EQ(markdown_to_text("```\n# not a heading *x*\n```\n# Heading"),
            "```\n# not a heading *x*\n```\nHeading");
}

TEST(MarkdownText, LongLinesOfStrayMarkupTakeLinearTime) {
  std::string line;
  for (int i = 0; i < 200000; ++i) line += "*a _b [c ";
  std::string out = markdown_to_text(line);
  EXPECT_EQ(out.size(), line.size());  // nothing closes: all of it is text
}

}  // namespace

namespace testing {
namespace {

TEST(MarkdownText, PassagesShowNoSyntaxAndHighlightsPointAtTheWords) {
  TempDir dir;
  std::string db = dir.str() + "/db";
  write_file(dir.path() / "s.md",
             "# The *Title*\n\nA **backstop** is [a guarantee](https://example.org) for "
             "Ukraine, said the _speaker_ at some length about the matter at hand today.\n");
  auto r = run_command({indexer_path(), "--db", db, dir.str() + "/s.md"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  auto found = search(db, "guarantee");
  ASSERT_EQ(found.hits.size(), 1u) << found.raw.out << found.raw.err;
  const auto& hit = found.hits[0];
  EXPECT_EQ(hit["title"], "The Title");
  std::string text = hit["text"];
  EXPECT_EQ(text.find_first_of("*_[]#"), std::string::npos) << text;
  ASSERT_EQ(hit["highlights"].size(), 1u);
  size_t start = hit["highlights"][0][0], end = hit["highlights"][0][1];
  EXPECT_EQ(text.substr(start, end - start), "guarantee");  // ASCII: code points = bytes
}

}  // namespace
}  // namespace testing
}  // namespace polsearch
