// Parser for the query language described in query_ast.h.
//
// The parser is iterative: open parentheses live on an explicit stack of frames,
// so nesting depth costs heap, not call stack, and the only bound is
// limits.max_depth. Tokens are scanned lazily, left to right, so the first problem
// in reading order is the one reported.
#include <algorithm>
#include <optional>
#include <utility>

#include "query_ast.h"
#include "utf8.h"

namespace polsearch {
namespace {

using Kind = QueryNode::Kind;
using Occur = QueryNode::Occur;
using NodePtr = std::unique_ptr<QueryNode>;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Byte length of a quotation mark at q[i]: '"', U+201C or U+201D (pasted from word
// processors), else 0. Any of them opens and any closes a phrase.
size_t quote_length(std::string_view q, size_t i) {
  if (q[i] == '"') return 1;
  if (static_cast<unsigned char>(q[i]) == 0xE2 && i + 2 < q.size() &&
      static_cast<unsigned char>(q[i + 1]) == 0x80 &&
      (static_cast<unsigned char>(q[i + 2]) == 0x9C ||
       static_cast<unsigned char>(q[i + 2]) == 0x9D))
    return 3;
  return 0;
}

bool ends_word(std::string_view q, size_t i) {
  return is_space(q[i]) || q[i] == '(' || q[i] == ')' || quote_length(q, i) > 0;
}

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Query text quoted in an error message, cut (at a UTF-8 boundary) so a hostile
// 64 KB word does not make a 64 KB message.
std::string excerpt(std::string_view s) {
  constexpr size_t kMax = 40;
  if (s.size() <= kMax) return std::string(s);
  return std::string(s.substr(0, utf8::boundary_at_or_before(s, kMax))) + "...";
}

[[noreturn]] void fail(size_t offset, const std::string& message) {
  throw QuerySyntaxError(offset, message);
}

NodePtr make_node(Kind kind, size_t offset, size_t length) {
  auto node = std::make_unique<QueryNode>();
  node->kind = kind;
  node->offset = offset;
  node->length = length;
  return node;
}

enum class Tok { End, Item, LParen, RParen, And, Or, Not, Near };

struct Token {
  Tok type = Tok::End;
  size_t offset = 0;  // the token itself, without its +/- prefix
  size_t length = 0;
  Occur prefix = Occur::Should;
  size_t begin = 0;         // start including the +/- prefix
  NodePtr node;             // Item only
  bool plain_word = false;  // Item that is a Word without a field: may be a NEAR operand
  unsigned distance = 0;    // Near only
};

class Lexer {
 public:
  Lexer(std::string_view q, const std::vector<std::string>& fields, const QueryParserLimits& limits)
      : q_(q), limits_(limits) {
    for (const auto& f : fields) fields_.push_back(to_lower_ascii(f));
    std::sort(fields_.begin(), fields_.end());
    fields_.erase(std::unique(fields_.begin(), fields_.end()), fields_.end());
  }

  Token next() {
    if (peeked_) {
      Token t = std::move(*peeked_);
      peeked_.reset();
      return t;
    }
    return scan();
  }

  const Token& peek() {
    if (!peeked_) peeked_ = scan();
    return *peeked_;
  }

  std::string_view text(const Token& t) const { return q_.substr(t.offset, t.length); }

 private:
  Token scan();
  bool read_prefix(Token& t);
  Token scan_word(Token t);
  bool read_operator(Token& t, std::string_view word) const;
  void refuse_mistyped_field(size_t start, std::string_view name, std::string_view value) const;
  NodePtr scan_phrase(size_t open);
  NodePtr field_item(size_t start, std::string_view name, std::string_view value);
  static NodePtr word_node(size_t start, size_t end, std::string_view word);
  unsigned near_distance(size_t start, std::string_view word) const;
  void count_item(size_t offset);
  void count_wildcard(const QueryNode& node, size_t offset);
  bool known_field(const std::string& name) const {
    return std::binary_search(fields_.begin(), fields_.end(), name);
  }

  std::string_view q_;
  const QueryParserLimits& limits_;
  std::vector<std::string> fields_;  // lower case, sorted, unique
  size_t pos_ = 0;
  size_t items_ = 0;
  size_t wildcards_ = 0;
  std::optional<Token> peeked_;
};

Token Lexer::scan() {
  const size_t n = q_.size();
  for (;;) {
    while (pos_ < n && is_space(q_[pos_])) ++pos_;
    Token t;
    if (pos_ >= n) {
      t.offset = t.begin = n;
      return t;
    }
    t.begin = pos_;
    if (!read_prefix(t)) continue;
    const size_t start = pos_;
    t.offset = start;
    if (q_[pos_] == '(' || q_[pos_] == ')') {
      t.type = q_[pos_] == '(' ? Tok::LParen : Tok::RParen;  // ')' never has a prefix
      t.length = 1;
      ++pos_;
      return t;
    }
    if (quote_length(q_, pos_) > 0) {
      t.type = Tok::Item;
      t.node = scan_phrase(pos_);
      t.length = pos_ - start;
      count_item(start);
      return t;
    }
    return scan_word(std::move(t));
  }
}

// A run of '+'/'-' starting a token: alone (before a space, ')' or the end) it is
// ignored, since people type dashes as separators, and false is returned; otherwise
// its last character is the prefix operator of what follows ("--x" is "-x").
bool Lexer::read_prefix(Token& t) {
  const size_t n = q_.size();
  if (q_[pos_] != '+' && q_[pos_] != '-') return true;
  size_t run_end = pos_;
  while (run_end < n && (q_[run_end] == '+' || q_[run_end] == '-')) ++run_end;
  const bool alone = run_end == n || is_space(q_[run_end]) || q_[run_end] == ')';
  if (!alone) t.prefix = q_[run_end - 1] == '+' ? Occur::Must : Occur::MustNot;
  pos_ = run_end;
  return !alone;
}

// An operator, a field:value item or a word, starting at t.offset.
Token Lexer::scan_word(Token t) {
  const size_t start = t.offset;
  while (pos_ < q_.size() && !ends_word(q_, pos_)) ++pos_;
  std::string_view word = q_.substr(start, pos_ - start);
  t.length = word.size();
  // Operators only as bare capitalised tokens; "+AND" is the word "AND".
  if (t.prefix == Occur::Should && read_operator(t, word)) return t;
  t.type = Tok::Item;
  size_t colon = word.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    std::string_view name = word.substr(0, colon);
    std::string_view value = word.substr(colon + 1);
    if (known_field(to_lower_ascii(name))) {
      t.node = field_item(start, name, value);
      t.length = pos_ - start;  // a quoted value moved pos_
      count_item(start);
      return t;
    }
    refuse_mistyped_field(start, name, value);
  }
  t.node = word_node(start, pos_, word);
  count_wildcard(*t.node, start);
  t.plain_word = true;
  count_item(start);
  return t;
}

bool Lexer::read_operator(Token& t, std::string_view word) const {
  if (word == "AND") t.type = Tok::And;
  if (word == "OR") t.type = Tok::Or;
  if (word == "NOT") t.type = Tok::Not;
  if (word == "NEAR" || word.starts_with("NEAR/")) {
    t.type = Tok::Near;
    t.distance = near_distance(t.offset, word);
  }
  return t.type != Tok::End;
}

// "foo:bar" is a mistyped field; "10:30", "http://x", "Note: ..." are words.
void Lexer::refuse_mistyped_field(size_t start, std::string_view name,
                                  std::string_view value) const {
  bool name_like =
      std::all_of(name.begin(), name.end(), [](char c) { return is_ascii_letter(c) || c == '_'; });
  bool value_like = value.empty()
                        ? pos_ < q_.size() && quote_length(q_, pos_) > 0
                        : is_ascii_letter(value[0]) || (value[0] >= '0' && value[0] <= '9') ||
                              static_cast<unsigned char>(value[0]) >= 0x80;
  if (!name_like || !value_like) return;
  std::string known;
  for (const auto& f : fields_) known += (known.empty() ? "" : ", ") + f;
  fail(start, "unknown field '" + std::string(name) + "' (" +
                  (known.empty() ? "no fields are defined" : "known: " + known) + ")");
}

NodePtr Lexer::scan_phrase(size_t open) {
  const size_t open_len = quote_length(q_, open);
  size_t i = open + open_len;
  while (i < q_.size() && quote_length(q_, i) == 0) ++i;
  if (i >= q_.size()) fail(open, "unterminated quotation mark");
  pos_ = i + quote_length(q_, i);
  std::string_view inner = q_.substr(open + open_len, i - open - open_len);
  while (!inner.empty() && is_space(inner.front())) inner.remove_prefix(1);
  while (!inner.empty() && is_space(inner.back())) inner.remove_suffix(1);
  if (inner.empty()) fail(open, "empty quotation marks");
  NodePtr node = make_node(Kind::Phrase, open, pos_ - open);
  node->text = std::string(inner);
  node->exact = std::none_of(inner.begin(), inner.end(), is_space);
  return node;
}

NodePtr Lexer::field_item(size_t start, std::string_view name, std::string_view value) {
  std::string field = to_lower_ascii(name);
  NodePtr node;
  if (value.empty()) {
    // speaker:"Joe Biden": the word scan stopped at the quote.
    if (pos_ < q_.size() && quote_length(q_, pos_) > 0) {
      node = scan_phrase(pos_);
    } else if (pos_ < q_.size() && q_[pos_] == '(') {
      fail(start, "'" + std::string(name) +
                      ":' takes a word, a quoted phrase or a range, not a parenthesised group");
    } else {
      fail(start, "missing value after '" + std::string(name) + ":'");
    }
  } else if (size_t dots = value.find(".."); dots != std::string_view::npos) {
    if (value.find("..", dots + 1) != std::string_view::npos)
      fail(start, "malformed range '" + excerpt(value) + "' for field '" + field + "'");
    node = make_node(Kind::Range, start, 0);
    node->text = std::string(value);
    node->low = std::string(value.substr(0, dots));
    node->high = std::string(value.substr(dots + 2));
    if (node->low.empty() && node->high.empty())
      fail(start, "range for field '" + field + "' needs at least one end");
  } else {
    node = word_node(start, pos_, value);
    count_wildcard(*node, start);
  }
  node->field = std::move(field);
  node->offset = start;
  node->length = pos_ - start;
  return node;
}

NodePtr Lexer::word_node(size_t start, size_t end, std::string_view word) {
  NodePtr node = make_node(Kind::Word, start, end - start);
  // "secur*" is a prefix wildcard; "*", "**" and "a*b" stay literal words.
  size_t last = word.find_last_not_of('*');
  if (last != std::string_view::npos && last + 1 < word.size()) {
    node->wildcard = true;
    word = word.substr(0, last + 1);
  }
  node->text = std::string(word);
  return node;
}

unsigned Lexer::near_distance(size_t start, std::string_view word) const {
  if (word == "NEAR") return 10;
  std::string_view digits = word.substr(5);
  if (digits.empty()) fail(start, "missing distance after 'NEAR/'");
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    fail(start, "bad NEAR distance '" + excerpt(digits) + "' (expected a whole number)");
  unsigned long long value = 0;
  for (char c : digits) {
    value = value * 10 + static_cast<unsigned>(c - '0');
    // Stop as soon as it is over the limit: no overflow on 20-digit numbers.
    if (value > limits_.max_near_distance)
      fail(start, "distance " + excerpt(digits) + " after 'NEAR/' is over the limit of " +
                      std::to_string(limits_.max_near_distance));
  }
  return static_cast<unsigned>(value);
}

void Lexer::count_item(size_t offset) {
  if (++items_ > limits_.max_items)
    fail(offset,
         "too many words, phrases and filters (limit " + std::to_string(limits_.max_items) + ")");
}

void Lexer::count_wildcard(const QueryNode& node, size_t offset) {
  if (node.wildcard && ++wildcards_ > limits_.max_wildcards)
    fail(offset, "too many wildcards (limit " + std::to_string(limits_.max_wildcards) + ")");
}

// A parsed operand with its source span [begin, end), which includes its +/-/NOT
// prefix and parentheses (the node's own offset/length do not).
struct Operand {
  NodePtr node;
  size_t begin = 0;
  size_t end = 0;
};

// One parenthesis level (frames[0] is the whole query). Holds the partial
//   or := and ("OR" and)*;  and := bag (("AND" | "NOT") bag)*;  bag := item+
// An and-chain is kept as its positive and negative bags: `a AND b NOT c NOT d` is
// built as (ANDNOT (AND a b) (OR c d)), which is the same boolean query, keeps the
// tree flat (its depth is bounded by the parenthesis depth, so recursive consumers
// are safe) and is what Xapian's OP_AND_NOT computes anyway.
struct Frame {
  size_t open = 0;   // offset of '('
  size_t begin = 0;  // with the group's prefix
  Occur occur = Occur::Should;
  std::vector<Operand> or_terms;
  std::vector<Operand> and_pos, and_neg;  // the current and-chain
  Tok pending = Tok::End;                 // And / Not: binary operator waiting for its right bag
  size_t pending_offset = 0;
  const char* pending_text = "";  // for messages: "AND", "NOT", "AND NOT"
  size_t last_or = 0;             // offset of the last OR, for "no right operand"
  std::vector<Operand> bag;
  std::vector<Occur> bag_occurs;
  bool pending_not = false;  // prefix NOT waiting for its item
  size_t not_offset = 0;
};

// AND or OR of `ops` (non-empty, in source order); same-kind children are spliced in
// since both are associative.
Operand combine(Kind kind, std::vector<Operand>& ops) {
  if (ops.size() == 1) return std::move(ops[0]);
  Operand out{nullptr, ops.front().begin, ops.back().end};
  out.node = make_node(kind, out.begin, out.end - out.begin);
  for (auto& op : ops) {
    if (op.node->kind == kind) {
      for (auto& child : op.node->children) out.node->children.push_back(std::move(child));
    } else {
      out.node->children.push_back(std::move(op.node));
    }
  }
  return out;
}

Operand close_bag(Frame& f) {
  Operand out;
  if (f.bag.size() == 1 && f.bag_occurs[0] == Occur::Should) {
    out = std::move(f.bag[0]);
  } else {
    out.begin = f.bag.front().begin;
    out.end = f.bag.back().end;
    out.node = make_node(Kind::Bag, out.begin, out.end - out.begin);
    for (auto& item : f.bag) out.node->children.push_back(std::move(item.node));
    out.node->occurs = std::move(f.bag_occurs);
  }
  f.bag.clear();
  f.bag_occurs.clear();
  return out;
}

void fold_bag(Frame& f) {
  (f.pending == Tok::Not ? f.and_neg : f.and_pos).push_back(close_bag(f));
  f.pending = Tok::End;
}

Operand close_and_chain(Frame& f) {
  Operand out = combine(Kind::And, f.and_pos);
  if (!f.and_neg.empty()) {
    Operand neg = combine(Kind::Or, f.and_neg);
    size_t end = std::max(out.end, neg.end);
    NodePtr node = make_node(Kind::AndNot, out.begin, end - out.begin);
    node->children.push_back(std::move(out.node));
    node->children.push_back(std::move(neg.node));
    out.node = std::move(node);
    out.end = end;
  }
  f.and_pos.clear();
  f.and_neg.clear();
  return out;
}

Operand finish_frame(Frame& f, bool top) {
  if (f.pending_not) fail(f.not_offset, "'NOT' has no right operand");
  if (f.bag.empty()) {
    if (f.pending != Tok::End)
      fail(f.pending_offset, std::string("'") + f.pending_text + "' has no right operand");
    if (!f.or_terms.empty()) fail(f.last_or, "'OR' has no right operand");
    if (top) fail(0, "empty query");
    fail(f.open, "empty parentheses");
  }
  fold_bag(f);
  f.or_terms.push_back(close_and_chain(f));
  return combine(Kind::Or, f.or_terms);
}

// Applies a pending prefix NOT to an item or group about to enter the bag.
void take_prefix_not(Frame& f, Occur& occur, size_t& begin) {
  if (!f.pending_not) return;
  if (occur != Occur::Should) fail(f.not_offset, "'NOT' cannot be combined with '+' or '-'");
  occur = Occur::MustNot;
  begin = f.not_offset;
  f.pending_not = false;
}

// word NEAR/n word ...: `first` is the word before the first NEAR.
Operand parse_near(Lexer& lex, Operand first) {
  NodePtr near = make_node(Kind::Near, first.node->offset, 0);
  size_t end = first.node->offset + first.node->length;
  near->children.push_back(std::move(first.node));
  while (lex.peek().type == Tok::Near) {
    Token op = lex.next();
    if (near->children.size() == 1) {
      near->distance = op.distance;
    } else if (op.distance != near->distance) {
      fail(op.offset, "mixed NEAR distances in one chain (" + std::to_string(near->distance) +
                          " and " + std::to_string(op.distance) + ")");
    }
    std::string op_text(lex.text(op));
    Token word = lex.next();
    if (word.type != Tok::Item || !word.plain_word || word.prefix != Occur::Should)
      fail(op.offset, "'" + excerpt(op_text) + "' needs a plain word on each side");
    end = word.offset + word.length;
    near->children.push_back(std::move(word.node));
  }
  near->length = end - near->offset;
  return Operand{std::move(near), first.begin, end};
}

void add_item(Lexer& lex, Frame& f, Token t) {
  Occur occur = t.prefix;
  size_t begin = t.begin;
  take_prefix_not(f, occur, begin);
  Operand item{std::move(t.node), begin, t.offset + t.length};
  if (t.plain_word && lex.peek().type == Tok::Near) item = parse_near(lex, std::move(item));
  f.bag.push_back(std::move(item));
  f.bag_occurs.push_back(occur);
}

void open_group(std::vector<Frame>& frames, const Token& t, const QueryParserLimits& limits) {
  if (frames.size() > limits.max_depth)
    fail(t.offset,
         "parentheses nested too deeply (limit " + std::to_string(limits.max_depth) + ")");
  Frame group;
  group.open = t.offset;
  group.begin = t.begin;
  group.occur = t.prefix;
  take_prefix_not(frames.back(), group.occur, group.begin);
  frames.push_back(std::move(group));
}

void close_group(std::vector<Frame>& frames, const Token& t) {
  if (frames.size() == 1) fail(t.offset, "unmatched ')'");
  Frame& f = frames.back();
  Operand inner = finish_frame(f, false);
  inner.begin = f.begin;
  inner.end = t.offset + 1;
  Occur occur = f.occur;
  frames.pop_back();  // invalidates f
  frames.back().bag.push_back(std::move(inner));
  frames.back().bag_occurs.push_back(occur);
}

void add_not(Frame& f, const Token& t) {
  if (!f.bag.empty()) {  // a NOT b: between bags
    fold_bag(f);
    f.pending = Tok::Not;
    f.pending_offset = t.offset;
    f.pending_text = "NOT";
  } else if (f.pending_not || f.pending == Tok::Not) {
    fail(t.offset, "'NOT' cannot follow 'NOT'");
  } else {  // NOT b: exclusion of one item
    f.pending_not = true;
    f.not_offset = t.offset;
  }
}

void add_and_or(Lexer& lex, Frame& f, const Token& t) {
  const char* name = t.type == Tok::And ? "AND" : "OR";
  if (f.pending_not) fail(f.not_offset, "'NOT' has no right operand");
  if (f.bag.empty()) fail(t.offset, std::string("'") + name + "' has no left operand");
  fold_bag(f);
  if (t.type == Tok::Or) {
    f.or_terms.push_back(close_and_chain(f));
    f.last_or = t.offset;
    return;
  }
  f.pending = Tok::And;
  f.pending_offset = t.offset;
  f.pending_text = "AND";
  if (lex.peek().type == Tok::Not) {  // "a AND NOT b" reads as "a NOT b"
    lex.next();
    f.pending = Tok::Not;
    f.pending_text = "AND NOT";
  }
}

}  // namespace

std::unique_ptr<QueryNode> parse_query(std::string_view query,
                                       const std::vector<std::string>& field_names,
                                       const QueryParserLimits& limits) {
  if (query.size() > limits.max_query_bytes)
    fail(limits.max_query_bytes, "query too long (" + std::to_string(query.size()) +
                                     " bytes, limit " + std::to_string(limits.max_query_bytes) +
                                     ")");
  Lexer lex(query, field_names, limits);
  std::vector<Frame> frames(1);
  for (;;) {
    Token t = lex.next();
    switch (t.type) {
      case Tok::Item:
        add_item(lex, frames.back(), std::move(t));
        break;
      case Tok::LParen:
        open_group(frames, t, limits);
        break;
      case Tok::RParen:
        close_group(frames, t);
        break;
      case Tok::Not:
        add_not(frames.back(), t);
        break;
      case Tok::And:
      case Tok::Or:
        add_and_or(lex, frames.back(), t);
        break;
      case Tok::Near:
        fail(t.offset, "'" + excerpt(lex.text(t)) + "' needs a plain word on each side");
      case Tok::End:
        if (frames.size() > 1) fail(frames.back().open, "unclosed '('");
        return finish_frame(frames.back(), true).node;
    }
  }
}

namespace {

void append_debug(const QueryNode& n, std::string& out) {
  auto open = [&](const std::string& head) {
    out += '(';
    out += head;
    for (size_t i = 0; i < n.children.size(); ++i) {
      out += ' ';
      if (n.kind == Kind::Bag && i < n.occurs.size()) {
        if (n.occurs[i] == Occur::Must) out += '+';
        if (n.occurs[i] == Occur::MustNot) out += '-';
      }
      if (n.children[i]) append_debug(*n.children[i], out);
    }
    out += ')';
  };
  if (!n.field.empty() && n.kind != Kind::Range) out += n.field + ':';
  switch (n.kind) {
    case Kind::Word:
      out += n.text;
      if (n.wildcard) out += '*';
      break;
    case Kind::Phrase:
      out += n.exact ? "\"=" : "\"";
      out += n.text;
      out += '"';
      break;
    case Kind::Range:
      out += n.field + ":[" + n.low + ".." + n.high + "]";
      break;
    case Kind::Near:
      open("NEAR/" + std::to_string(n.distance));
      break;
    case Kind::Bag:
      open("BAG");
      break;
    case Kind::And:
      open("AND");
      break;
    case Kind::Or:
      open("OR");
      break;
    case Kind::AndNot:
      open("ANDNOT");
      break;
  }
}

}  // namespace

std::string QueryNode::debug_string() const {
  std::string out;
  append_debug(*this, out);
  return out;
}

}  // namespace polsearch
