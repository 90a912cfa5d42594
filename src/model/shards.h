// Sharded databases: which shard a statement belongs to, the Xapian stub file that
// lists the shards, and opening the shards (local or remote) for searching.
//
// A sharded database folder DIR holds shard0 .. shard{N-1} (each a whole polsearch
// database recording "shard K of N"), `aux` (a small database with the merged spelling
// table, the compound synonyms and the schema, which Xapian cannot serve over its
// remote backend) and the stub file DIR/XAPIANDB (`auto shardK` lines), so that any
// Xapian tool opens the whole. A stub written by hand may list remote shards
// (`remote HOST:PORT`, `remote :PROGRAM ARGS`); its auxiliary database is named by a
// comment line `# polsearch-aux PATH` (Xapian skips comments) or is `aux` beside it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "database.h"

namespace polsearch {

// FNV-1a, 64 bits, over the id's UTF-8 bytes: stable across builds and platforms
// (std::hash is neither). A statement lives in shard fnv1a64(id) % N.
uint64_t fnv1a64(std::string_view bytes);
unsigned shard_of(std::string_view id, unsigned shards);

inline constexpr std::string_view kStubFile = "XAPIANDB";
inline constexpr std::string_view kAuxFolder = "aux";
std::string shard_folder(unsigned k);  // "shard3"

// Metadata every shard (and the aux database) records: "K/N" and the set's random id,
// so that shards of different sets are never searched together.
inline constexpr std::string_view kMetaShard = "polsearch:shard";
inline constexpr std::string_view kMetaShardSet = "polsearch:shard-set";

// A shard or the set is unusable: down, hung, mixed. The message names the shard.
class ShardError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

// One line of a stub file.
struct ShardSpec {
  enum class Kind { Local, Tcp, Program } kind = Kind::Local;
  std::string path;  // Local: resolved against the stub's folder
  std::string host;  // Tcp
  unsigned port = 0;
  std::string program, args;  // Program
  std::string line;           // as written, for messages
  unsigned line_number = 0;
  bool remote() const { return kind != Kind::Local; }
};

struct StubFile {
  std::string path;  // the stub file itself
  std::vector<ShardSpec> shards;
  std::string aux;  // the auxiliary database's folder, "" if none
};

// True for a stub file, or a folder holding one (a sharded database).
bool is_stub(const std::string& path);
// True for a folder holding a stub file: what `indexer --shards` writes.
bool is_sharded_folder(const std::string& path);
// Reads a stub (a file, or a folder's XAPIANDB). Throws ShardError naming the file and
// line for a line it cannot read.
StubFile read_stub(const std::string& path);

struct ShardOptions {
  unsigned connect_timeout_ms = 5000;  // remote shards: connecting
  unsigned timeout_ms = 10000;         // remote shards: waiting for an answer
  bool partial = false;                // answer from the shards that respond
};

// The shards of a stub, opened one by one so that each gets explicit timeouts and a
// failure names its shard; combined into one Xapian::Database for searching.
class ShardSet {
 public:
  ShardSet(StubFile stub, const ShardOptions& options);

  // Opens every shard (again: a remote connection that failed is dead for good) and
  // checks that they form one set. With options.partial, shards that cannot be opened
  // are left out and listed by missing(); else the first one throws ShardError.
  Xapian::Database open();
  // The shards that fail a round trip now (their names), each probed with keep_alive.
  std::vector<std::string> probe_failures();
  // Leaves these shards out of the next open() (partial answers).
  void exclude(const std::vector<std::string>& names);
  // True when shards are missing and the last open() is `after` old: time to try them
  // again (a long-lived searcher must not leave a shard out for good). Clears the
  // exclusions when it says so.
  bool retry_missing(std::chrono::seconds after);

  const std::vector<std::string>& missing() const { return missing_; }
  size_t size() const { return stub_.shards.size(); }
  bool partial() const { return options_.partial; }
  bool has_remote() const;
  const Schema& schema() const { return schema_; }
  // The auxiliary database (spelling, compound synonyms), or nullptr.
  const Xapian::Database* aux() const { return has_aux_ ? &aux_ : nullptr; }
  // Its folder ("" if none): learned wordings are kept there for the whole set.
  const std::string& aux_path() const { return stub_.aux; }
  std::string name(size_t i) const;  // "shard 2 (remote 127.0.0.1:9001, XAPIANDB:3)"

 private:
  Xapian::Database open_one(const ShardSpec& spec) const;
  void check_set(const std::vector<std::pair<size_t, Xapian::Database>>& opened);

  StubFile stub_;
  ShardOptions options_;
  std::vector<Xapian::Database> open_;  // by shard index; empty handle if not open
  std::vector<std::string> missing_, excluded_;
  std::chrono::steady_clock::time_point opened_at_;
  Schema schema_;
  Xapian::Database aux_;
  bool has_aux_ = false;
};

}  // namespace polsearch
