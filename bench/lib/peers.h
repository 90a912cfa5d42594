// The peer engines that bench/compare measures our engine against.
#pragma once

#include <memory>

#include "engine.h"

namespace bench {

// ICU word BreakIterator over each passage (UTF-8 through utext_openUTF8) and a UTF-8
// case fold of each word token; no index. The floor any ICU-based analyser pays.
std::unique_ptr<Engine> make_icu_floor();

// SQLite FTS5 through the C API: fts5(text, tokenize='porter unicode61'), one
// transaction of prepared inserts, 'optimize' as an extra step; bm25 ranking and
// snippet() highlighting.
std::unique_ptr<Engine> make_fts5();

// Stock Xapian: TermGenerator (English stemmer, STEM_SOME, positions), passage text as
// document data; QueryParser (OR, STEM_SOME, English) and MSet::snippet; compaction to
// a scratch folder as an extra step.
std::unique_ptr<Engine> make_xapian();

// Xapian omega's scriptindex (Debian package xapian-omega) run as a subprocess on a
// generated dump file and index script; index phase only. `program` is the
// scriptindex executable (found on PATH if it has no '/').
std::unique_ptr<Engine> make_scriptindex(const std::string& program = "scriptindex");

// Whether `program` can be run (an executable path, or found on PATH).
bool program_available(const std::string& program);

}  // namespace bench
