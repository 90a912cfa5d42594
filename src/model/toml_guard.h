// A check run before toml++ sees a file. toml++ 3.3 (Debian 12) reaches
// __builtin_unreachable (undefined behaviour) when it asks whether some non-ASCII
// characters outside strings are whitespace (U+00A1, U+021B, ...; found by
// fuzz/fuzz_schema). TOML 1.0 allows non-ASCII characters only inside strings and
// comments, so such a character is a syntax error anyway: this finds it first.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace polsearch {

struct TomlPosition {
  size_t line = 1;    // 1-based
  size_t column = 1;  // 1-based, in bytes
};

// Where the first byte >= 0x80 outside a string or a comment is, if any.
std::optional<TomlPosition> non_ascii_outside_strings(std::string_view toml_text);

}  // namespace polsearch
