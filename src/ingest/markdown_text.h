// Markdown source as the text people read: what a statement's passages show.
#pragma once

#include <string>
#include <string_view>

namespace polsearch {

// Removes Markdown syntax and keeps the words: heading markers ("## "), block quote
// markers ("> "), emphasis ("*a*", "**a**", "_a_", "__a__"), inline code
// backticks, links ("[text](url)" -> "text") and images ("![alt](url)" -> "alt").
// Lines stay lines and paragraphs stay paragraphs, so passages split the same way;
// fenced code blocks are kept as they are. Brackets that are no link ("[sic]"),
// a lone "*" or an underscore inside a word (snake_case) are text and stay.
std::string markdown_to_text(std::string_view markdown);

}  // namespace polsearch
