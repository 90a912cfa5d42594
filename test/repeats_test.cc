// A statement whose text holds a paragraph twice (transcripts do: "as delivered" after
// "as prepared") gives two passages with the same words, which every query weighs the
// same and ranks side by side. The page shows the first and leaves the second out with a
// note; --show-repeats keeps both; pages follow on across the one left out.
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace polsearch::testing {
namespace {

using nlohmann::json;

// Three paragraphs, each long enough to be a passage of its own; the first comes twice.
const std::string kRepeated =
    "The delegation stated that the maritime boundary dispute must be settled by "
    "arbitration, that fishing rights in the disputed waters should be shared in the "
    "meantime, and that both coast guards should keep their vessels apart until the "
    "tribunal has ruled on every claim.";
const std::string kOther =
    "On trade the minister announced lower tariffs for agricultural goods, a new customs "
    "agreement with the neighbouring states, and a fund to help small farmers reach "
    "markets abroad, all of it to be reviewed by parliament within the coming year.";
const std::string kLast =
    "Finally the speaker thanked the host city and the interpreters, recalled the work of "
    "the previous session, and invited every delegation to the reception that evening in "
    "the great hall beside the river, where the exhibition would also open.";

std::string statements() {
  json twice = {{"id", "twice"},
                {"title", "Statement printed twice"},
                {"text", kRepeated + "\n\n" + kOther + "\n\n" + kRepeated + "\n\n" + kLast}};
  // Another statement that speaks of the same dispute, ranked after the two copies.
  json other = {{"id", "other"},
                {"title", "Another statement"},
                {"text",
                 "The maritime boundary dispute was mentioned once in passing by the "
                 "chair, who then turned to the budget of the committee and to the "
                 "calendar of meetings for the rest of the year ahead."}};
  return twice.dump() + "\n" + other.dump() + "\n";
}

class Repeats : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    write_file(dir_->path() / "twice.jsonl", statements());
    auto r = run_command({indexer_path(), "--db", db(), (dir_->path() / "twice.jsonl").string()});
    ASSERT_EQ(r.exit_status, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string db() { return dir_->str() + "/db"; }

  static TempDir* dir_;
};
TempDir* Repeats::dir_ = nullptr;

const char* kQuery = "maritime boundary dispute arbitration";

// "statement#passage (rank N)" for each hit, in order.
std::vector<std::string> listing(const Results& r) {
  std::vector<std::string> out;
  for (const json& hit : r.hits)
    out.push_back(hit["doc_id"].get<std::string>() + "#" +
                  std::to_string(hit["passage"].get<int>()) + " (rank " +
                  std::to_string(hit["rank"].get<int>()) + ")");
  return out;
}

TEST_F(Repeats, TheSecondCopyIsLeftOutWithANote) {
  auto r = search(db(), kQuery, {"--per-doc", "0"});
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  // Rank 2, the copy, is left out; ranks keep counting it.
  EXPECT_EQ(listing(r), (std::vector<std::string>{"twice#0 (rank 1)", "other#0 (rank 3)"}));
  EXPECT_NE(r.summary["notes"].dump().find("1 passage left out: it repeats the passage ranked "
                                           "above it word for word"),
            std::string::npos)
      << r.summary.dump();
  // It still matches: the counts are of matching passages, the copy among them.
  EXPECT_EQ(r.summary["total"]["passages"], 3);
}

TEST_F(Repeats, ShowRepeatsKeepsBothCopies) {
  auto r = search(db(), kQuery, {"--per-doc", "0", "--show-repeats"});
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  EXPECT_EQ(listing(r),
            (std::vector<std::string>{"twice#0 (rank 1)", "twice#2 (rank 2)", "other#0 (rank 3)"}));
  EXPECT_EQ(r.summary["notes"].dump().find("left out"), std::string::npos);
  EXPECT_EQ(r.hits[0]["text"], r.hits[1]["text"]);
}

TEST_F(Repeats, PagesFollowOnAcrossTheCopyLeftOut) {
  // Page by page, one item a page: the copy's page is empty but for the note, and no
  // passage is lost or shown twice.
  std::vector<std::string> pages;
  std::set<std::string> noted;
  for (int offset = 0; offset < 4; ++offset) {
    auto r = search(db(), kQuery,
                    {"--per-doc", "0", "--limit", "1", "--offset", std::to_string(offset)});
    ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
    for (const std::string& hit : listing(r)) pages.push_back(hit);
    if (r.summary["notes"].dump().find("left out") != std::string::npos)
      noted.insert(std::to_string(offset));
  }
  EXPECT_EQ(pages, (std::vector<std::string>{"twice#0 (rank 1)", "other#0 (rank 3)"}));
  EXPECT_EQ(noted, (std::set<std::string>{"1"}));
}

TEST_F(Repeats, PassagesOfOneStatementThatDifferAreAllShown) {
  // Equal words are needed, not an equal statement: the other paragraphs are kept.
  auto r = search(db(), "delegation", {"--per-doc", "0", "--show-repeats"});
  auto kept = search(db(), "delegation", {"--per-doc", "0"});
  ASSERT_EQ(kept.raw.exit_status, 0) << kept.raw.err;
  EXPECT_EQ(listing(kept).size() + 1, listing(r).size()) << kept.summary.dump();
  EXPECT_EQ(r.hits.size(), 3u);  // both copies and the last paragraph
}

}  // namespace
}  // namespace polsearch::testing
