#include "date_forms.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <vector>

#include "schema.h"

namespace polsearch {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

// 1..12 for a month name or its first three letters ("Jun", "june", "Sept" too).
int month_number(std::string_view word) {
  std::string lower;
  for (char c : word) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.size() > 1 && lower.back() == '.') lower.pop_back();
  if (lower.size() < 3) return 0;
  for (size_t i = 0; i < kMonths.size(); ++i)
    if (kMonths[i].substr(0, lower.size()) == lower) return static_cast<int>(i) + 1;
  return 0;
}

// A run of digits as a number, -1 if `word` is not one (or is longer than 4 digits).
int number(std::string_view word) {
  if (word.empty() || word.size() > 4) return -1;
  int n = 0;
  for (char c : word) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

// Words split at spaces, commas and dots ("June 14, 2023" -> June 14 2023).
std::vector<std::string_view> words_of(std::string_view s, bool dots_separate) {
  std::vector<std::string_view> words;
  size_t i = 0;
  auto separator = [&](char c) { return c == ' ' || c == ',' || (dots_separate && c == '.'); };
  while (i < s.size()) {
    while (i < s.size() && separator(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !separator(s[i])) ++i;
    if (i > start) words.push_back(s.substr(start, i - start));
  }
  return words;
}

int days_in(int month, int year) {
  constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && !leap ? 28 : kDays[month - 1];
}

std::optional<std::string> formatted(int year, int month, int day) {
  if (year < 1000 || month < 1 || month > 12) return std::nullopt;
  char out[40];  // room for any int, though year, month and day are checked
  if (day == 0) {
    std::snprintf(out, sizeof out, "%04d-%02d", year, month);
  } else {
    if (day < 1 || day > days_in(month, year)) return std::nullopt;
    std::snprintf(out, sizeof out, "%04d-%02d-%02d", year, month, day);
  }
  return out;
}

// "14 June 2023", "June 14 2023", "June 2023", "14.06.2023".
std::optional<std::string> written_out_date(std::string_view s) {
  bool dotted = s.find('.') != std::string_view::npos && s.find(' ') == std::string_view::npos;
  auto w = words_of(s, dotted);
  if (dotted && w.size() == 3 && w[0].size() <= 2 && w[1].size() <= 2 && w[2].size() == 4)
    return formatted(number(w[2]), number(w[1]), number(w[0]));
  if (w.size() == 2 && month_number(w[0]) && w[1].size() == 4)
    return formatted(number(w[1]), month_number(w[0]), 0);
  if (w.size() != 3 || w[2].size() != 4) return std::nullopt;
  if (month_number(w[1]) && number(w[0]) > 0)
    return formatted(number(w[2]), month_number(w[1]), number(w[0]));
  if (month_number(w[0]) && number(w[1]) > 0)
    return formatted(number(w[2]), month_number(w[0]), number(w[1]));
  return std::nullopt;
}

}  // namespace

std::optional<std::string> iso_date(std::string_view written) {
  while (!written.empty() && written.front() == ' ') written.remove_prefix(1);
  while (!written.empty() && written.back() == ' ') written.remove_suffix(1);
  if (auto sortable = normalise_date(written)) {  // YYYYMMDD, 00 for a missing part
    std::string iso = sortable->substr(0, 4);
    if (sortable->substr(4, 2) != "00") iso += "-" + sortable->substr(4, 2);
    if (sortable->substr(6, 2) != "00") iso += "-" + sortable->substr(6, 2);
    return iso;
  }
  return written_out_date(written);
}

}  // namespace polsearch
