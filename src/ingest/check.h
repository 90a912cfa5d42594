// `indexer --check`: is a database whole? Xapian's own structural check (what
// xapian-check does) plus polsearch's invariants: metadata and schema present,
// every statement record's passage count matches its passages, no passage without
// a record, no statement recorded twice.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace polsearch {

struct CheckReport {
  std::vector<std::string> problems;  // one line each, without the database path
  uint64_t statements = 0;            // statement records found
  uint64_t passages = 0;              // passage documents found
  bool ok() const { return problems.empty(); }
};

// Checks the database folder at `path`. Never throws for a damaged database: what
// cannot be read becomes a problem. Throws DatabaseError only if `path` is not there.
CheckReport check_database(const std::string& path);

// The `indexer --check` command: checks, prints each problem as "indexer: check:
// PATH: problem" and a summary line to `out`, and returns the exit status:
// kExitOk (clean), kExitCheckFailed (problems found) or kExitDatabase (no database).
int run_check(const std::string& path, std::ostream& out);

}  // namespace polsearch
