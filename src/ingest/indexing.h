// Turning statements into Xapian documents and writing them in byte-sized,
// atomically committed batches.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <xapian.h>

#include "analyzer.h"
#include "input.h"
#include "passages.h"
#include "schema.h"

namespace polsearch {

// A statement that cannot be indexed (no id or text, an id too long, no passages): the
// indexer reports it with its file and line, skips it and indexes everything around it.
class RecordError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One statement as Xapian documents: a statement record (metadata, passage count)
// and one document per passage.
struct StatementDocuments {
  std::string id;
  Xapian::Document record;
  std::vector<Xapian::Document> passages;
  std::vector<Compound> compounds;  // hyphenated compounds seen, for the synonym table
  std::vector<std::string> warnings;
  bool paged = false;  // passages record page numbers (database format 2)
  std::unordered_map<std::string, uint32_t> spellings;  // body words for "did you mean"
};

// Words gathered for Xapian's spelling table, written once per batch (adding each
// occurrence separately would cost a table update per word).
class SpellingBatch {
 public:
  void add(const std::unordered_map<std::string, uint32_t>& words);
  void flush(Xapian::WritableDatabase& db);

 private:
  std::unordered_map<std::string, uint32_t> pending_;
};

// Builds documents from statements following the schema. Reuses its analyser and
// splitter across statements (they are expensive to create).
class DocumentBuilder {
 public:
  explicit DocumentBuilder(const Schema& schema);

  // Throws RecordError with a one-line reason if the statement cannot be indexed (no
  // text, id too long, ...).
  StatementDocuments build(const Statement& statement);

 private:
  void add_text_terms(Xapian::Document& doc, std::string_view text, const std::string& prefix,
                      unsigned weight, bool positional, bool index_acronyms,
                      uint32_t first_position);
  void add_passage_fields(Xapian::Document& doc, const Statement& statement);
  std::vector<Passage> split_passages(const std::string& text,
                                      const std::vector<uint64_t>& page_starts);
  void add_record_fields(Xapian::Document& doc, const Statement& statement);
  void check_language_and_date(const Statement& statement, std::vector<std::string>& warnings);
  void add_passage_documents(const Statement& statement, const std::string& text,
                             const std::vector<Passage>& passages, StatementDocuments& out);
  void build_record(const Statement& statement, const std::string& text, size_t passage_count,
                    StatementDocuments& out);

  const Schema& schema_;
  Analyzer analyzer_;
  PassageSplitter splitter_;
  std::vector<Token> tokens_;
  std::vector<Compound> compounds_;
};

struct IndexStats {
  uint64_t added = 0;     // statements new to the database
  uint64_t replaced = 0;  // statements that replaced an earlier version
  uint64_t skipped = 0;   // records reported and not indexed
  uint64_t deleted = 0;
  uint64_t passages = 0;
  uint64_t errors = 0;  // errors reported (bad records, unreadable files)
  uint64_t warnings = 0;
  uint64_t commits = 0;
  unsigned threads = 1;                            // writer threads (a parallel build: jobs)
  uint64_t bytes = 0;                              // statement text bytes indexed
  std::vector<std::string> files_skipped_by_type;  // in folders: .docx, .png, ... (not errors)
};

// The indexer's default --jobs: every core (at most 16) for this much input or more, one
// writer below it, where a parallel build's merge costs more than it saves and one
// writer keeps its batch-by-batch crash safety. Only a new database is built in
// parallel (IndexerOptions::jobs).
inline constexpr uint64_t kParallelFromBytes = 16ull << 20;
unsigned default_jobs(uint64_t input_bytes);

struct IndexerOptions {
  // Commit after this much statement text. Small batches are faster too: Xapian's
  // in-memory inverter slows down as it grows (measured: 2 MB ~1.6x faster than 32 MB).
  uint64_t commit_bytes = 2ull << 20;
  double wait_seconds = 0;
  // Parallel build of a new (empty) database: this many threads each write a shard,
  // merged by Xapian's compactor at the end. A crash then loses the whole run
  // (the database stays empty); 1 = one writer committing batch by batch.
  unsigned jobs = 1;
  // Xapian also flushes on its own every XAPIAN_FLUSH_THRESHOLD documents (10,000 by
  // default), which could commit half of a replaced statement; this high value leaves
  // every commit to us. 0 = keep Xapian's.
  uint64_t xapian_flush_threshold = 4000000000;
  // For a database that read replicas copy (xapian-replicate-server): keep this many
  // changesets, so that a replica catches up by changes instead of a full copy. Xapian
  // reads XAPIAN_MAX_CHANGESETS when a WritableDatabase opens; 0 = leave it as it is.
  unsigned max_changesets = 0;
  // A new sharded database (`indexer --shards N`): this many shards; 0 = not sharded, or
  // as the existing sharded database records.
  unsigned shards = 0;
  // Test hook: sleep this long in the middle of a parallel build's swap, so that a test
  // can show a waiting indexer never gets in (test/concurrency_test.cc).
  std::chrono::milliseconds swap_delay{0};
};

// Owns the writable database. Every commit is atomic: a crash loses at most the
// batch under way. Replacing a statement deletes all its old passages first, in
// the same batch, so a reader never sees old and new passages together.
class Indexer {
 public:
  // Opens or creates the database at `path`. A new database gets `schema`; an
  // existing one keeps the schema it records, and `schema_override` must be empty
  // or identical to it. Throws DatabaseError (locked, unreadable, schema mismatch).
  Indexer(const std::string& path, const Schema* schema_override, const IndexerOptions& options);
  ~Indexer();

  const Schema& schema() const { return schema_; }

  struct Callbacks {
    std::function<void(const SourceLocation&, const std::string&)> on_error;
    std::function<void(const SourceLocation&, const std::string&)> on_warning;
    std::function<void(const InputProgress&, const IndexStats&)> on_progress;
  };
  // Reads and indexes every input; commits at the end. Returns the stats so far.
  const IndexStats& index(const std::vector<std::string>& inputs, const Callbacks& callbacks);

  // Removes a statement and all its passages; false if it was not there.
  bool remove(const std::string& id);

  // Indexes one record read elsewhere (a sharded database routes records to each
  // shard's Indexer); commits when a batch is full.
  void add_record(InputRecord&& record, const Callbacks& callbacks) {
    add(std::move(record), callbacks);
  }

  void commit();
  const IndexStats& stats() const { return stats_; }

 private:
  struct Shard;
  // Where a built statement is written: the serial writer's database or a shard's.
  struct Sink {
    Xapian::WritableDatabase& db;
    std::unordered_set<std::string>& compounds;
    SpellingBatch& spelling;
    IndexStats& stats;
    uint64_t& uncommitted;  // statement bytes since the last commit
  };
  void add(InputRecord&& record, const Callbacks& callbacks);
  void report_input_problem(const InputError& e, const Callbacks& callbacks);
  // The ingest step both paths share: writes the statement (replacing an earlier
  // version) and counts it.
  void write_counted(const InputRecord& record, const StatementDocuments& docs, Sink& sink);
  void begin_batch();
  bool report_build(const InputRecord& record, StatementDocuments& docs, DocumentBuilder& builder,
                    IndexStats& stats, const Callbacks& callbacks);
  void note_duplicate(const InputRecord& record, const Callbacks& callbacks);
  void index_parallel(const std::vector<std::string>& inputs, const Callbacks& callbacks);
  std::vector<std::unique_ptr<Shard>> open_shards(const std::string& shards_dir);
  void feed_shards(const std::vector<std::string>& inputs,
                   std::vector<std::unique_ptr<Shard>>& shards, const Callbacks& callbacks);
  void swap_in_merged(std::vector<std::unique_ptr<Shard>>& shards);
  void start_shard(Shard& shard, const Callbacks& callbacks);  // its worker thread

  std::string path_;
  Xapian::WritableDatabase db_;
  Schema schema_;
  IndexerOptions options_;
  std::unique_ptr<DocumentBuilder> builder_;
  IndexStats stats_;
  uint64_t uncommitted_bytes_ = 0;
  bool dirty_ = false;           // a batch (Xapian transaction) is open
  bool parallel_built_ = false;  // db_ is the swapped-in merged database: read only from here
  std::unordered_map<std::string, SourceLocation> seen_ids_;  // this run, for duplicate reports
  std::unordered_set<std::string> known_compounds_;
  SpellingBatch spelling_;
  std::mutex report_mutex_;  // callbacks and shared counters, when shards run in threads
  std::atomic<uint64_t> parallel_passages_{0};
};

}  // namespace polsearch
