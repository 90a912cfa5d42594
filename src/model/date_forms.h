// The date forms people write in front matter and JSON, read into ISO 8601.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace polsearch {

// "2023", "2023-06", "2023-06-14" (also with '/'), "14 June 2023", "14 Jun 2023",
// "June 14, 2023", "June 2023" and "14.06.2023" (day first) become "2023", "2023-06"
// or "2023-06-14"; English month names, any case. nullopt for anything else,
// including impossible days and months ("31 June 2023", "2023-13").
std::optional<std::string> iso_date(std::string_view written);

}  // namespace polsearch
