// Counts in messages: "1 statement", "2 statements", "0 statements".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace polsearch {

// The noun with an "s" unless n is 1 (every noun our messages count takes an "s").
inline std::string plural(uint64_t n, std::string_view noun) {
  std::string out(noun);
  if (n != 1) out += 's';
  return out;
}

// "1 passage", "3 passages".
inline std::string counted(uint64_t n, std::string_view noun) {
  return std::to_string(n) + ' ' + plural(n, noun);
}

}  // namespace polsearch
