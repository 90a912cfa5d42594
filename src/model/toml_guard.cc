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
      } else if (starts_with("\"\"\"") || starts_with("'''")) {
        const std::string_view quote = text_.substr(i_, 3);
        advance(3);
        skip_string(quote, quote[0] == '"');
      } else if (c == '"' || c == '\'') {
        advance(1);
        skip_string(text_.substr(i_ - 1, 1), c == '"');
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        return position_;
      } else {
        advance(1);
      }
    }
    return std::nullopt;
  }

 private:
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
  }

  // Up to and past the closing quote; a backslash escapes the next byte in basic strings.
  void skip_string(std::string_view quote, bool escapes) {
    while (i_ < text_.size() && !starts_with(quote)) advance(escapes && text_[i_] == '\\' ? 2 : 1);
    advance(quote.size());
  }

  std::string_view text_;
  size_t i_ = 0;
  TomlPosition position_;
};

}  // namespace

std::optional<TomlPosition> non_ascii_outside_strings(std::string_view toml_text) {
  return TomlScanner(toml_text).first_non_ascii();
}

}  // namespace polsearch
