// The query language's syntax tree. The parser knows only syntax; turning a tree
// into a Xapian::Query (analysis, stemming, schema prefixes) is query_builder's job.
//
//   query  := or
//   or     := and ("OR" and)*
//   and    := bag (("AND" | "NOT") bag)*       a NOT b  means a AND NOT b
//   bag    := item+                             juxtaposition: ranked, "all words first"
//   item   := ["+" | "-" | "NOT"] primary       + required, - / NOT excluded
//   primary:= "(" or ")" | phrase | field ":" value | near
//   near   := word ("NEAR/" n word)*           NEAR alone means NEAR/10
//   phrase := '"' text '"'                      one word in quotes = that exact form
//   value  := word | phrase | range             range := [low] ".." [high]
//   word   := run of characters other than space, '"', '(', ')'; a trailing '*' is a
//             prefix wildcard
//
// Operators are recognised only in capitals (AND, OR, NOT, NEAR); lower-case "and" is
// a word. `field:` is recognised only for names the caller declares as fields.
//
// Details (query_parser.cc):
//  * Whitespace is ASCII whitespace. '"', U+201C and U+201D all delimit phrases (any
//    one opens, any one closes); quotes and parentheses also end a word (`a(b` is
//    `a ( b`). A phrase's text is trimmed; empty quotes are an error.
//  * Precedence, tightest first: NEAR, juxtaposition (bag), AND / NOT, OR.
//    `a b AND c` = (a b) AND c;  `a OR b c` = a OR (b c).
//  * NOT at the start of a bag (query start, after '(' or OR) excludes the next
//    item: `NOT a` = `-a`. After an item it is binary: `a b NOT c d` = (a b) AND NOT
//    (c d). `a AND NOT b` = `a NOT b`. `NOT NOT`, `NOT -a`, `NOT +a` are errors.
//    An and-chain is normalised to (ANDNOT (AND positives) (OR negatives)):
//    `a NOT b AND c NOT d` -> (ANDNOT (AND a c) (OR b d)). AND/OR children of the
//    same kind are spliced in: `(a OR b) OR c` -> (OR a b c).
//  * '+'/'-' prefix: a run of them starting a token applies its last character to
//    what follows (`-x`, `--x` exclude x; `-"a b"`, `-(a OR b)`, `-country:RUS`); a
//    run standing alone (`-`, `- -`, `--`, before ')') is ignored. Inside a word it is
//    text: `cease-fire`. A prefixed operator is a word: `+AND` is the word "AND".
//  * Pure-negative bags are allowed (`-a`, `NOT a`, `a OR -b` -> (OR a (BAG -b))); the
//    builder must give them something to subtract from.
//  * NEAR operands are plain unfielded words, unprefixed except that a prefix before
//    the first word applies to the whole NEAR (`-a NEAR b`). Wildcards are allowed
//    (`secur* NEAR council`). A chain `a NEAR/3 b NEAR/3 c` is one node; mixed
//    distances in one chain are an error. distance is n as typed.
//  * `name:value`: name is matched case-insensitively (ASCII) and stored lower case;
//    the value is a word (wildcard allowed), a quoted phrase, or a range if it contains
//    "..": low and high as typed, either may be empty but not both; more than one ".."
//    is an error. Any declared field may get a range; the builder rejects ranges on
//    fields that cannot take them (Range.text holds the raw value). `name:` with
//    nothing (or a space, or '(') after it is an error. An undeclared name made only
//    of ASCII letters/underscores whose value starts with a letter, digit, non-ASCII
//    byte or quote is an "unknown field" error; anything else with a colon is a word
//    (`10:30`, `http://x`, `Note: text`, `:`).
//  * A word ending in '*' after at least one other character is a wildcard, all
//    trailing '*' removed (`secur**` -> "secur"); `*`, `**`, `a*b`, `*a` are literal.
//  * Offsets: a leaf spans its own text (fielded leaves from the field name, phrases
//    with their quotes), without its +/-/NOT prefix. A composite spans from the start
//    of its first operand to the end of its last, operands counted with their
//    prefixes and parentheses; a parenthesised group's own node excludes its outer
//    parentheses. Error offsets are always <= query.size().
//  * Limits: items = words (NEAR operands included) + phrases + field filters. Tree
//    depth is bounded by a small multiple of max_depth; the parser itself is
//    iterative, but consumers of the tree (destructor, builder) recurse, so keep
//    max_depth modest.
//
// debug_string(): leaves are `word`, `word*` (wildcard), `"two words"`, `"=word"`
// (exact, one word in quotes), `field:word`, `field:"..."`, `field:[low..high]`
// (range; an open end is empty: `date:[..2020]`). Composites are
// `(BAG a +b -c)`, `(AND a b)`, `(OR a b)`, `(ANDNOT a b)`, `(NEAR/3 a b)`.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace polsearch {

struct QueryNode {
  enum class Kind {
    Word,    // text = the word as typed; wildcard if it ended in '*'(removed from text)
    Phrase,  // text = the words between the quotes, as typed; exact = true if one word
    Range,   // field:low..high; low/high may be empty (open)
    Near,    // children = Words (>= 2), distance = n
    Bag,     // children with occurs[i]: juxtaposed items
    And,     // children: all required
    Or,      // children: any
    AndNot,  // children[0] AND NOT children[1]
  };
  enum class Occur { Should, Must, MustNot };

  Kind kind = Kind::Word;
  std::string text;
  std::string field;  // "" for the default fields; else a declared field name (lower case)
  bool exact = false;
  bool wildcard = false;
  std::string low, high;  // Range
  unsigned distance = 0;  // Near
  std::vector<std::unique_ptr<QueryNode>> children;
  std::vector<Occur> occurs;  // Bag only, same length as children
  size_t offset = 0;          // byte offset of this node in the query string
  size_t length = 0;          // byte length of its source text

  std::string debug_string() const;  // stable, for tests: e.g. (OR (BAG +backstop -"Article 5"))
};

class QuerySyntaxError : public std::runtime_error {
 public:
  QuerySyntaxError(size_t offset, const std::string& message)
      : std::runtime_error(message), offset_(offset) {}
  size_t offset() const { return offset_; }  // byte offset in the query string
 private:
  size_t offset_;
};

struct QueryParserLimits {
  size_t max_query_bytes = 64 * 1024;
  size_t max_depth = 64;    // nesting of parentheses
  size_t max_items = 2048;  // words + phrases + filters
  unsigned max_near_distance = 1000;
  // Each wildcard expands to up to 512 terms, and matching cost grows faster than
  // linearly with repeated expansions (64 copies of `a*` took about a minute on a
  // 48,000-passage database; 8 take under 2 s), so their number is capped.
  size_t max_wildcards = 8;
};

// Parses `query`; throws QuerySyntaxError with the offset of the problem (unbalanced
// quote -> offset of the opening quote; unbalanced '(' -> its offset; stray ')';
// operator with nothing on one side; unknown field name; NEAR/x with x not a number;
// empty query; limits exceeded).
std::unique_ptr<QueryNode> parse_query(std::string_view query,
                                       const std::vector<std::string>& field_names,
                                       const QueryParserLimits& limits = {});

}  // namespace polsearch
