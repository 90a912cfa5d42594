#include "toml_guard.h"

namespace polsearch {

namespace {

// A TOML lexer reduced to what matters here: where strings and comments are.
class TomlScanner {
 public:
  explicit TomlScanner(std::string_view text) : text_(text) {}

  std::optional<TomlPosition> first_non_ascii() {
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (c == '#') {
        skip_past("\n");
      } else if (is_quote(c) && string_may_start_here() &&
                 (starts_with("\"\"\"") || starts_with("'''"))) {
        const std::string_view quote = text_.substr(i_, 3);
        advance(3);
        skip_string(quote, quote[0] == '"', /*ends_at_newline=*/false);
      } else if (is_quote(c) && string_may_start_here()) {
        advance(1);
        skip_string(text_.substr(i_ - 1, 1), c == '"', /*ends_at_newline=*/true);
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        return position_;
      } else {
        note_significant(c);
        advance(1);
      }
    }
    return std::nullopt;
  }

 private:
  static bool is_quote(char c) { return c == '"' || c == '\''; }

  // toml++ reads a quote that follows a bare value (`a = 1"x`) as part of that
  // value and classifies the characters after it, so it is a string only where
  // TOML allows one: at the start of a line or after `=`, `[`, `{`, `,` or `.`.
  bool string_may_start_here() const {
    return last_significant_ == '\n' ||
           std::string_view("=[{,.").find(last_significant_) != std::string_view::npos;
  }

  void note_significant(char c) {
    if (c == '\n' || (c != ' ' && c != '\t' && c != '\r')) last_significant_ = c;
  }

  bool starts_with(std::string_view s) const { return text_.substr(i_, s.size()) == s; }

  void advance(size_t n) {
    for (; n > 0 && i_ < text_.size(); --n, ++i_) {
      if (text_[i_] == '\n') {
        ++position_.line;
        position_.column = 1;
      } else {
        ++position_.column;
      }
    }
  }

  void skip_past(std::string_view end) {
    while (i_ < text_.size() && !starts_with(end)) advance(1);
    advance(end.size());
    last_significant_ = '\n';
  }

  // Up to and past the closing quote; a backslash escapes the next byte in basic
  // strings. A one-line string that meets a newline is an error where toml++ stops.
  void skip_string(std::string_view quote, bool escapes, bool ends_at_newline) {
    while (i_ < text_.size() && !starts_with(quote)) {
      if (ends_at_newline && text_[i_] == '\n') return;
      advance(escapes && text_[i_] == '\\' ? 2 : 1);
    }
    advance(quote.size());
    last_significant_ = '"';
  }

  std::string_view text_;
  size_t i_ = 0;
  TomlPosition position_;
  char last_significant_ = '\n';  // the last ASCII character that is not a space
};

// One 'x' per UTF-8 sequence, so that toml++'s columns (in characters) match the
// original's; a stray continuation byte is dropped here and refused later.
std::string ascii_stand_in(std::string_view text) {
  std::string copy;
  copy.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80)
      copy += c;
    else if (byte >= 0xC0)
      copy += 'x';
  }
  return copy;
}

toml::table parse_or_throw(std::string_view text, const std::string& origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    throw TomlError(origin + ":" + std::to_string(e.source().begin.line) + ":" +
                    std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
}

}  // namespace

std::optional<TomlPosition> non_ascii_outside_strings(std::string_view toml_text) {
  return TomlScanner(toml_text).first_non_ascii();
}

toml::table parse_toml_guarded(std::string_view toml_text, const std::string& origin) {
  parse_or_throw(ascii_stand_in(toml_text), origin);
  if (auto at = non_ascii_outside_strings(toml_text))
    throw TomlError(origin + ":" + std::to_string(at->line) + ":" + std::to_string(at->column) +
                    ": a non-ASCII character outside a string or comment");
  return parse_or_throw(toml_text, origin);
}

}  // namespace polsearch
