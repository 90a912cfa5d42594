// Opening databases: format and schema checks shared by the tools.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <xapian.h>

#include "schema.h"

namespace polsearch {

// A database problem the user must act on (missing, unreadable, locked, too new).
// The message is complete and names the database path.
class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads the schema recorded in a database and checks its format. Throws
// DatabaseError if the database has no polsearch metadata or needs a newer program.
Schema schema_of(const Xapian::Database& db, const std::string& path);

// Opens a database for searching and returns it with its schema.
struct OpenedDatabase {
  Xapian::Database db;
  Schema schema;
};
OpenedDatabase open_for_search(const std::string& path);

// Problems with the table files of a database that has documents: one line per table
// that is missing or cannot be read ("the docdata table (docdata.glass): Permission
// denied"). Xapian opens most tables lazily and treats a missing one as empty, which
// would silently drop passages' text or positions; every polsearch database with
// documents has all four.
std::vector<std::string> unreadable_tables(const std::string& path, const Xapian::Database& db);

// Records the schema and format in a writable database (before its first commit).
void record_schema(Xapian::WritableDatabase& db, const Schema& schema);

std::string program_version();

}  // namespace polsearch
