// Loading the benchmark inputs: corpus passages (gzipped JSON Lines statements split
// on blank lines) and the query set (queries_syntax.tsv, plus queries.tsv beside it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine.h"

namespace bench {

// Appends to `corpus` the passages of the first `fraction` (0 < f <= 1) of the
// statements of each JSON Lines file (plain or gzipped) in `paths`. A statement's
// "text" is split on "\n\n"; empty pieces are dropped. Throws std::runtime_error.
void load_corpus(const std::vector<std::string>& paths, double fraction, Corpus& corpus);

// The "text" of the first statements of a JSON Lines file (plain or gzipped), until
// at least `max_bytes` of text are read (for micro-benchmarks). Throws std::runtime_error.
std::vector<std::string> load_statement_texts(const std::string& path, uint64_t max_bytes);

// Reads `qid<TAB>class<TAB>xapian<TAB>fts5` lines from `syntax_path`, and the plain
// form from `qid<TAB>class<TAB>query` lines of queries.tsv in the same folder if it
// exists. Throws std::runtime_error.
std::vector<Query> load_queries(const std::string& syntax_path);

// Resolves a default path given relative to the repository root ("../shared/...")
// so it works from the source tree, the build folder or anywhere below the repo:
// tries `repo_root`/rel, then the current folder and each of its parents. Returns
// `rel` unchanged if none exists.
std::string resolve_default_path(const std::string& rel, const std::string& repo_root);

}  // namespace bench
