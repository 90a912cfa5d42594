#include "database_create.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string_view>

#include <xapian.h>

#include "database.h"
#include "shards.h"

namespace polsearch {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCreateTag = ".polsearch-create-";
constexpr std::string_view kDiscardTag = ".polsearch-discard-";

// `path` without trailing slashes, so that siblings land beside it, not inside.
fs::path normalised(const std::string& path) {
  fs::path p = fs::path(path).lexically_normal();
  return p.has_filename() ? p : p.parent_path();
}

fs::path sibling(const fs::path& path, std::string_view tag, pid_t pid) {
  return fs::path(path.string() + std::string(tag) + std::to_string(pid));
}

std::string describe(const std::error_code& ec) { return ec.message(); }

enum class Found { Missing, EmptyFolder, Database, HalfCreated, OtherFolder, NotAFolder };

// What glass writes into a new database folder before its revision file (iamglass)
// exists, plus our lock owner file.
bool is_creation_file(const std::string& name) {
  return name == "flintlock" || name == "v.tmp" || name == "polsearch-indexer.pid" ||
         (name.size() > 6 && name.ends_with(".glass"));
}

Found inspect(const fs::path& path) {
  std::error_code ec;
  auto status = fs::symlink_status(path, ec);
  if (ec || status.type() == fs::file_type::not_found) return Found::Missing;
  if (!fs::is_directory(fs::status(path, ec))) return Found::NotAFolder;
  if (fs::exists(path / "iamglass", ec)) return Found::Database;
  bool empty = true, leftovers_only = true;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    empty = false;
    if (!is_creation_file(entry.path().filename().string())) leftovers_only = false;
  }
  if (ec) throw DatabaseError(path.string() + ": cannot read the database folder: " + describe(ec));
  if (empty) return Found::EmptyFolder;
  return leftovers_only ? Found::HalfCreated : Found::OtherFolder;
}

bool process_alive(pid_t pid) { return kill(pid, 0) == 0 || errno == EPERM; }

}  // namespace

void remove_stale_siblings(const std::string& path_text,
                           std::initializer_list<std::string_view> tags) {
  const fs::path path = normalised(path_text);
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const std::string base = path.filename().string();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    for (std::string_view tag : tags) {
      const std::string prefix = base + std::string(tag);
      if (!name.starts_with(prefix) || name.size() == prefix.size()) continue;
      const std::string digits = name.substr(prefix.size());
      if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9)
        continue;
      const pid_t pid = static_cast<pid_t>(std::stol(digits));
      std::error_code ignored;
      if (pid == getpid() || !process_alive(pid)) fs::remove_all(entry.path(), ignored);
    }
  }
}

namespace {

// Makes a rename durable: the directory entry reaches the disk.
void sync_folder(const fs::path& folder) {
  int fd = open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}

// A whole empty database (metadata committed) in a temporary sibling of `path`.
fs::path build_in_temporary_folder(const fs::path& path, const Schema& schema) {
  const fs::path temp = sibling(path, kCreateTag, getpid());
  try {
    Xapian::WritableDatabase db(temp.string(), Xapian::DB_CREATE_OR_OVERWRITE);
    record_schema(db, schema);
    db.commit();
    db.close();
  } catch (const Xapian::Error& e) {
    std::error_code ignored;
    fs::remove_all(temp, ignored);
    throw DatabaseError(
        path.string() + ": cannot create database: " + e.get_msg() +
        (e.get_error_string() ? std::string(" (") + e.get_error_string() + ")" : std::string()));
  }
  sync_folder(temp);
  return temp;
}

// Puts the new database in place: rename(2) onto a missing path or an empty folder
// is atomic. If another indexer's database got there first, ours is dropped.
void install(const fs::path& temp, const fs::path& path) {
  std::error_code ignored;
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    fs::remove_all(temp, ignored);
    if ((error == ENOTEMPTY || error == EEXIST) &&
        (inspect(path) == Found::Database || is_sharded_folder(path.string())))
      return;
    throw DatabaseError(path.string() +
                        ": cannot put the new database in place: " + std::strerror(error));
  }
  sync_folder(path.parent_path());
}

// Moves a half-created folder out of the way, unless a running indexer holds its
// lock. Returns false if it does.
bool discard_half_created(const fs::path& path) {
  // An open file description lock (F_OFD_SETLK) conflicts with Xapian's lock, whether
  // that is a classic fcntl lock or an OFD lock, and is ours until we close the file.
  int fd = open((path / "flintlock").c_str(), O_RDWR | O_CLOEXEC);
  if (fd >= 0) {
    struct flock lock = {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    if (fcntl(fd, F_OFD_SETLK, &lock) != 0) {
      close(fd);
      return false;
    }
  }
  const fs::path aside = sibling(path, kDiscardTag, getpid());
  std::error_code ec;
  fs::remove_all(aside, ec);
  const bool moved = std::rename(path.c_str(), aside.c_str()) == 0;
  const int error = errno;
  if (fd >= 0) close(fd);
  if (!moved && error != ENOENT)  // ENOENT: another indexer moved it first
    throw DatabaseError(path.string() +
                        ": cannot move a half-created database aside: " + std::strerror(error));
  fs::remove_all(aside, ec);
  return true;
}

}  // namespace

bool create_database_if_missing(const std::string& path_text, const Schema& schema) {
  const fs::path path = normalised(path_text);
  remove_stale_siblings(path_text, {kCreateTag, kDiscardTag});
  switch (inspect(path)) {
    case Found::Database:
      return true;
    case Found::NotAFolder:
      throw DatabaseError(path_text + ": exists and is not a database folder");
    case Found::OtherFolder:
      throw DatabaseError(path_text +
                          ": the folder holds other files and no database; give a new or empty "
                          "folder to --db");
    case Found::HalfCreated:
      if (!discard_half_created(path)) return false;
      break;
    case Found::Missing:
    case Found::EmptyFolder:
      break;
  }
  install(build_in_temporary_folder(path, schema), path);
  return true;
}

}  // namespace polsearch

namespace polsearch {

void record_shard(Xapian::WritableDatabase& db, unsigned k, unsigned n, const std::string& set_id) {
  db.set_metadata(std::string(kMetaShard),
                  k < n ? std::to_string(k) + "/" + std::to_string(n) : "aux/" + std::to_string(n));
  db.set_metadata(std::string(kMetaShardSet), set_id);
}

namespace {

std::string random_set_id() {
  std::random_device device;
  std::uniform_int_distribution<uint64_t> any;
  char text[17];
  snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(any(device)));
  return text;
}

void create_empty(const fs::path& path, const Schema& schema, unsigned k, unsigned n,
                  const std::string& set_id) {
  Xapian::WritableDatabase db(path.string(), Xapian::DB_CREATE_OR_OVERWRITE);
  record_schema(db, schema);
  record_shard(db, k, n, set_id);
  db.commit();
  db.close();
}

fs::path build_sharded_in_temporary_folder(const fs::path& path, const Schema& schema,
                                           unsigned shards) {
  const fs::path temp = sibling(path, kCreateTag, getpid());
  std::error_code ignored;
  fs::remove_all(temp, ignored);
  try {
    fs::create_directories(temp);
    const std::string set_id = random_set_id();
    std::ofstream stub(temp / kStubFile);
    stub << "# polsearch sharded database: " << shards
         << " shards; statement id -> shard fnv1a64(id) % " << shards << "\n";
    for (unsigned k = 0; k < shards; ++k) {
      create_empty(temp / shard_folder(k), schema, k, shards, set_id);
      stub << "auto " << shard_folder(k) << "\n";
    }
    create_empty(temp / kAuxFolder, schema, shards, shards, set_id);
    stub.close();
    if (!stub) throw DatabaseError(path.string() + ": cannot write the stub file");
  } catch (const Xapian::Error& e) {
    fs::remove_all(temp, ignored);
    throw DatabaseError(path.string() + ": cannot create sharded database: " + e.get_msg());
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(temp, ignored);
    throw DatabaseError(path.string() + ": cannot create sharded database: " + e.what());
  }
  sync_folder(temp);
  return temp;
}

}  // namespace

bool create_sharded_database_if_missing(const std::string& path_text, const Schema& schema,
                                        unsigned shards) {
  const fs::path path = normalised(path_text);
  remove_stale_siblings(path_text, {kCreateTag, kDiscardTag});
  if (is_sharded_folder(path.string())) return false;
  switch (inspect(path)) {
    case Found::Database:
      return false;
    case Found::NotAFolder:
      throw DatabaseError(path_text + ": exists and is not a database folder");
    case Found::OtherFolder:
    case Found::HalfCreated:
      throw DatabaseError(path_text +
                          ": the folder holds other files and no database; give a new or empty "
                          "folder to --db");
    case Found::Missing:
    case Found::EmptyFolder:
      break;
  }
  install(build_sharded_in_temporary_folder(path, schema, shards), path);
  return true;
}

}  // namespace polsearch
