// Hostile queries through the searcher binary on a small database: huge, deep,
// wide, wildcard-heavy and malformed queries each end quickly with exit 0 or 2,
// and a syntax error names its character position.
#include <chrono>

#include "robustness_support.h"

namespace polsearch::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A hang guard, not a benchmark: far above what any case takes (sanitizer builds
// run several times slower).
#if defined(__SANITIZE_ADDRESS__)
constexpr double kHangGuardSeconds = 40;
#else
constexpr double kHangGuardSeconds = 10;
#endif

// A few thousand distinct words starting with "a", so `a*` has far more than the
// 512 terms a wildcard may expand to.
std::string many_terms_input() {
  std::string out;
  int word = 0;
  for (int s = 0; s < 40; ++s) {
    std::string text = "Statement about peace and security. ";
    for (int w = 0; w < 150; ++w, ++word) {
      std::string t = "a";
      for (int n = word; n > 0 || t.size() < 4; n /= 26) t += static_cast<char>('a' + n % 26);
      text += t + (w % 20 == 19 ? ".\\n\\n" : " ");
    }
    out += "{\"id\":\"terms-" + std::to_string(s) + "\",\"speaker\":\"Speaker " +
           std::to_string(s) + "\",\"country\":\"UKR\",\"date\":\"2022\",\"text\":\"" + text +
           "\"}\n";
  }
  return out;
}

struct Outcome {
  CommandResult result;
  double seconds = 0;
};

class HostileQuery : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto r = run_command({indexer_path(), "--db", db(),
                          std::string(POLSEARCH_SOURCE_DIR) + "/samples/statements", "-"},
                         many_terms_input());
    ASSERT_EQ(r.exit_status, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string db() { return dir_->str() + "/db"; }

  // Runs the searcher; a query too long for one argument (the kernel allows 128 KB)
  // is passed in pieces, which the searcher joins with spaces.
  static Outcome search(const std::string& query) {
    std::vector<std::string> argv = {searcher_path(), "--db", db(), "--format", "json", "--"};
    for (size_t i = 0; i < query.size(); i += 100000) argv.push_back(query.substr(i, 100000));
    auto start = Clock::now();
    Outcome o;
    o.result = run_command(argv);
    o.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return o;
  }

  // Exit 2 with "syntax error at character N" and the reason.
  static void expect_syntax_error(const std::string& name, const std::string& query,
                                  size_t character, const std::string& reason) {
    SCOPED_TRACE(name);
    Outcome o = search(query);
    EXPECT_LT(o.seconds, kHangGuardSeconds);
    EXPECT_EQ(o.result.exit_status, 2) << o.result.err.substr(0, 500);
    EXPECT_NE(o.result.err.find("syntax error at character " + std::to_string(character) + ":"),
              std::string::npos)
        << o.result.err.substr(0, 500);
    EXPECT_NE(o.result.err.find(reason), std::string::npos) << o.result.err.substr(0, 500);
  }

  // Exit 0 with a summary line (and the hits, if any).
  static void expect_answered(const std::string& name, const std::string& query) {
    SCOPED_TRACE(name);
    Outcome o = search(query);
    EXPECT_LT(o.seconds, kHangGuardSeconds);
    EXPECT_EQ(o.result.exit_status, 0) << o.result.err.substr(0, 500);
    EXPECT_NE(o.result.out.find("\"type\":\"summary\""), std::string::npos);
  }

  static TempDir* dir_;
};
TempDir* HostileQuery::dir_ = nullptr;

std::string repeat(const std::string& item, size_t n, const std::string& sep = " ") {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += (i ? sep : "") + item;
  return out;
}

TEST_F(HostileQuery, HundredKilobyteQueryIsRejectedAtTheLimit) {
  expect_syntax_error("100 KB", repeat("peace", 100 * 1024 / 6), 65537, "query too long");
}

TEST_F(HostileQuery, TenThousandTermsAreRejectedAtTheItemLimit) {
  std::string query;
  for (int i = 0; i < 10000; ++i) query += (i ? " w" : "w") + std::to_string(i);
  // Word 2049 ("w2048") starts after 10 one-digit, 90 two-digit, 900 three-digit
  // and 1048 four-digit words, each followed by a space.
  size_t offset = 10 * 3 + 90 * 4 + 900 * 5 + 1048 * 6;
  expect_syntax_error("10,000 terms", query, offset + 1, "too many words");
}

TEST_F(HostileQuery, MaximumNumberOfTermsIsAnswered) {
  std::string query;
  for (int i = 0; i < 2048; ++i) query += (i ? " a" : "a") + std::to_string(i) + "x";
  expect_answered("2048 distinct terms", query);
  expect_answered("2048 copies of one word", repeat("peace", 2048));
}

TEST_F(HostileQuery, DeeplyNestedParenthesesAreRejected) {
  expect_syntax_error("100,000 nested parentheses",
                      std::string(100000, '(') + "peace" + std::string(100000, ')'), 65537,
                      "query too long");
  // Within the length limit, the depth limit (64) stops it at the 65th '('.
  expect_syntax_error("30,000 nested parentheses",
                      std::string(30000, '(') + "peace" + std::string(30000, ')'), 65,
                      "nested too deeply");
  expect_answered("64 nested parentheses", std::string(64, '(') + "peace" + std::string(64, ')'));
  expect_syntax_error("30,000 unclosed parentheses", std::string(30000, '('), 65,
                      "nested too deeply");
  expect_syntax_error("30,000 closing parentheses", std::string(30000, ')'), 1, "')'");
}

TEST_F(HostileQuery, WildcardsExpandBoundedly) {
  Outcome one = search("a*");
  EXPECT_EQ(one.result.exit_status, 0) << one.result.err;
  EXPECT_LT(one.seconds, kHangGuardSeconds);
  EXPECT_NE(one.result.out.find("\"type\":\"hit\""), std::string::npos);
  expect_answered("eight copies of a*", repeat("a*", 8));
  expect_answered("eight wildcards under OR", repeat("a*", 8, " OR "));
  // 64 copies of `a*` once took about a minute on a corpus-sized database.
  expect_syntax_error("nine wildcards", repeat("a*", 9), 25, "too many wildcards (limit 8)");
  expect_syntax_error("2000 wildcards", repeat("a*", 2000), 25, "too many wildcards");
  expect_syntax_error("wildcards in fields", repeat("speaker:a*", 9), 89, "too many wildcards");
}

TEST_F(HostileQuery, OperatorsInOddPlacesEndInAnswerOrPositionedError) {
  const std::vector<std::string> queries = {
      "AND",
      "OR",
      "NOT",
      "NEAR",
      "NEAR/3",
      "a AND",
      "AND a",
      "a OR OR b",
      "a AND OR b",
      "a NOT",
      "NOT NOT a",
      "a NEAR/3",
      "NEAR/3 a",
      "a NEAR/ b",
      "a NEAR/x b",
      "a NEAR/99999999999999999999 b",
      "a NEAR/3 b NEAR/4 c",
      "( )",
      "()",
      "(((a)))",
      ")(",
      "a (",
      "a )",
      "(a OR) b",
      "+",
      "-",
      "+-+-a",
      "- - -",
      "+AND",
      "-OR",
      "a -",
      "--a",
      "speaker:",
      "speaker: a",
      "country:(a)",
      "date:..",
      "date:2020..2010",
      "date:x..y",
      "date:2020..2021..2022",
      "nosuchfield:x",
      ":",
      "a:b:c",
      "*",
      "**",
      "*a",
      "a*b",
      "\"\"",
      "\" \"",
      "\"a\" \"",
      "a\"b",
      "\"",
      "\"\"\"",
      "peace \"security",
      "\xe2\x80\x9c"
      "curly",
      "\xff\xfe",
      std::string("nul\0byte", 8),
      "\t\n\r",
      "a NEAR b*",
      "secur* NEAR council",
      "id:\"" + std::string(300, 'x') + "\"",
      "country:UKR OR",
      "-country:UKR",
      "NOT (a OR b)",
      "(a NOT b) NOT (c NOT d)",
      repeat("NOT", 1000),
      repeat("(", 64) + repeat(")", 64),
      repeat("a NEAR", 1000) + " a",
      repeat("\"a b\"", 2000),
      repeat("country:UKR", 2000),
      repeat("-peace", 2000),
      "speaker:" + std::string(60000, 'x'),
      std::string(60000, 'y'),
  };
  for (const std::string& q : queries) {
    SCOPED_TRACE(q.substr(0, 80));
    Outcome o = search(q);
    EXPECT_LT(o.seconds, kHangGuardSeconds);
    EXPECT_TRUE(o.result.exit_status == 0 || o.result.exit_status == 2)
        << o.result.exit_status << "\n"
        << o.result.err.substr(0, 500);
    if (o.result.exit_status == 2) {
      EXPECT_NE(o.result.err.find("syntax error at character "), std::string::npos)
          << o.result.err.substr(0, 500);
    }
  }
}

TEST_F(HostileQuery, UnbalancedQuotesNameTheOpeningQuote) {
  expect_syntax_error("open quote", "peace \"security", 7, "quot");
  expect_syntax_error("lone quote", "\"", 1, "quot");
  expect_syntax_error("third quote", "\"a b\" \"c", 7, "quot");
  expect_syntax_error("quote in a field", "title:\"open ended", 7, "quot");
}

}  // namespace
}  // namespace polsearch::testing
