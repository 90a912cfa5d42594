#include "check.h"

#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>
#include <unordered_set>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "database.h"
#include "exit_status.h"
#include "schema.h"
#include "terms.h"

namespace polsearch {

namespace {

// Reported problems of one kind beyond this many are summarised, so a badly broken
// database gives a readable report rather than a million lines.
constexpr size_t kMaxListed = 20;

class Problems {
 public:
  explicit Problems(CheckReport& report) : report_(report) {}
  void add(const std::string& kind, const std::string& message) {
    if (++counts_[kind] <= kMaxListed) report_.problems.push_back(message);
  }
  void summarise() {
    for (auto& [kind, n] : counts_)
      if (n > kMaxListed)
        report_.problems.push_back("... and " + std::to_string(n - kMaxListed) + " more " + kind);
  }

 private:
  CheckReport& report_;
  std::map<std::string, size_t> counts_;
};

// Xapian's structural check of the whole database (what xapian-check does).
bool check_whole_database(const std::string& path, Problems& problems) {
  std::ostringstream out;
  try {
    size_t errors = Xapian::Database::check(path, 0, &out);
    if (errors == 0) return true;
    std::istringstream lines(out.str());
    std::string line;
    size_t listed = 0;
    while (std::getline(lines, line) && listed < kMaxListed)
      if (!line.empty() && line.find("rror") != std::string::npos) {
        problems.add("Xapian errors", "Xapian check: " + line);
        ++listed;
      }
    problems.add("Xapian errors", "Xapian check found " + std::to_string(errors) + " error(s)");
  } catch (const Xapian::Error& e) {
    problems.add("Xapian errors", "Xapian check failed: " + e.get_description());
  }
  return false;
}

// Xapian's check of each table file on its own, to name the damaged ones.
void check_each_table(const std::string& path, Problems& problems) {
  for (const char* table : {"postlist", "termlist", "docdata", "position", "spelling", "synonym"}) {
    const std::string file = (std::filesystem::path(path) / (table + std::string(".glass")));
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
      // The others are created lazily; missing ones are reported once the database opens.
      if (std::string_view(table) == "postlist")
        problems.add("damaged tables", "the postlist table (postlist.glass) is missing");
      continue;
    }
    std::ostringstream ignored;
    try {
      size_t errors = Xapian::Database::check(file, 0, &ignored);
      if (errors > 0)
        problems.add("damaged tables", "the " + std::string(table) + " table (" + table +
                                           ".glass) has " + std::to_string(errors) + " error(s)");
    } catch (const Xapian::Error& e) {
      problems.add("damaged tables", "the " + std::string(table) + " table (" + table +
                                         ".glass) is damaged: " + e.get_description());
    }
  }
}

// Xapian's structural check of every table. Its messages go into the report, and
// each damaged table is named. Returns false if the tables are damaged.
bool check_structure(const std::string& path, Problems& problems) {
  if (!check_whole_database(path, problems)) {
    check_each_table(path, problems);
    return false;
  }
  return true;
}

// Metadata: format and schema, as the searcher needs them. Returns the recorded schema,
// or nullopt (with the problem added) if it is missing or does not parse.
std::optional<Schema> check_metadata(const Xapian::Database& db, Problems& problems) {
  std::string format_text = db.get_metadata(std::string(terms::kMetaFormat));
  std::string schema_text = db.get_metadata(std::string(terms::kMetaSchema));
  if (format_text.empty()) {
    problems.add("metadata", "no '" + std::string(terms::kMetaFormat) +
                                 "' metadata: not a polsearch database, or never committed");
  } else if (format_text.find_first_not_of("0123456789") != std::string::npos ||
             format_text.size() > 6 || std::stoi(format_text) < 1 ||
             std::stoi(format_text) > kDatabaseFormat) {
    problems.add("metadata", "unknown database format '" + format_text + "' (this program reads " +
                                 std::to_string(kDatabaseFormat) + ")");
  }
  if (schema_text.empty()) {
    problems.add("metadata", "no '" + std::string(terms::kMetaSchema) + "' metadata");
    return std::nullopt;
  }
  try {
    return Schema::parse(schema_text, "recorded schema");
  } catch (const SchemaError& e) {
    problems.add("metadata", std::string("recorded schema does not parse: ") + e.what());
  }
  return std::nullopt;
}

// A statement record as the check reads it.
struct Record {
  Xapian::docid docid = 0;
  int64_t passages = -1;  // -1: unreadable
  uint64_t found = 0;     // passage documents with its membership term
};

// Passages, grouped by membership term: each record's `found`, and a problem for
// passages without a record. Returns how many passages belong to some statement.
uint64_t count_passages(const Xapian::Database& db, const std::string& member_prefix,
                        const std::unordered_set<Xapian::docid>& record_docids,
                        std::map<std::string, Record>& records, Problems& problems) {
  uint64_t members_total = 0;
  for (auto t = db.allterms_begin(member_prefix); t != db.allterms_end(member_prefix); ++t) {
    const std::string& member = *t;
    uint64_t found = 0;
    for (auto p = db.postlist_begin(member); p != db.postlist_end(member); ++p)
      if (!record_docids.count(*p)) ++found;
    members_total += found;
    auto rec = records.find(member);
    if (rec == records.end()) {
      if (found > 0)
        problems.add("passages without a record",
                     std::to_string(found) + " passage(s) of statement '" +
                         member.substr(member_prefix.size()) + "' have no statement record");
      continue;
    }
    rec->second.found = found;
  }
  return members_total;
}

// The database, if its tables are sound enough for polsearch's own checks: reading
// damaged tables through the Xapian API can crash (a corrupt postlist B-tree
// segfaults in postlist_begin).
std::optional<Xapian::Database> open_sound_database(const std::string& path, Problems& problems) {
  if (!check_structure(path, problems)) {
    problems.add("Xapian errors", "the tables are damaged; polsearch's own checks were skipped");
    return std::nullopt;
  }
  Xapian::Database db;
  try {
    db = Xapian::Database(path);
  } catch (const Xapian::Error& e) {
    problems.add("open", "cannot open the database: " + e.get_description());
    return std::nullopt;
  }
  bool damaged = false;
  for (const std::string& table : unreadable_tables(path, db)) {
    problems.add("damaged tables", table);
    damaged = true;
  }
  if (damaged) return std::nullopt;
  return db;
}

// Statement records by membership term, with the passage count each recorded.
std::map<std::string, Record> read_records(const Xapian::Database& db, const Schema& schema,
                                           std::unordered_set<Xapian::docid>& record_docids,
                                           CheckReport& report, Problems& problems) {
  const Xapian::valueno id_slot = schema.role(FieldRole::Id).value_slot;
  const std::string record_term(terms::kRecordType);
  std::map<std::string, Record> records;
  for (auto it = db.postlist_begin(record_term); it != db.postlist_end(record_term); ++it) {
    Xapian::Document doc = db.get_document(*it);
    record_docids.insert(*it);
    ++report.statements;
    std::string id = doc.get_value(id_slot);
    if (id.empty()) {
      problems.add("records without an id",
                   "statement record (document " + std::to_string(*it) + ") has no id");
      continue;
    }
    auto [rec, inserted] = records.try_emplace(terms::membership_term(schema, id));
    if (!inserted) {
      problems.add("duplicate records",
                   "statement '" + id + "' has more than one record (documents " +
                       std::to_string(rec->second.docid) + " and " + std::to_string(*it) + ")");
      continue;
    }
    rec->second.docid = *it;
    auto data = nlohmann::json::parse(doc.get_data(), nullptr, false);
    if (data.is_object() && data.contains("passages") && data["passages"].is_number_unsigned())
      rec->second.passages = data["passages"].get<int64_t>();
    else
      problems.add("unreadable records", "statement '" + id + "': record (document " +
                                             std::to_string(*it) +
                                             ") has no readable passage count");
  }
  return records;
}

// Every record's passage count against the passages found, and passages that belong
// to no statement.
void check_statements(const Xapian::Database& db, const Schema& schema, CheckReport& report,
                      Problems& problems) {
  const FieldSpec& id_field = schema.role(FieldRole::Id);
  if (!id_field.filter_prefix || id_field.value_slot < 0) {
    problems.add("metadata", "recorded schema's id field has no filter prefix or value slot");
    return;
  }
  const std::string& member_prefix = *id_field.filter_prefix;
  std::unordered_set<Xapian::docid> record_docids;
  std::map<std::string, Record> records = read_records(db, schema, record_docids, report, problems);
  uint64_t members_total = count_passages(db, member_prefix, record_docids, records, problems);
  for (auto& [member, rec] : records) {
    if (rec.passages >= 0 && static_cast<uint64_t>(rec.passages) != rec.found)
      problems.add("passage count mismatches",
                   "statement '" + member.substr(member_prefix.size()) + "': record says " +
                       std::to_string(rec.passages) + " passage(s), the database has " +
                       std::to_string(rec.found));
  }
  report.passages = db.get_doccount() - report.statements;
  if (report.passages > members_total)
    problems.add("orphan passages", std::to_string(report.passages - members_total) +
                                        " passage document(s) belong to no statement");
}

}  // namespace

CheckReport check_database(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec))
    throw DatabaseError(path + ": no such database folder");
  CheckReport report;
  Problems problems(report);
  std::optional<Xapian::Database> db = open_sound_database(path, problems);
  std::optional<Schema> recorded = db ? check_metadata(*db, problems) : std::nullopt;
  if (recorded) {
    try {
      check_statements(*db, *recorded, report, problems);
    } catch (const Xapian::Error& e) {
      problems.add("read errors", "reading the database failed: " + e.get_description());
    }
  }
  problems.summarise();
  return report;
}

int run_check(const std::string& path, std::ostream& out) {
  CheckReport report;
  try {
    report = check_database(path);
  } catch (const DatabaseError& e) {
    out << "indexer: check: " << e.what() << '\n';
    return kExitDatabase;
  }
  for (const std::string& p : report.problems)
    out << "indexer: check: " << path << ": " << p << '\n';
  out << "indexer: check: " << path << ": " << report.statements << " statements, "
      << report.passages << " passages; "
      << (report.ok() ? std::string("no problems found")
                      : std::to_string(report.problems.size()) + " problem(s) found")
      << '\n';
  return report.ok() ? kExitOk : kExitCheckFailed;
}

}  // namespace polsearch
