// Writing a sharded database (src/model/shards.h): `indexer --db DIR --shards N`.
// Each statement goes to shard fnv1a64(id) % N, so a later run replaces or deletes it
// in the same shard. One Indexer (one writer, its own lock and batches) per shard, each
// fed by its own thread; the input is read once. After each commit the auxiliary
// database (merged spelling table and compound synonyms) is rebuilt and swapped in.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "indexing.h"

namespace polsearch {

class ShardedIndexer {
 public:
  // Opens the sharded database at `path`, creating it with options.shards shards if
  // missing. Throws DatabaseError: `path` is a database that is not sharded, or has
  // another number of shards than options.shards (when given), or a shard is locked.
  ShardedIndexer(const std::string& path, const Schema* schema_override,
                 const IndexerOptions& options);
  ~ShardedIndexer();

  const IndexStats& index(const std::vector<std::string>& inputs,
                          const Indexer::Callbacks& callbacks);
  bool remove(const std::string& id);
  void commit();  // every shard, then the auxiliary database
  const IndexStats& stats();
  unsigned shard_count() const { return static_cast<unsigned>(shards_.size()); }

 private:
  struct Worker;
  void feed(const std::vector<std::string>& inputs, const Indexer::Callbacks& callbacks);
  void rebuild_aux();

  std::string path_;
  std::vector<std::unique_ptr<Indexer>> shards_;
  IndexStats stats_, input_stats_;
  std::string set_id_;
};

}  // namespace polsearch
