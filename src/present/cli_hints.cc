#include "cli_hints.h"

#include <cctype>

namespace polsearch {

std::string dashed_query_hint(const std::vector<std::string>& args,
                              const std::function<bool(const std::string&)>& is_option) {
  for (const std::string& arg : args) {
    if (arg == "--") break;
    bool single_dash_word = arg.size() > 1 && arg[0] == '-' && arg[1] != '-' &&
                            !std::isdigit(static_cast<unsigned char>(arg[1])) && arg[1] != '.';
    if (!single_dash_word || is_option(arg) || is_option(arg.substr(0, 2))) continue;
    return "a query starting with '-' must follow '--': searcher --db DIR -- " + arg;
  }
  return {};
}

}  // namespace polsearch
