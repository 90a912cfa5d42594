// Query-language parser: exact trees for valid queries, exact error offsets for
// invalid ones, and bounded behaviour on hostile input.
#include <cstdio>
#include <ctime>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "query_ast.h"

namespace polsearch {
namespace {

const std::vector<std::string> kFields = {"speaker", "country", "date", "type"};

std::string parse(std::string_view q, const QueryParserLimits& limits = {}) {
  return parse_query(q, kFields, limits)->debug_string();
}

struct Valid {
  const char* query;
  const char* expected;
};

const Valid kValid[] = {
    // Words, bags, the collapse of a one-item bag.
    {"backstop", "backstop"},
    {"  backstop  ", "backstop"},
    {"\tair\npatrols\r", "(BAG air patrols)"},
    {"Backstop AND guarantee", "(AND Backstop guarantee)"},
    {"and or not near", "(BAG and or not near)"},        // operators only in capitals
    {"U.S. NATO's e-mail", "(BAG U.S. NATO's e-mail)"},  // kept as typed
    {"cease-fire", "cease-fire"},
    {"backstop +\"Article 5\" -patrols country:UKR date:2014..2024",
     "(BAG backstop +\"Article 5\" -patrols country:UKR date:[2014..2024])"},
    // Prefix operators.
    {"+a -b c", "(BAG +a -b c)"},
    {"+a", "(BAG +a)"},
    {"-a", "(BAG -a)"},
    {"-fire cease-fire", "(BAG -fire cease-fire)"},
    {"a - b", "(BAG a b)"},   // lone '-' ignored
    {"a + b", "(BAG a b)"},   // lone '+' ignored
    {"a -- b", "(BAG a b)"},  // a run of dashes alone is ignored
    {"--a", "(BAG -a)"},      // last character of the run is the prefix
    {"+-a", "(BAG -a)"},
    {"-+a", "(BAG +a)"},
    {"-\"Article 5\"", "(BAG -\"Article 5\")"},
    {"-(a OR b) c", "(BAG -(OR a b) c)"},
    {"+AND", "(BAG +AND)"},  // a prefixed operator is a word
    {"-NEAR/3", "(BAG -NEAR/3)"},
    {"x+y a-", "(BAG x+y a-)"},
    // Phrases and exact words.
    {"\"Article 5\"", "\"Article 5\""},
    {"\"patrols\"", "\"=patrols\""},
    {"\"  patrols \"", "\"=patrols\""},
    {"\" air  patrols \"", "\"air  patrols\""},  // inner text as typed, trimmed
    {"“Article 5”", "\"Article 5\""},            // curly quotes (U+201C, U+201D)
    {"“Article 5\"", "\"Article 5\""},           // mixed
    {"”Article 5“", "\"Article 5\""},            // either one opens, either one closes
    {"\"a\"b", "(BAG \"=a\" b)"},                // quote ends a token
    {"a\"b c\"", "(BAG a \"b c\")"},
    {"\"(a OR b)\"", "\"(a OR b)\""},  // no operators inside quotes
    {"\"a*\"", "\"=a*\""},
    // Wildcards.
    {"secur*", "secur*"},
    {"secur**", "secur*"},
    {"*", "*"},
    {"**", "**"},
    {"a*b", "a*b"},
    {"*a", "*a"},
    // Parentheses.
    {"(backstop OR guarantee)", "(OR backstop guarantee)"},
    {"(backstop)", "backstop"},
    {"((((a))))", "a"},
    {"a(b)c", "(BAG a b c)"},
    {"(a b) c", "(BAG (BAG a b) c)"},
    {"+(a b)", "(BAG +(BAG a b))"},
    {"NOT (a OR b)", "(BAG -(OR a b))"},
    // AND / OR / NOT precedence and flattening.
    {"a OR b", "(OR a b)"},
    {"a OR b OR c", "(OR a b c)"},
    {"(a OR b) OR c", "(OR a b c)"},
    {"a OR (b OR c)", "(OR a b c)"},
    {"a AND b AND c", "(AND a b c)"},
    {"(a AND b) AND (c AND d)", "(AND a b c d)"},
    {"a b AND c", "(AND (BAG a b) c)"},
    {"a OR b c", "(OR a (BAG b c))"},
    {"a AND b OR c AND d", "(OR (AND a b) (AND c d))"},
    {"a OR b AND c", "(OR a (AND b c))"},
    {"(a OR b) AND c", "(AND (OR a b) c)"},
    {"a NOT b", "(ANDNOT a b)"},
    {"a b NOT c d", "(ANDNOT (BAG a b) (BAG c d))"},
    {"a AND NOT b", "(ANDNOT a b)"},
    {"a NOT b NOT c", "(ANDNOT a (OR b c))"},
    {"a NOT b AND c NOT d", "(ANDNOT (AND a c) (OR b d))"},
    {"a NOT (b OR c)", "(ANDNOT a (OR b c))"},
    {"(a NOT b) AND c", "(AND (ANDNOT a b) c)"},
    {"a NOT b OR c", "(OR (ANDNOT a b) c)"},
    {"NOT a", "(BAG -a)"},
    {"NOT a b", "(BAG -a b)"},
    {"b NOT a", "(ANDNOT b a)"},
    {"a OR NOT b", "(OR a (BAG -b))"},
    {"a AND -b", "(AND a (BAG -b))"},
    {"(NOT a) b", "(BAG (BAG -a) b)"},
    {"a (NOT b)", "(BAG a (BAG -b))"},
    // NEAR.
    {"air NEAR patrols", "(NEAR/10 air patrols)"},
    {"air NEAR/3 patrols", "(NEAR/3 air patrols)"},
    {"air NEAR/0 patrols", "(NEAR/0 air patrols)"},
    {"air NEAR/1000 patrols", "(NEAR/1000 air patrols)"},
    {"a NEAR/2 b NEAR/2 c", "(NEAR/2 a b c)"},
    {"x a NEAR b y", "(BAG x (NEAR/10 a b) y)"},
    {"-a NEAR b", "(BAG -(NEAR/10 a b))"},
    {"NOT a NEAR b", "(BAG -(NEAR/10 a b))"},
    {"secur* NEAR council", "(NEAR/10 secur* council)"},
    {"a NEAR b OR c", "(OR (NEAR/10 a b) c)"},
    {"(a NEAR b)", "(NEAR/10 a b)"},
    {"10:30 NEAR http://x", "(NEAR/10 10:30 http://x)"},
    {"near/3 a", "(BAG near/3 a)"},
    // Fields.
    {"country:UKR", "country:UKR"},
    {"Country:UKR", "country:UKR"},
    {"SPEAKER:Biden", "speaker:Biden"},
    {"speaker:\"Joe Biden\"", "speaker:\"Joe Biden\""},
    {"speaker:“Joe Biden”", "speaker:\"Joe Biden\""},
    {"country:\"UKR\"", "country:\"=UKR\""},
    {"speaker:Bid*", "speaker:Bid*"},
    {"date:2014..2024", "date:[2014..2024]"},
    {"date:..2020", "date:[..2020]"},
    {"date:2022-02-24..", "date:[2022-02-24..]"},
    {"-country:RUS", "(BAG -country:RUS)"},
    {"NOT country:RUS", "(BAG -country:RUS)"},
    {"+date:2020..", "(BAG +date:[2020..])"},
    {"type:a:b", "type:a:b"},  // value is everything after the first colon
    {"(country:UKR OR country:RUS)", "(OR country:UKR country:RUS)"},
    // Colons that are not fields.
    {"10:30", "10:30"},
    {"http://x", "http://x"},
    {"Note: text", "(BAG Note: text)"},
    {":", ":"},
    {"::", "::"},
    {":foo", ":foo"},
    {"foo:", "foo:"},
    {"foo:-x", "foo:-x"},
    {"a2:b", "a2:b"},  // name has a digit: not field-like
};

TEST(QueryParser, ValidQueries) {
  for (const auto& c : kValid) {
    SCOPED_TRACE(c.query);
    try {
      EXPECT_EQ(parse(c.query), c.expected);
    } catch (const QuerySyntaxError& e) {
      ADD_FAILURE() << "error at " << e.offset() << ": " << e.what();
    }
  }
}

struct Invalid {
  const char* query;
  size_t offset;
  const char* message;  // substring of what()
};

const Invalid kInvalid[] = {
    {"", 0, "empty query"},
    {"   \t\n", 0, "empty query"},
    {"-", 0, "empty query"},
    {"- -", 0, "empty query"},
    {"+", 0, "empty query"},
    // Quotes.
    {"\"", 0, "unterminated quotation mark"},
    {"\"unbalanced", 0, "unterminated quotation mark"},
    {"a \"b\" \"c", 6, "unterminated quotation mark"},
    {"a “b", 2, "unterminated quotation mark"},
    {"don\"t", 3, "unterminated quotation mark"},
    {"\"\"", 0, "empty quotation marks"},
    {"a \"  \"", 2, "empty quotation marks"},
    // Parentheses.
    {"(a", 0, "unclosed '('"},
    {"(a (b) c", 0, "unclosed '('"},
    {"((", 1, "unclosed '('"},
    {"a)", 1, "unmatched ')'"},
    {")(", 0, "unmatched ')'"},
    {"a -)", 3, "unmatched ')'"},
    {"country:UKR)", 11, "unmatched ')'"},
    {"()", 0, "empty parentheses"},
    {"a ( - )", 2, "empty parentheses"},
    {"(()", 1, "empty parentheses"},
    // AND / OR / NOT with a missing operand.
    {"AND", 0, "'AND' has no left operand"},
    {"AND a", 0, "'AND' has no left operand"},
    {"a AND", 2, "'AND' has no right operand"},
    {"a AND AND b", 6, "'AND' has no left operand"},
    {"OR", 0, "'OR' has no left operand"},
    {"OR OR", 0, "'OR' has no left operand"},
    {"a OR", 2, "'OR' has no right operand"},
    {"a OR OR b", 5, "'OR' has no left operand"},
    {"a AND OR b", 6, "'OR' has no left operand"},
    {"a OR AND b", 5, "'AND' has no left operand"},
    {"(OR a)", 1, "'OR' has no left operand"},
    {"(a OR) b", 3, "'OR' has no right operand"},
    {"(a AND)", 3, "'AND' has no right operand"},
    {"NOT", 0, "'NOT' has no right operand"},
    {"a NOT", 2, "'NOT' has no right operand"},
    {"a AND NOT", 2, "'AND NOT' has no right operand"},
    {"NOT AND a", 0, "'NOT' has no right operand"},
    {"NOT OR a", 0, "'NOT' has no right operand"},
    {"(NOT)", 1, "'NOT' has no right operand"},
    {"NOT NOT a", 4, "'NOT' cannot follow 'NOT'"},
    {"a NOT NOT b", 6, "'NOT' cannot follow 'NOT'"},
    {"a AND NOT NOT b", 10, "'NOT' cannot follow 'NOT'"},
    {"NOT -a", 0, "'NOT' cannot be combined with '+' or '-'"},
    {"NOT +(a)", 0, "'NOT' cannot be combined with '+' or '-'"},
    {"a NOT AND b", 6, "'AND' has no left operand"},
    // NEAR.
    {"NEAR", 0, "'NEAR' needs a plain word on each side"},
    {"NEAR a", 0, "'NEAR' needs a plain word on each side"},
    {"a NEAR", 2, "'NEAR' needs a plain word on each side"},
    {"a NEAR/3", 2, "'NEAR/3' needs a plain word on each side"},
    {"a NEAR \"b c\"", 2, "needs a plain word"},
    {"\"a b\" NEAR c", 6, "needs a plain word"},
    {"(a) NEAR b", 4, "needs a plain word"},
    {"a NEAR (b)", 2, "needs a plain word"},
    {"country:UKR NEAR b", 12, "needs a plain word"},
    {"a NEAR country:UKR", 2, "needs a plain word"},
    {"a NEAR -b", 2, "needs a plain word"},
    {"a NEAR NEAR b", 2, "needs a plain word"},
    {"a NEAR AND b", 2, "needs a plain word"},
    {"a NEAR/2 b NEAR/3 c", 11, "mixed NEAR distances in one chain (2 and 3)"},
    {"a NEAR/ b", 2, "missing distance after 'NEAR/'"},
    {"a NEAR/x b", 2, "bad NEAR distance 'x' (expected a whole number)"},
    {"a NEAR/-1 b", 2, "bad NEAR distance '-1'"},
    {"a NEAR/3x b", 2, "bad NEAR distance '3x'"},
    {"a NEAR/1001 b", 2, "distance 1001 after 'NEAR/' is over the limit of 1000"},
    {"a NEAR/99999999999999999999 b", 2, "distance 99999999999999999999 after 'NEAR/' is over"},
    // Fields.
    {"foo:bar", 0, "unknown field 'foo' (known: country, date, speaker, type)"},
    {"a Foo_Bar:1", 2, "unknown field 'Foo_Bar'"},
    {"foo:\"bar\"", 0, "unknown field 'foo'"},
    {"-foo:bar", 1, "unknown field 'foo'"},
    {"country:", 0, "missing value after 'country:'"},
    {"a country: UKR", 2, "missing value after 'country:'"},
    {"+Country:", 1, "missing value after 'Country:'"},
    {"country:(UKR OR RUS)", 0, "'country:' takes a word, a quoted phrase or a range"},
    {"speaker:\"Joe", 8, "unterminated quotation mark"},
    {"speaker:\"\"", 8, "empty quotation marks"},
    {"date:..", 0, "range for field 'date' needs at least one end"},
    {"date:2014...2024", 0, "malformed range '2014...2024' for field 'date'"},
    {"date:1..2..3", 0, "malformed range"},
};

TEST(QueryParser, InvalidQueries) {
  for (const auto& c : kInvalid) {
    SCOPED_TRACE(c.query);
    try {
      std::string got = parse(c.query);
      ADD_FAILURE() << "parsed as " << got;
    } catch (const QuerySyntaxError& e) {
      EXPECT_EQ(e.offset(), c.offset) << e.what();
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
    }
  }
}

TEST(QueryParser, MessagesAreOneLineLowerCaseNoPeriod) {
  for (const auto& c : kInvalid) {
    try {
      parse(c.query);
    } catch (const QuerySyntaxError& e) {
      std::string m = e.what();
      ASSERT_FALSE(m.empty()) << c.query;
      EXPECT_EQ(m.find('\n'), std::string::npos) << m;
      EXPECT_FALSE(m[0] >= 'A' && m[0] <= 'Z') << m;
      EXPECT_NE(m.back(), '.') << m;
    }
  }
}

TEST(QueryParser, UnknownFieldWithNoFieldsDeclared) {
  try {
    parse_query("foo:bar", {});
    FAIL();
  } catch (const QuerySyntaxError& e) {
    EXPECT_EQ(e.offset(), 0u);
    EXPECT_STREQ(e.what(), "unknown field 'foo' (no fields are defined)");
  }
}

TEST(QueryParser, NodeFields) {
  auto n = parse_query("secur*", kFields);
  EXPECT_EQ(n->kind, QueryNode::Kind::Word);
  EXPECT_EQ(n->text, "secur");
  EXPECT_TRUE(n->wildcard);

  n = parse_query("\"patrols\"", kFields);
  EXPECT_EQ(n->kind, QueryNode::Kind::Phrase);
  EXPECT_EQ(n->text, "patrols");
  EXPECT_TRUE(n->exact);

  n = parse_query("Date:2014..", kFields);
  EXPECT_EQ(n->kind, QueryNode::Kind::Range);
  EXPECT_EQ(n->field, "date");
  EXPECT_EQ(n->low, "2014");
  EXPECT_EQ(n->high, "");
  EXPECT_EQ(n->text, "2014..");

  n = parse_query("a NEAR/7 b", kFields);
  EXPECT_EQ(n->kind, QueryNode::Kind::Near);
  EXPECT_EQ(n->distance, 7u);
  ASSERT_EQ(n->children.size(), 2u);

  n = parse_query("+a -b c", kFields);
  ASSERT_EQ(n->kind, QueryNode::Kind::Bag);
  using O = QueryNode::Occur;
  EXPECT_EQ(n->occurs, (std::vector<O>{O::Must, O::MustNot, O::Should}));

  // Declared field names are matched case-insensitively too.
  EXPECT_EQ(parse_query("iso3:UKR", {"ISO3"})->debug_string(), "iso3:UKR");
}

std::string span(std::string_view q, const QueryNode& n) {
  return std::string(q.substr(n.offset, n.length));
}

TEST(QueryParser, Offsets) {
  {
    std::string_view q = "backstop -\"Article 5\" country:UKR";
    auto n = parse_query(q, kFields);
    ASSERT_EQ(n->children.size(), 3u);
    EXPECT_EQ(span(q, *n), q);
    EXPECT_EQ(span(q, *n->children[0]), "backstop");
    EXPECT_EQ(span(q, *n->children[1]), "\"Article 5\"");  // prefix not included
    EXPECT_EQ(n->children[1]->offset, 10u);
    EXPECT_EQ(span(q, *n->children[2]), "country:UKR");
  }
  {
    std::string_view q = "x (a OR b) AND secur*";
    auto n = parse_query(q, kFields);
    ASSERT_EQ(n->kind, QueryNode::Kind::And);
    EXPECT_EQ(span(q, *n), q);
    const QueryNode& bag = *n->children[0];
    EXPECT_EQ(span(q, bag), "x (a OR b)");
    EXPECT_EQ(span(q, *bag.children[1]), "a OR b");  // a group's node excludes its parens
    EXPECT_EQ(span(q, *n->children[1]), "secur*");
  }
  {
    std::string_view q = "speaker:“Joe Biden”  air NEAR/3 patrols";
    auto n = parse_query(q, kFields);
    ASSERT_EQ(n->children.size(), 2u);
    EXPECT_EQ(n->children[0]->offset, 0u);
    EXPECT_EQ(n->children[0]->length, 8u + 3 + 9 + 3);  // curly quotes are 3 bytes
    EXPECT_EQ(span(q, *n->children[1]), "air NEAR/3 patrols");
    EXPECT_EQ(span(q, *n->children[1]->children[1]), "patrols");
  }
  {
    std::string_view q = "a NOT b";
    auto n = parse_query(q, kFields);
    EXPECT_EQ(span(q, *n), q);
    EXPECT_EQ(span(q, *n->children[1]), "b");
  }
  {
    std::string_view q = "(a) -(b c)";
    auto n = parse_query(q, kFields);
    EXPECT_EQ(span(q, *n), q);
    EXPECT_EQ(span(q, *n->children[0]), "a");
    EXPECT_EQ(span(q, *n->children[1]), "b c");
  }
}

// --- Hostile input: always a tree or a QuerySyntaxError, quickly. -----------------

struct Hostile {
  const char* query;
  const char* expected;  // debug_string, or "error@OFFSET" if it must be rejected
};

const Hostile kHostile[] = {
    {"AND", "error@0"},
    {"OR OR", "error@0"},
    {"NOT", "error@0"},
    {"- -", "error@0"},
    {"+", "error@0"},
    {"\"", "error@0"},
    {"((", "error@1"},
    {")(", "error@0"},
    {"NEAR/", "error@0"},
    {"NEAR/99999999999999999999", "error@0"},
    {"a NEAR b OR", "error@9"},
    {"country:", "error@0"},
    {":", ":"},
    {"::", "::"},
    {"\"unbalanced", "error@0"},
    {"*", "*"},
    {"-*", "(BAG -*)"},
    {"()()", "error@0"},
    {"( )", "error@0"},
    {"(((a)))", "a"},
    {"\"\"\"", "error@0"},
    {"\"a\"\"", "error@3"},
    {"NEAR NEAR", "error@0"},
    {"a NEAR/0", "error@2"},
    {"+(", "error@1"},
    {"-)", "error@1"},
    {"+\"", "error@1"},
    {"date:....", "error@0"},
    {"date:.. ..", "error@0"},
    {"AND OR NOT NEAR", "error@0"},
    {"\xE2\x80", "\xE2\x80"},  // truncated UTF-8: a word of bytes
    {"“", "error@0"},          // a lone curly quote
};

std::string outcome(std::string_view q, const QueryParserLimits& limits = {}) {
  try {
    return parse_query(q, kFields, limits)->debug_string();
  } catch (const QuerySyntaxError& e) {
    EXPECT_LE(e.offset(), q.size()) << q;
    return "error@" + std::to_string(e.offset());
  }
}

TEST(QueryParser, HostileTable) {
  for (const auto& c : kHostile) {
    SCOPED_TRACE(c.query);
    EXPECT_EQ(outcome(c.query), c.expected);
  }
  // Bytes the table cannot hold in a C string.
  EXPECT_EQ(outcome(std::string("a\0b", 3)), std::string("a\0b", 3));
}

// CPU seconds this process has used, in units of the hang guard: a second in an
// optimised build, ten under the sanitizers (a Debug ASan build took 3.5 s for
// DeepParentheses). CPU time, not wall time: other work on a busy machine must not
// fail the guard, only a parser that does too much work itself.
double cpu_seconds() {
#if defined(__SANITIZE_ADDRESS__)
  constexpr double kSlowdown = 10;
#else
  constexpr double kSlowdown = 1;
#endif
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC / kSlowdown;
}

TEST(QueryParser, TooLong) {
  std::string q(100 * 1024, 'a');
  for (size_t i = 7; i < q.size(); i += 8) q[i] = ' ';
  EXPECT_EQ(outcome(q), "error@65536");
  try {
    parse(q);
  } catch (const QuerySyntaxError& e) {
    EXPECT_STREQ(e.what(), "query too long (102400 bytes, limit 65536)");
  }
  QueryParserLimits raised;
  raised.max_query_bytes = 1 << 20;
  raised.max_items = 1 << 20;
  double start = cpu_seconds();
  auto n = parse_query(q, kFields, raised);
  EXPECT_LT(cpu_seconds() - start, 1.0);
  EXPECT_EQ(n->children.size(), q.size() / 8);
}

TEST(QueryParser, TenThousandWords) {
  std::string q;
  for (int i = 0; i < 10000; ++i) q += (i % 3 == 0 ? "+w" : "w") + std::to_string(i) + ' ';
  try {
    parse(q);
    FAIL() << "expected too many items";
  } catch (const QuerySyntaxError& e) {
    EXPECT_STREQ(e.what(), "too many words, phrases and filters (limit 2048)");
    EXPECT_EQ(q.substr(e.offset(), 6), "w2048 ");  // the 2049th item
  }
  QueryParserLimits raised;
  raised.max_items = 100000;
  raised.max_query_bytes = 1 << 20;
  for (const char* join : {" ", " OR ", " AND ", " NOT ", " NEAR/3 "}) {
    SCOPED_TRACE(join);
    std::string big;
    for (int i = 0; i < 10000; ++i) big += (i ? join : "") + ("w" + std::to_string(i));
    double start = cpu_seconds();
    auto n = parse_query(big, kFields, raised);
    EXPECT_LT(cpu_seconds() - start, 1.0);
    EXPECT_FALSE(n->debug_string().empty());
  }
}

TEST(QueryParser, DeepParentheses) {
  std::string open(100000, '(');
  std::string deep = open + "a" + std::string(100000, ')');
  EXPECT_EQ(outcome(open), "error@65536");  // too long comes first
  QueryParserLimits bytes;                  // default depth, long queries allowed
  bytes.max_query_bytes = 1 << 20;
  EXPECT_EQ(outcome(open, bytes), "error@64");  // the 65th '(' is one too deep
  EXPECT_EQ(outcome(deep, bytes), "error@64");
  EXPECT_EQ(outcome(std::string(100000, ')'), bytes), "error@0");
  EXPECT_EQ(outcome(std::string(64, '(') + "a" + std::string(64, ')')), "a");
  try {
    parse(open, bytes);
  } catch (const QuerySyntaxError& e) {
    EXPECT_STREQ(e.what(), "parentheses nested too deeply (limit 64)");
  }
  // With the depth limit raised too, the parser itself still does not recurse.
  QueryParserLimits raised = bytes;
  raised.max_depth = 1 << 20;
  double start = cpu_seconds();
  EXPECT_EQ(outcome(deep, raised), "a");
  EXPECT_EQ(outcome(open, raised), "error@99999");
  EXPECT_LT(cpu_seconds() - start, 1.0);
  QueryParserLimits flat;
  flat.max_depth = 0;
  EXPECT_EQ(outcome("a (b)", flat), "error@2");
}

// Checks structural invariants the builder relies on.
void check_tree(const QueryNode& n, std::string_view q) {
  using K = QueryNode::Kind;
  EXPECT_LE(n.offset + n.length, q.size());
  switch (n.kind) {
    case K::Word:
    case K::Phrase:
      EXPECT_FALSE(n.text.empty());
      EXPECT_TRUE(n.children.empty());
      break;
    case K::Range:
      EXPECT_FALSE(n.field.empty());
      EXPECT_FALSE(n.low.empty() && n.high.empty());
      break;
    case K::Near:
      EXPECT_GE(n.children.size(), 2u);
      for (const auto& c : n.children) {
        EXPECT_EQ(c->kind, K::Word);
        EXPECT_TRUE(c->field.empty());
      }
      break;
    case K::Bag:
      EXPECT_EQ(n.occurs.size(), n.children.size());
      EXPECT_FALSE(n.children.size() == 1 && n.occurs[0] == QueryNode::Occur::Should);
      break;
    case K::And:
    case K::Or:
      EXPECT_GE(n.children.size(), 2u);
      for (const auto& c : n.children) EXPECT_NE(c->kind, n.kind);
      break;
    case K::AndNot:
      EXPECT_EQ(n.children.size(), 2u);
      break;
  }
  if (n.kind != K::Bag) {
    EXPECT_TRUE(n.occurs.empty());
  }
  for (const auto& c : n.children) check_tree(*c, q);
}

TEST(QueryParser, RandomStringsNeverCrash) {
  const std::vector<std::string> alphabet = {
      "a",  "Ukraine", "secur*", "cease-fire", "AND", "OR", "NOT", "NEAR", "NEAR/3",   "NEAR/",
      "+",  "-",       "\"",     "“",          "”",   "(",  ")",   ":",    "country:", "date:",
      "..", "*",       "foo:",   "10:30",      " ",   " ",  " ",   "\t",   "2014",     "NEAR/9999"};
  std::mt19937 rng(20240224);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(1, 16);
  int parsed = 0, rejected = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string q;
    for (int k = length(rng); k > 0; --k) q += alphabet[pick(rng)];
    SCOPED_TRACE(q);
    try {
      auto n = parse_query(q, kFields);
      ASSERT_NE(n, nullptr);
      check_tree(*n, q);
      EXPECT_FALSE(n->debug_string().empty());
      ++parsed;
    } catch (const QuerySyntaxError& e) {
      EXPECT_LE(e.offset(), q.size());
      EXPECT_NE(std::string(e.what()), "");
      ++rejected;
    }
  }
  // Both outcomes are exercised, so the alphabet is doing its job.
  std::printf("random: %d parsed, %d rejected\n", parsed, rejected);
  EXPECT_GT(parsed, 500);
  EXPECT_GT(rejected, 500);
}

}  // namespace
}  // namespace polsearch
