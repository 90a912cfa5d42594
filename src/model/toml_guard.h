// toml++ 3.3 (Debian 12) reaches __builtin_unreachable (undefined behaviour) when
// it asks whether some non-ASCII characters outside strings are whitespace (U+00A1,
// U+021B, U+FEF8, ...; found by fuzz/fuzz_schema). TOML 1.0 allows non-ASCII
// characters only inside strings and comments, so such a character is a syntax
// error anyway; parse_toml_guarded() finds it before toml++ does.
#pragma once

#include <toml++/toml.h>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace polsearch {

struct TomlPosition {
  size_t line = 1;    // 1-based
  size_t column = 1;  // 1-based, in bytes
};

// Thrown by parse_toml_guarded with "ORIGIN:LINE:COLUMN: what is wrong".
class TomlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where the first byte >= 0x80 outside a string or a comment is, if any. Exact
// for well-formed TOML; on malformed TOML toml++ may read further than this model.
std::optional<TomlPosition> non_ascii_outside_strings(std::string_view toml_text);

// toml::parse, made safe: first the structure is checked on a copy whose non-ASCII
// characters are all 'x' (pure ASCII, so toml++ never classifies one), which makes
// the string model above exact; then the original is scanned and parsed.
toml::table parse_toml_guarded(std::string_view toml_text, const std::string& origin);

}  // namespace polsearch
