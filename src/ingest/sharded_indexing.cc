#include "sharded_indexing.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "database.h"
#include "database_create.h"
#include "record_queue.h"
#include "shards.h"
#include "terms.h"
#include "utf8.h"

namespace polsearch {

namespace fs = std::filesystem;

namespace {

unsigned recorded_shard_count(const std::string& path) {
  StubFile stub = read_stub(path);
  for (const ShardSpec& s : stub.shards)
    if (s.remote())
      throw DatabaseError(path +
                          ": the stub lists remote shards; index into the shard folders "
                          "on their own machines");
  return static_cast<unsigned>(stub.shards.size());
}

void add_stats(IndexStats& to, const IndexStats& from) {
  for (auto field : {&IndexStats::added, &IndexStats::replaced, &IndexStats::skipped,
                     &IndexStats::deleted, &IndexStats::passages, &IndexStats::errors,
                     &IndexStats::warnings, &IndexStats::commits, &IndexStats::bytes})
    to.*field += from.*field;
  to.files_skipped_by_type.insert(to.files_skipped_by_type.end(),
                                  from.files_skipped_by_type.begin(),
                                  from.files_skipped_by_type.end());
}

}  // namespace

ShardedIndexer::ShardedIndexer(const std::string& path, const Schema* schema_override,
                               const IndexerOptions& options)
    : path_(path) {
  const Schema& schema = schema_override ? *schema_override : Schema::builtin();
  if (options.shards > 0) create_sharded_database_if_missing(path, schema, options.shards);
  if (!is_sharded_folder(path))
    throw DatabaseError(path + ": not a sharded database (no " + std::string(kStubFile) +
                        "); --shards creates a new one in a new or empty folder");
  unsigned n = recorded_shard_count(path);
  if (options.shards > 0 && options.shards != n)
    throw DatabaseError(path + ": the database has " + std::to_string(n) +
                        " shards, not --shards " + std::to_string(options.shards) +
                        " (statements are placed by shard count: index into a new folder to "
                        "change it)");
  IndexerOptions shard_options = options;
  shard_options.jobs = 1;  // one writer per shard; the shards are the parallelism
  // Shards are opened in order, so two sharded indexers never hold each other's locks.
  for (unsigned k = 0; k < n; ++k) {
    const std::string shard = (fs::path(path) / shard_folder(k)).string();
    shards_.push_back(std::make_unique<Indexer>(shard, schema_override, shard_options));
  }
}

ShardedIndexer::~ShardedIndexer() = default;

// One shard's writer thread.
struct ShardedIndexer::Worker {
  // A constructor, not aggregate initialisation from parentheses: clang 14 (the fuzz
  // build) does not have C++20's parenthesised aggregate initialisation.
  explicit Worker(Indexer& shard_indexer) : indexer(shard_indexer) {}

  Indexer& indexer;
  RecordQueue queue;

  void start(const Indexer::Callbacks& callbacks) {
    queue.start([this, &callbacks](
                    InputRecord&& record) { indexer.add_record(std::move(record), callbacks); },
                [this] { indexer.commit(); });
  }
};

void ShardedIndexer::feed(const std::vector<std::string>& inputs,
                          const Indexer::Callbacks& callbacks) {
  // Shards report from their threads: one report at a time.
  std::mutex report;
  Indexer::Callbacks serialised;
  if (callbacks.on_error)
    serialised.on_error = [&](const SourceLocation& where, const std::string& message) {
      std::lock_guard<std::mutex> lock(report);
      callbacks.on_error(where, message);
    };
  if (callbacks.on_warning)
    serialised.on_warning = [&](const SourceLocation& where, const std::string& message) {
      std::lock_guard<std::mutex> lock(report);
      callbacks.on_warning(where, message);
    };
  std::vector<std::unique_ptr<Worker>> workers;
  for (auto& shard : shards_) workers.push_back(std::make_unique<Worker>(*shard));
  for (auto& w : workers) w->start(serialised);
  const Schema& schema = shards_.front()->schema();
  const std::string id_field = schema.role(FieldRole::Id).name;
  uint64_t routed = 0;
  InputCallbacks input;
  input.on_record = [&](InputRecord&& record) {
    std::string id(utf8::trim(record.statement.value(id_field)));
    ++routed;
    workers[shard_of(id, shard_count())]->queue.push(std::move(record));
  };
  input.on_error = [&](const InputError& e) {
    std::lock_guard<std::mutex> lock(report);
    ++input_stats_.errors;
    if (!e.fatal_for_file) ++input_stats_.skipped;
    if (callbacks.on_error) callbacks.on_error(e.where, e.message);
  };
  input.on_skipped_file = [&](const std::string& f) {
    input_stats_.files_skipped_by_type.push_back(f);
  };
  input.on_progress = [&](const InputProgress& p) {
    if (!callbacks.on_progress) return;
    IndexStats snapshot = input_stats_;
    snapshot.added = routed;
    std::lock_guard<std::mutex> lock(report);
    callbacks.on_progress(p, snapshot);
  };
  try {
    read_inputs(inputs, schema.input_options(), input);
  } catch (...) {
    for (auto& w : workers) w->queue.close_and_join();
    throw;
  }
  for (auto& w : workers) w->queue.close_and_join();
  for (auto& w : workers)
    if (w->queue.failure()) std::rethrow_exception(w->queue.failure());
}

const IndexStats& ShardedIndexer::index(const std::vector<std::string>& inputs,
                                        const Indexer::Callbacks& callbacks) {
  feed(inputs, callbacks);
  rebuild_aux();
  return stats();
}

bool ShardedIndexer::remove(const std::string& id) {
  return shards_[shard_of(id, shard_count())]->remove(id);
}

void ShardedIndexer::commit() {
  for (auto& shard : shards_) shard->commit();
  rebuild_aux();
}

const IndexStats& ShardedIndexer::stats() {
  stats_ = input_stats_;
  for (auto& shard : shards_) add_stats(stats_, shard->stats());
  return stats_;
}

void ShardedIndexer::rebuild_aux() {
  // Spelling frequencies are sums and synonyms a set, so merging the shards' tables
  // gives what one database holding every statement would have.
  const fs::path aux = fs::path(path_) / kAuxFolder;
  const fs::path built = aux.string() + ".polsearch-new-" + std::to_string(getpid());
  std::error_code ec;
  fs::remove_all(built, ec);
  {
    Xapian::WritableDatabase out(built.string(), Xapian::DB_CREATE_OR_OVERWRITE);
    const unsigned n = shard_count();
    for (unsigned k = 0; k < n; ++k) {
      Xapian::Database shard((fs::path(path_) / shard_folder(k)).string());
      if (k == 0) {
        record_schema(out, shards_.front()->schema());
        record_shard(out, n, n, shard.get_metadata(std::string(kMetaShardSet)));
      }
      for (auto it = shard.spellings_begin(); it != shard.spellings_end(); ++it)
        out.add_spelling(*it, it.get_termfreq());
      for (auto key = shard.synonym_keys_begin(); key != shard.synonym_keys_end(); ++key)
        for (auto s = shard.synonyms_begin(*key); s != shard.synonyms_end(*key); ++s)
          out.add_synonym(*key, *s);
    }
    out.commit();
  }
  // Swapped in whole: a searcher that has the old one open keeps reading it.
  if (renameat2(AT_FDCWD, built.c_str(), AT_FDCWD, aux.c_str(), RENAME_EXCHANGE) != 0 &&
      std::rename(built.c_str(), aux.c_str()) != 0)
    throw DatabaseError(aux.string() + ": cannot put the rebuilt auxiliary database in place: " +
                        std::strerror(errno));
  fs::remove_all(built, ec);
}

}  // namespace polsearch
