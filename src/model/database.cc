#include "database.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "terms.h"

namespace polsearch {

std::string program_version() { return "polsearch 0.1.0"; }

Schema schema_of(const Xapian::Database& db, const std::string& path) {
  std::string format_text = db.get_metadata(std::string(terms::kMetaFormat));
  if (format_text.empty()) {
    if (db.get_doccount() == 0)
      throw DatabaseError(path + ": database is empty (nothing has been indexed into it yet)");
    throw DatabaseError(path + ": not a polsearch database (no '" +
                        std::string(terms::kMetaFormat) +
                        "' metadata), or its postlist table is damaged (`indexer --check` tells)");
  }
  int format = 0;
  try {
    format = std::stoi(format_text);
  } catch (const std::exception&) {
    throw DatabaseError(path + ": unreadable database format '" + format_text + "'");
  }
  if (format > kDatabaseFormat)
    throw DatabaseError(path + ": database format " + std::to_string(format) +
                        " needs a newer program (this one reads format " +
                        std::to_string(kDatabaseFormat) + "; written by " +
                        db.get_metadata(std::string(terms::kMetaWriter)) + ")");
  if (format < 1) throw DatabaseError(path + ": unknown database format " + format_text);
  try {
    return Schema::parse(db.get_metadata(std::string(terms::kMetaSchema)),
                         path + " (recorded schema)");
  } catch (const SchemaError& e) {
    throw DatabaseError(std::string("recorded schema is invalid: ") + e.what());
  }
}

OpenedDatabase open_for_search(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw DatabaseError(path + ": no such database (run the indexer first)");
  if (!std::filesystem::is_directory(path, ec))
    throw DatabaseError(path + ": not a database folder");
  try {
    Xapian::Database db(path);
    auto unreadable = unreadable_tables(path, db);
    if (!unreadable.empty())
      throw DatabaseError(path + ": the database is damaged: " + unreadable.front() +
                          "; `indexer --check --db " + path + "` lists every problem");
    Schema schema = schema_of(db, path);
    return {std::move(db), std::move(schema)};
  } catch (const Xapian::DatabaseVersionError& e) {
    throw DatabaseError(path + ": unsupported Xapian database version: " + e.get_msg());
  } catch (const Xapian::DatabaseOpeningError& e) {
    const char* cause = e.get_error_string();  // errno's text, when Xapian kept it
    throw DatabaseError(path + ": cannot open database: " + e.get_msg() +
                        (cause && *cause ? std::string(" (") + cause + ")" : std::string()));
  } catch (const Xapian::DatabaseCorruptError& e) {
    throw DatabaseError(path + ": database is corrupt: " + e.get_msg() +
                        "; `indexer --check --db " + path + "` names the damaged table");
  }
}

std::vector<std::string> unreadable_tables(const std::string& path, const Xapian::Database& db) {
  std::vector<std::string> problems;
  if (db.get_doccount() == 0) return problems;
  for (const char* table : {"postlist", "termlist", "docdata", "position"}) {
    // Positions exist once any word was indexed (total length counts them).
    if (std::string_view(table) == "position" && db.get_total_length() == 0) continue;
    const std::string file = table + std::string(".glass");
    int fd = open((std::filesystem::path(path) / file).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      close(fd);
      continue;
    }
    problems.push_back("the " + std::string(table) + " table (" + file +
                       "): " + std::strerror(errno));
  }
  return problems;
}

void record_schema(Xapian::WritableDatabase& db, const Schema& schema) {
  db.set_metadata(std::string(terms::kMetaFormat), std::to_string(kDatabaseFormat));
  db.set_metadata(std::string(terms::kMetaSchema), schema.toml);
  db.set_metadata(std::string(terms::kMetaWriter), program_version());
}

}  // namespace polsearch
