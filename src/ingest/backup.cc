#include "backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <xapian.h>

#include "check.h"
#include "database.h"
#include "database_create.h"
#include "exit_status.h"

namespace polsearch {

namespace {

namespace fs = std::filesystem;

// Copies this often before giving up: each attempt fails only if the indexer
// committed twice while it ran (Xapian keeps the previous revision readable).
constexpr unsigned kMaxAttempts = 20;

fs::path without_trailing_slash(const std::string& path) {
  fs::path p = fs::path(path).lexically_normal();
  return p.has_filename() ? p : p.parent_path();
}

void require_free_destination(const fs::path& dest) {
  std::error_code ec;
  if (!fs::exists(dest, ec)) return;
  if (!fs::is_directory(dest, ec) || !fs::is_empty(dest, ec))
    throw DatabaseError(dest.string() + ": backup destination exists and is not an empty folder");
}

// One attempt: the revision a fresh read-only handle sees, compacted into `temp`.
// Returns false if the indexer's commits overtook the copy.
bool compact_once(const std::string& source, const fs::path& temp, BackupReport& report) {
  std::error_code ec;
  fs::remove_all(temp, ec);
  try {
    CommitGate gate(source);
    gate.hold_for_backup();  // before opening: no commit between the open and the copy's end
    Xapian::Database db(source);
    schema_of(db, source);  // a polsearch database, readable by this program
    report.revision = db.get_revision();
    db.compact(temp.string(), Xapian::DBCOMPACT_NO_RENUMBER);
    return true;
  } catch (const Xapian::DatabaseModifiedError&) {
    fs::remove_all(temp, ec);
    return false;
  } catch (const Xapian::DatabaseOpeningError& e) {
    throw DatabaseError(source + ": cannot open database: " + e.get_msg());
  } catch (const Xapian::Error& e) {
    fs::remove_all(temp, ec);
    throw std::runtime_error(temp.string() + ": writing the backup failed: " + e.get_description());
  }
}

// polsearch's and Xapian's checks on the copy; throws if it is not sound.
void verify_copy(const fs::path& temp, BackupReport& report) {
  CheckReport check = check_database(temp.string());
  if (!check.ok()) {
    std::error_code ec;
    fs::remove_all(temp, ec);
    throw std::runtime_error(temp.string() +
                             ": the copy failed its check: " + check.problems.front());
  }
  report.statements = check.statements;
  report.passages = check.passages;
}

}  // namespace

CommitGate::CommitGate(const std::string& db_path) {
  fd_ = open((fs::path(db_path) / "polsearch-backup.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC,
             0644);
}

CommitGate::~CommitGate() {
  if (fd_ >= 0) close(fd_);
}

void CommitGate::lock(bool exclusive) {
  if (fd_ < 0) return;
  struct flock request = {};
  request.l_type = exclusive ? F_WRLCK : F_RDLCK;
  request.l_whence = SEEK_SET;
  while (fcntl(fd_, F_OFD_SETLKW, &request) != 0 && errno == EINTR) {
  }
}

BackupReport backup_database(const std::string& source, const std::string& dest_text) {
  std::error_code ec;
  if (!fs::is_directory(source, ec))
    throw DatabaseError(source + ": no such database (nothing to back up)");
  const fs::path dest = without_trailing_slash(dest_text);
  require_free_destination(dest);
  remove_stale_siblings(dest.string(), {".polsearch-backup-"});  // of killed backups
  const fs::path temp = dest.string() + ".polsearch-backup-" + std::to_string(getpid());
  BackupReport report;
  while (!compact_once(source, temp, report)) {
    if (++report.attempts >= kMaxAttempts)
      throw std::runtime_error(source + ": the database changed under every one of " +
                               std::to_string(kMaxAttempts) + " backup attempts");
  }
  ++report.attempts;
  verify_copy(temp, report);
  // rename(2) onto a missing path or an empty folder: the backup appears whole.
  if (std::rename(temp.c_str(), dest.c_str()) != 0) {
    const int error = errno;
    fs::remove_all(temp, ec);
    throw std::runtime_error(dest.string() +
                             ": cannot put the backup in place: " + std::strerror(error));
  }
  return report;
}

int run_backup(const std::string& source, const std::string& dest, std::ostream& out) {
  try {
    BackupReport r = backup_database(source, dest);
    out << "indexer: backup: " << source << " revision " << r.revision << " -> " << dest << ": "
        << r.statements << " statements, " << r.passages << " passages, checked (" << r.attempts
        << (r.attempts == 1 ? " attempt" : " attempts") << ")\n";
    return kExitOk;
  } catch (const DatabaseError& e) {
    out << "indexer: backup: " << e.what() << '\n';
    return kExitDatabase;
  } catch (const std::exception& e) {
    out << "indexer: backup: " << e.what() << " (" << dest << " was not written)\n";
    return kExitFailed;
  }
}

}  // namespace polsearch
