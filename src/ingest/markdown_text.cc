#include "markdown_text.h"

#include <cctype>

namespace polsearch {
namespace {

// Emphasis closers are looked for this far at most, so a long line of stray '*' costs
// linear time; nesting deeper than kMaxDepth is left as written.
constexpr size_t kMaxSpan = 2000;
constexpr int kMaxDepth = 8;

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }

class InlineStripper {
 public:
  explicit InlineStripper(std::string& out) : out_(out) {}

  void strip(std::string_view s, int depth) {
    for (size_t i = 0; i < s.size();) {
      size_t used = depth < kMaxDepth ? markup_at(s, i, depth) : 0;
      if (used) {
        i += used;
      } else {
        out_ += s[i];
        ++i;
      }
    }
  }

 private:
  // Bytes of markup consumed at s[i] (its text emitted), or 0 if s[i] is plain text.
  size_t markup_at(std::string_view s, size_t i, int depth) {
    char c = s[i];
    if (c == '!' && i + 1 < s.size() && s[i + 1] == '[') {
      size_t used = link_at(s, i + 1, depth);
      return used ? used + 1 : 0;
    }
    if (c == '[') return link_at(s, i, depth);
    if (c == '`') return code_at(s, i);
    if (c == '*' || c == '_') return emphasis_at(s, i, depth);
    return 0;
  }

  // "[text](url)": emits text.
  size_t link_at(std::string_view s, size_t i, int depth) {
    size_t close = s.find(']', i + 1);
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != '(') return 0;
    size_t end = s.find(')', close + 2);
    if (end == std::string_view::npos) return 0;
    strip(s.substr(i + 1, close - i - 1), depth + 1);
    return end + 1 - i;
  }

  size_t code_at(std::string_view s, size_t i) {
    size_t close = s.find('`', i + 1);
    if (close == std::string_view::npos || close == i + 1) return 0;
    out_.append(s.substr(i + 1, close - i - 1));
    return close + 1 - i;
  }

  // "*a*", "**a**", "_a_", "__a__" (also three): the run must touch a word on its
  // inner side, and '_' must not sit inside a word (snake_case).
  size_t emphasis_at(std::string_view s, size_t i, int depth) {
    char c = s[i];
    size_t run = 1;
    while (i + run < s.size() && s[i + run] == c && run < 3) ++run;
    size_t inner = i + run;
    if (inner >= s.size() || is_blank(s[inner]) || s[inner] == c) return 0;
    if (c == '_' && i > 0 && is_word_char(s[i - 1])) return 0;
    std::string_view delimiter = s.substr(i, run);
    size_t limit = std::min(s.size(), inner + kMaxSpan);
    for (size_t close = s.find(delimiter, inner + 1);
         close != std::string_view::npos && close < limit; close = s.find(delimiter, close + 1)) {
      size_t after = close + run;
      if (is_blank(s[close - 1]) || (after < s.size() && s[after] == c)) continue;
      if (c == '_' && after < s.size() && is_word_char(s[after])) continue;
      strip(s.substr(inner, close - inner), depth + 1);
      return after - i;
    }
    return 0;
  }

  std::string& out_;
};

bool is_fence(std::string_view line) {
  size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) return false;
  line.remove_prefix(start);
  return line.substr(0, 3) == "```" || line.substr(0, 3) == "~~~";
}

// "## Heading ##" -> "Heading"; "> quoted" -> "quoted". Returns the rest of the line.
std::string_view without_block_markers(std::string_view line) {
  size_t indent = 0;
  while (indent < line.size() && indent < 3 && line[indent] == ' ') ++indent;
  std::string_view rest = line.substr(indent);
  while (!rest.empty() && rest[0] == '>') {
    rest.remove_prefix(1);
    if (!rest.empty() && is_blank(rest[0])) rest.remove_prefix(1);
  }
  size_t hashes = 0;
  while (hashes < rest.size() && rest[hashes] == '#') ++hashes;
  if (hashes == 0 || hashes > 6 || (hashes < rest.size() && !is_blank(rest[hashes])))
    return rest.size() == line.size() - indent ? line : rest;
  rest.remove_prefix(hashes);
  while (!rest.empty() && is_blank(rest[0])) rest.remove_prefix(1);
  size_t end = rest.find_last_not_of(" \t");
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(0, end + 1);
  size_t closing = rest.find_last_not_of('#');  // an optional closing "##"
  if (closing != std::string_view::npos && closing + 1 < rest.size() && is_blank(rest[closing]))
    rest = rest.substr(0, rest.find_last_not_of(" \t", closing) + 1);
  return rest;
}

}  // namespace

std::string markdown_to_text(std::string_view markdown) {
  std::string out;
  out.reserve(markdown.size());
  InlineStripper stripper(out);
  bool in_fence = false;
  for (size_t pos = 0; pos <= markdown.size();) {
    size_t nl = markdown.find('\n', pos);
    size_t end = nl == std::string_view::npos ? markdown.size() : nl;
    std::string_view line = markdown.substr(pos, end - pos);
    if (is_fence(line)) in_fence = !in_fence;
    if (in_fence || is_fence(line))
      out.append(line);
    else
      stripper.strip(without_block_markers(line), 0);
    if (nl == std::string_view::npos) break;
    out += '\n';
    pos = nl + 1;
  }
  return out;
}

}  // namespace polsearch
