// Wordings learned from the corpus (indexer --learn-wordings): phrase detection, the
// neighbour table's file, training on a generated corpus, and their use by the searcher
// (--related, ~word, a missing or damaged table). fastText runs with one thread and a
// fixed seed, and the tests assert on structure (a known pair among the neighbours),
// never on exact similarities.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>
#include <nlohmann/json.hpp>

#include "learned_wordings.h"
#include "phrases.h"
#include "server_support.h"
#include "test_support.h"
#include "wording_training.h"

namespace polsearch {
namespace {

using testing::run_command;
using testing::TempDir;
using json = nlohmann::json;

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

TEST(Phrases, FrequentPairsOfRareWordsJoinCommonWordsNever) {
  const std::vector<std::string> text = {"the blue helmets crossed the border",
                                         "blue helmets and peace keepers",
                                         "of the blue helmets a third",
                                         "the border of the river",
                                         "blue sky and red helmets",
                                         "the blue helmets stayed",
                                         "security council of the united nations",
                                         "the united nations of the world",
                                         "united nations blue helmets",
                                         "2022 2023 2022 2023 2022 2023"};
  PhraseCounter counter;
  for (auto& line : text) counter.add(words(line));
  struct Case {
    PhraseOptions options;
    std::set<std::string> expected;
  };
  const Case cases[] = {
      // Scores (count - min_count) / (count(a) * count(b)) * 53 words: with min_count 2,
      // blue helmets 3/36*53 = 4.4, united nations 1/9*53 = 5.9.
      {{2, 4}, {"blue_helmets", "united_nations"}},
      {{2, 5}, {"united_nations"}},
      {{3, 2}, {"blue_helmets"}},  // united nations, seen 3 times, scores 0
      {{6, 0}, {}},                // no pair seen 6 times; "2022 2023" has no letters
  };
  for (const Case& c : cases)
    EXPECT_EQ(counter.phrases(c.options), c.expected)
        << c.options.min_count << " " << c.options.threshold;
  // Bounded memory: with room for 4 pairs the rare ones are dropped as counting goes,
  // and the frequent pairs (seen 5 and 3 times) are still found.
  PhraseCounter bounded(4);
  for (auto& line : text) {
    bounded.add(words(line));
    EXPECT_LE(bounded.pairs_held(), 4u) << line;
  }
  EXPECT_EQ(bounded.phrases({2, 4}), (std::set<std::string>{"blue_helmets", "united_nations"}));
  EXPECT_EQ(join_phrases(words("the blue helmets of the united nations blue"),
                         {"blue_helmets", "united_nations"}),
            words("the blue_helmets of the united_nations blue"));
}

TEST(LearnedWordingsTable, WritesWhatItReadsAndNamesTheBadLine) {
  LearnedWordings table;
  table.add("peacekeepers", 18, {{"blue helmets", 0.7768, 7}, {"peacekeeping missions", 0.74, 18}});
  std::ostringstream out;
  table.write(out);
  EXPECT_EQ(out.str(),
            "# polsearch learned wordings 1\n"
            "peacekeepers\t18\tblue helmets\t0.7768\t7\n"
            "peacekeepers\t18\tpeacekeeping missions\t0.7400\t18\n");
  std::istringstream in(out.str());
  LearnedWordings read = LearnedWordings::parse(in, "t.tsv");
  ASSERT_NE(read.neighbours("peacekeepers"), nullptr);
  EXPECT_EQ(read.neighbours("peacekeepers")->at(0).wording, "blue helmets");
  EXPECT_EQ(read.passages("peacekeepers"), 18u);
  EXPECT_EQ(read.neighbours("unknown"), nullptr);
  const std::pair<std::string, std::string> bad[] = {
      {"garbage\n", "t.tsv:1: not a learned wordings table"},
      {"# polsearch learned wordings 1\na\t1\tb\t0.5\t2\na\tx\tb\t0.5\t2\n", "t.tsv:3: expected"},
      {"# polsearch learned wordings 1\na\t1\tb\t7\t2\n", "t.tsv:2: expected"},
      {"# polsearch learned wordings 1\na\t1\tb\t0.5\n", "t.tsv:2: expected"},
  };
  for (auto& [text, message] : bad) {
    std::istringstream damaged(text);
    try {
      LearnedWordings::parse(damaged, "t.tsv");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()).rfind(message, 0), 0u) << e.what();
    }
  }
}

// 60 statements of two paragraphs in words drawn from small lists: peacekeepers and
// blue helmets are said in the same contexts, and so are the treasury and the finance
// ministry.
std::string generated_statements() {
  const std::vector<std::string> verbs = {"protect", "escort", "patrol",
                                          "guard",   "shield", "defend"},
                                 objects = {"civilians", "convoys", "refugees",
                                            "villages",  "roads",   "camps"},
                                 places = {"border", "river", "valley", "town", "hills", "coast"},
                                 money_verbs = {"raised",   "cut",   "audited",
                                                "borrowed", "spent", "reported"},
                                 funds = {"taxes", "revenue", "budgets", "loans", "bonds", "funds"},
                                 times = {"year", "quarter", "month", "season", "spring", "winter"};
  uint32_t state = 7;
  auto pick = [&](const std::vector<std::string>& list) -> const std::string& {
    state = state * 1103515245u + 12345u;  // a fixed sequence: the corpus never changes
    return list[(state >> 16) % list.size()];
  };
  std::string out;
  for (int i = 0; i < 60; ++i) {
    std::string force = i % 2 ? "peacekeepers" : "blue helmets";
    std::string money = i % 2 ? "treasury" : "finance ministry";
    std::string text;
    for (int s = 0; s < 3; ++s)
      text += "The " + force + " " + pick(verbs) + " " + pick(objects) + " near the " +
              pick(places) + ". ";
    text += "\n\n";
    for (int s = 0; s < 3; ++s)
      text += "The " + money + " " + pick(money_verbs) + " " + pick(funds) + " this " +
              pick(times) + ". ";
    out += json{{"id", "gen-" + std::to_string(i)}, {"title", "Generated"}, {"text", text}}.dump() +
           "\n";
  }
  return out;
}

LearnOptions small_options() {
  LearnOptions o;
  o.dim = 20;
  o.epoch = 40;
  o.min_count = 2;
  o.min_passages = 20;
  o.phrases = {3, 20};
  o.sampling = 1;  // a tiny corpus: every word is frequent
  o.threads = 1;
  o.seed = 1;
  return o;
}

class Wordings : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    testing::write_file(dir_->path() / "gen.jsonl", generated_statements());
    auto r = run_command(
        {testing::indexer_path(), "-q", "--db", db(), (dir_->path() / "gen.jsonl").string()});
    ASSERT_EQ(r.exit_status, 0) << r.err;
    summary_ = new LearnSummary(learn_wordings(db(), small_options()));
  }
  static void TearDownTestSuite() {
    delete summary_;
    delete dir_;
  }
  static std::string db() { return dir_->str() + "/gen"; }
  static inline TempDir* dir_ = nullptr;
  static inline LearnSummary* summary_ = nullptr;
};

TEST_F(Wordings, TrainingWritesTheTableAndRecordsItInTheMetadata) {
  EXPECT_EQ(summary_->file, db() + "/wordings/neighbours.tsv");
  EXPECT_GE(summary_->passages, 60u);
  EXPECT_GT(summary_->phrases, 0u);
  std::ifstream in(summary_->file);
  LearnedWordings table = LearnedWordings::parse(in, summary_->file);
  const auto* near = table.neighbours("peacekeepers");
  ASSERT_NE(near, nullptr);
  std::vector<std::string> names;
  for (auto& n : *near) names.push_back(n.wording);
  ASSERT_GE(names.size(), 3u);
  EXPECT_NE(std::find(names.begin(), names.begin() + 3, "blue helmets"), names.begin() + 3)
      << ::testing::PrintToString(names);
  EXPECT_EQ(table.passages("blue helmets"), 30u);
  json meta = json::parse(Xapian::Database(db()).get_metadata(std::string(kMetaWordings)));
  EXPECT_EQ(meta["passages"], summary_->passages);
  EXPECT_EQ(meta["file"], "wordings/neighbours.tsv");
  EXPECT_EQ(meta["parameters"]["seed"], 1);
  EXPECT_TRUE(meta.contains("trained"));
}

TEST_F(Wordings, RelatedListsTheNeighboursThroughTheSearcher) {
  auto r = run_command({testing::searcher_path(), "--db", db(), "--related", "Peacekeepers"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("wordings learned near 'Peacekeepers' (30 passages; learned ", 0), 0u)
      << r.out;
  EXPECT_NE(r.out.find("  similarity  passages  wording\n"), std::string::npos);
  EXPECT_NE(r.out.find("        30  blue helmets\n"), std::string::npos) << r.out;
  auto as_json = run_command(
      {testing::searcher_path(), "--db", db(), "--related", "peacekeepers", "--format", "json"});
  ASSERT_EQ(as_json.exit_status, 0) << as_json.err;
  json j = json::parse(as_json.out);
  EXPECT_EQ(j["key"], "peacekeepers");
  EXPECT_EQ(j["passages"], 30);
  ASSERT_FALSE(j["neighbours"].empty());
  EXPECT_TRUE(j["neighbours"][0].contains("similarity"));
  EXPECT_EQ(j["training"]["parameters"]["dim"], 20);
  auto unknown = run_command({testing::searcher_path(), "--db", db(), "--related", "zebra"});
  EXPECT_EQ(unknown.exit_status, 1);
  EXPECT_EQ(unknown.err,
            "searcher: --related: 'zebra' has no learned wordings (not in the corpus, too rare, "
            "or a common word)\n");
}

TEST_F(Wordings, TildeWordAddsALearnedWordingNamedWithItsSimilarity) {
  // Statements say the treasury or the finance ministry, never both: the ones with the
  // learned wording rank after the 30 with the typed one.
  auto r = testing::search(db(), "~treasury", {"--limit", "60"});
  EXPECT_EQ(r.hits.size(), 60u);
  ASSERT_EQ(r.raw.exit_status, 0) << r.raw.err;
  std::string notes = r.summary["notes"].dump();
  EXPECT_NE(notes.find("~treasury: learned wordings add \\\"finance ministry\\\" (learned, "),
            std::string::npos)
      << notes;
  bool matched = false;
  for (auto& hit : r.hits)
    for (auto& m : hit["matched"])
      matched = matched || m.get<std::string>().rfind("\"finance ministry\" (learned, ", 0) == 0;
  EXPECT_TRUE(matched);
  auto off = testing::search(db(), "~treasury", {"--no-learned"});
  EXPECT_EQ(off.summary["notes"].dump().find("learned"), std::string::npos);
}

TEST_F(Wordings, TheServerListsTheNeighboursAsTheSearcherDoes) {
  serve::ServerOptions options;
  options.db_path = db();
  testing::TestServer server(options);
  auto client = server.client();
  auto r = client.Get("/api/v1/related?word=Peacekeepers");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto cli = run_command(
      {testing::searcher_path(), "--db", db(), "--related", "Peacekeepers", "--format", "json"});
  EXPECT_EQ(json::parse(r->body), json::parse(cli.out));
  EXPECT_EQ(json::parse(r->body)["passages"], 30);
  auto unknown = client.Get("/api/v1/related?word=zebra");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 200);
  EXPECT_EQ(json::parse(unknown->body)["neighbours"], json::array());
  auto bad = client.Get("/api/v1/related?word=%ff");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json::parse(bad->body)["error"]["code"], "bad_query");
}

// A sharded database learns from every shard and keeps the table with its auxiliary
// database, where the searcher over its stub finds it.
TEST_F(Wordings, AShardedDatabaseLearnsFromEveryShard) {
  std::string sharded = dir_->str() + "/sharded";
  auto indexed = run_command({testing::indexer_path(), "-q", "--db", sharded, "--shards", "2",
                              (dir_->path() / "gen.jsonl").string()});
  ASSERT_EQ(indexed.exit_status, 0) << indexed.err;
  LearnSummary summary = learn_wordings(sharded, small_options());
  EXPECT_EQ(summary.file, sharded + "/aux/wordings/neighbours.tsv");
  EXPECT_EQ(summary.passages, summary_->passages);
  auto r = run_command(
      {testing::searcher_path(), "--db", sharded, "--related", "peacekeepers", "--format", "json"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["passages"], 30);
  EXPECT_EQ(j["training"]["passages"], summary.passages);
  std::vector<std::string> names;
  for (auto& n : j["neighbours"]) names.push_back(n["wording"]);
  EXPECT_NE(std::find(names.begin(), names.end(), "blue helmets"), names.end())
      << ::testing::PrintToString(names);
}

TEST(WordingsErrors, NoModelTooSmallEmptyAndDamaged) {
  TempDir dir;
  std::string db = dir.str() + "/small";
  testing::write_file(dir.path() / "one.jsonl",
                      json{{"id", "one"}, {"text", "A single short statement."}}.dump() + "\n");
  ASSERT_EQ(
      run_command({testing::indexer_path(), "-q", "--db", db, (dir.path() / "one.jsonl").string()})
          .exit_status,
      0);
  auto related = run_command({testing::searcher_path(), "--db", db, "--related", "statement"});
  EXPECT_EQ(related.exit_status, 3);
  EXPECT_EQ(related.err, "searcher: " + db + ": no learned wordings; run indexer --db " + db +
                             " --learn-wordings\n");
  auto small = run_command({testing::indexer_path(), "--db", db, "--learn-wordings"});
  EXPECT_EQ(small.exit_status, 4);
  EXPECT_EQ(small.err, "indexer: --learn-wordings: " + db +
                           ": only 1 passages; learning wordings needs at least 50\n");
  auto missing =
      run_command({testing::indexer_path(), "--db", dir.str() + "/none", "--learn-wordings"});
  EXPECT_EQ(missing.exit_status, 3) << missing.err;
  // A damaged table: the search goes on without it, with a warning naming the file.
  std::filesystem::create_directories(dir.path() / "small/wordings");
  testing::write_file(dir.path() / "small/wordings/neighbours.tsv",
                      "# polsearch learned wordings 1\nbroken line\n");
  auto search = testing::search(db, "~statement");
  EXPECT_EQ(search.raw.exit_status, 0);
  EXPECT_NE(search.summary["warnings"].dump().find(db + "/wordings/neighbours.tsv:2: expected"),
            std::string::npos)
      << search.summary.dump();
  EXPECT_EQ(search.hits.size(), 1u);
  related = run_command({testing::searcher_path(), "--db", db, "--related", "statement"});
  EXPECT_EQ(related.exit_status, 3);
  EXPECT_NE(related.err.find("neighbours.tsv:2: expected"), std::string::npos) << related.err;
  // A table the metadata records but that is gone: the same, naming the file.
  {
    Xapian::WritableDatabase w(db, Xapian::DB_OPEN);
    w.set_metadata(std::string(kMetaWordings), "{}");
    w.commit();
  }
  std::filesystem::remove(dir.path() / "small/wordings/neighbours.tsv");
  search = testing::search(db, "statement", {"--expand"});
  EXPECT_EQ(search.hits.size(), 1u);
  EXPECT_EQ(search.summary["warnings"],
            json::array({db +
                         "/wordings/neighbours.tsv: No such file or directory; searching "
                         "without learned wordings (run indexer --db " +
                         db + " --learn-wordings)"}));
}

TEST(WordingsErrors, AnEmptyDatabaseSaysSo) {
  TempDir dir;
  // A polsearch database with no statements: created by deleting the only one.
  testing::write_file(dir.path() / "one.jsonl",
                      json{{"id", "one"}, {"text", "A statement."}}.dump() + "\n");
  std::string real = dir.str() + "/real";
  ASSERT_EQ(run_command(
                {testing::indexer_path(), "-q", "--db", real, (dir.path() / "one.jsonl").string()})
                .exit_status,
            0);
  ASSERT_EQ(
      run_command({testing::indexer_path(), "-q", "--db", real, "--delete", "one"}).exit_status, 0);
  try {
    learn_wordings(real, LearnOptions{});
    ADD_FAILURE() << "trained on an empty database";
  } catch (const LearnError& e) {
    EXPECT_EQ(std::string(e.what()),
              real + ": the database has no passages; index statements first");
  }
}

}  // namespace
}  // namespace polsearch
