// Hints added to command-line usage errors, where the parser's message alone would
// leave a new user guessing.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace polsearch {

// A query word written "-word" before "--" reads as an unknown option. Given the
// arguments and a test for the program's own options ("-n", "--limit"), returns "a
// query starting with '-' must follow '--': searcher --db DIR -- -word" for the first
// such word, or "" if there is none. Negative numbers are not taken for words.
std::string dashed_query_hint(const std::vector<std::string>& args,
                              const std::function<bool(const std::string&)>& is_option);

}  // namespace polsearch
