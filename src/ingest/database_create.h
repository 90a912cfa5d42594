// Creating a database so that it appears whole or not at all: it is built in a
// temporary sibling folder, with its metadata committed, and renamed into place.
#pragma once

#include <string>

#include "schema.h"

namespace polsearch {

// Makes sure a database exists at `path`. If `path` is missing or an empty folder,
// creates the database (metadata recording `schema` committed) in
// `path.polsearch-create-<pid>` and renames it into place; if another indexer wins
// that race, its database is kept. A folder left half-created by an older program
// (Xapian table and lock files, no revision file, so nothing committed) is moved aside
// and replaced. Also removes temporary siblings left by indexers that died.
// Returns false, changing nothing, if a half-created folder is still locked by a
// running indexer (try again later). Throws DatabaseError naming `path` and the cause
// (a non-empty folder that is no database, a file, an I/O error).
bool create_database_if_missing(const std::string& path, const Schema& schema);

}  // namespace polsearch
