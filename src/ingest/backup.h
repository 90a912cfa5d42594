// Online backup: a compacted, checked copy of a database's last commit, taken while
// searchers read and an indexer writes (`indexer --backup DEST --db DIR`).
#pragma once

#include <ostream>
#include <string>

namespace polsearch {

struct BackupReport {
  unsigned long long revision = 0;  // the commit copied
  unsigned long long statements = 0;
  unsigned long long passages = 0;
  unsigned attempts = 0;  // copies started (the indexer's commits can spoil one)
};

// Keeps the indexer's commits and a backup apart. Xapian keeps a revision readable
// across one commit by the writer, not two, so a backup of a large database could
// otherwise be overtaken again and again. A backup holds a shared lock on
// DB/polsearch-backup.lock while it copies; each commit takes it exclusively, so a
// commit waits for a backup under way and a backup waits for a commit under way.
// (OFD locks: released when the file is closed or the process dies, never stale.)
class CommitGate {
 public:
  // A gate whose lock file cannot be opened (a read-only folder) never waits.
  explicit CommitGate(const std::string& db_path);
  ~CommitGate();
  CommitGate(const CommitGate&) = delete;
  CommitGate& operator=(const CommitGate&) = delete;
  void hold_for_backup() { lock(false); }
  void hold_for_commit() { lock(true); }

 private:
  void lock(bool exclusive);
  int fd_ = -1;
};

// Copies the last commit of the database at `source` into the new folder `dest`
// with Xapian's compactor, from a read-only handle (so it takes no lock and reads one
// revision), starting again if the indexer's commits overtake it. The copy is checked
// (Xapian's check and polsearch's, as `indexer --check`) in a temporary sibling of
// `dest` and renamed into place only if sound, so `dest` is whole or absent.
// Throws DatabaseError (source missing or not a polsearch database, `dest` exists and
// is not empty) or std::runtime_error (I/O error, copy failed its check), each naming
// the path and the cause.
BackupReport backup_database(const std::string& source, const std::string& dest);

// The `indexer --backup` command: runs the backup, prints a summary or the error to
// `out`, returns the exit status (0, kExitDatabase or kExitFailed).
int run_backup(const std::string& source, const std::string& dest, std::ostream& out);

}  // namespace polsearch
