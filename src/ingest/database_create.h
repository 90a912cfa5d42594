// Creating a database so that it appears whole or not at all: it is built in a
// temporary sibling folder, with its metadata committed, and renamed into place.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include <xapian.h>

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

// The same for a sharded database (src/model/shards.h): if `path` is missing or an
// empty folder, builds `shards` empty shard databases (each recording its schema,
// "K/N" and the set's random id), the auxiliary database and the stub file XAPIANDB in
// a temporary sibling folder and renames it into place. Returns false if `path` already
// is a database (sharded or not: the caller checks which). Throws DatabaseError.
bool create_sharded_database_if_missing(const std::string& path, const Schema& schema,
                                        unsigned shards);

// Records "shard K of N" and the set id in a shard (or, K = N, the aux database).
void record_shard(Xapian::WritableDatabase& db, unsigned k, unsigned n, const std::string& set_id);

// Removes the folders `path<tag><pid>` beside `path` whose process is gone (or is us:
// an earlier process with our pid); a live process's are left alone.
void remove_stale_siblings(const std::string& path, std::initializer_list<std::string_view> tags);

}  // namespace polsearch
