// Batch query files for `searcher --queries`: BEIR queries.jsonl ({"_id", "text"})
// or TSV ("qid<TAB>query"), chosen by the first non-blank character.
#pragma once

#include <functional>
#include <string>

#include "statement.h"

namespace polsearch {

struct BatchQuery {
  std::string qid;
  std::string text;
  SourceLocation where;
};

// Calls on_query for each query in order and on_error (with file:line) for each bad
// line, which is skipped. Throws std::runtime_error if the file cannot be read.
// Returns the number of bad lines.
size_t read_query_file(
    const std::string& path, const std::function<void(BatchQuery&&)>& on_query,
    const std::function<void(const SourceLocation&, const std::string&)>& on_error);

}  // namespace polsearch
