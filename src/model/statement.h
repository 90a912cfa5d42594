// A policy statement as read from input, before analysis.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace polsearch {

// Where a record came from, for error messages: "file:line". line 0 means the
// whole file (a .txt/.md statement, or an error that concerns the file itself).
struct SourceLocation {
  std::string file;  // as given on the command line, or "<stdin>"
  uint64_t line = 0;
  std::string str() const { return line ? file + ":" + std::to_string(line) : file; }
};

// Field values keyed by schema field name ("id", "title", "speaker", "country",
// "date", "source", "lang", "text"). Missing fields are absent, never "".
struct Statement {
  std::map<std::string, std::string> fields;
  // What the reader had to interpret ("speaker" given as a number), reported as
  // warnings when the statement is indexed.
  std::vector<std::string> warnings;
  // Paged documents (PDF): the byte offset in the body text where page 1, 2, ...
  // starts; empty when the text has no pages. A passage's page is where it starts.
  std::vector<uint64_t> page_starts;

  const std::string* get(const std::string& name) const {
    auto it = fields.find(name);
    return it == fields.end() ? nullptr : &it->second;
  }
  std::string value(const std::string& name) const {
    auto it = fields.find(name);
    return it == fields.end() ? std::string() : it->second;
  }
};

}  // namespace polsearch
