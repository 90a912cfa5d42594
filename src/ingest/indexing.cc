#include "indexing.h"

#include <fcntl.h>  // AT_FDCWD for renameat2
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>  // renameat2, RENAME_EXCHANGE (glibc, _GNU_SOURCE)
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "backup.h"
#include "database.h"
#include "database_create.h"
#include "record_queue.h"
#include "schema_diff.h"
#include "terms.h"

namespace polsearch {

namespace {

using terms::kMaxTermBytes;
constexpr size_t kMaxIdBytes = 200;

std::string trim(std::string_view s) { return std::string(utf8::trim(s)); }

// Xapian's lock (fcntl, released when its holder dies, so never stale) does not
// say who holds it; this file beside it does, for the "locked by" message.
constexpr const char* kLockOwnerFile = "polsearch-indexer.pid";

std::string read_lock_owner(const std::string& path) {
  std::ifstream in(std::filesystem::path(path) / kLockOwnerFile);
  std::string pid;
  std::getline(in, pid);
  return pid.find_first_not_of("0123456789") == std::string::npos ? pid : "";
}

void write_lock_owner(const std::string& path) {
  std::ofstream out(std::filesystem::path(path) / kLockOwnerFile, std::ios::trunc);
  out << getpid() << '\n';
}

// Only our own commits may flush. Xapian 1.4 has no API for its automatic flush: it reads
// XAPIAN_FLUSH_THRESHOLD from the environment when a WritableDatabase opens, so the
// option is handed over there, once per Indexer and before any database is opened.
void apply_flush_threshold(uint64_t threshold) {
  if (threshold > 0) setenv("XAPIAN_FLUSH_THRESHOLD", std::to_string(threshold).c_str(), 1);
}

// Candidates for spelling suggestions: words of letters only, neither tiny nor
// absurdly long (numbers, references and OCR debris are no help there).
bool worth_spelling(const std::string& form) {
  if (form.size() < 3 || form.size() > 40) return false;
  for (unsigned char c : form)
    if (c < 0x80 && !std::isalpha(c)) return false;
  return true;
}

}  // namespace

void SpellingBatch::add(const std::unordered_map<std::string, uint32_t>& words) {
  for (auto& [word, count] : words) pending_[word] += count;
}

void SpellingBatch::flush(Xapian::WritableDatabase& db) {
  for (auto& [word, count] : pending_) db.add_spelling(word, count);
  pending_.clear();
}

DocumentBuilder::DocumentBuilder(const Schema& schema)
    : schema_(schema),
      analyzer_(AnalyzerOptions{schema.default_language}),
      splitter_(schema.passages) {}

void DocumentBuilder::add_text_terms(Xapian::Document& doc, std::string_view text,
                                     const std::string& prefix, unsigned weight, bool positional,
                                     bool index_acronyms, uint32_t first_position) {
  tokens_.clear();
  compounds_.clear();
  analyzer_.analyze(text, tokens_, &compounds_, first_position);
  const std::string stem_prefix = std::string(terms::kStem) + prefix;
  std::string term;
  for (const Token& t : tokens_) {
    term.assign(prefix).append(t.form);
    if (positional)
      doc.add_posting(term, t.position + 1, weight);  // Xapian positions start at 1
    else
      doc.add_term(term, weight);
    const std::string& stem = analyzer_.stem(t.form);
    if (!stem.empty()) {
      term.assign(stem_prefix).append(stem);
      doc.add_term(term, weight);
    }
    if (index_acronyms && (t.dotted_acronym || t.all_caps)) {
      term.assign(terms::kAcronym).append(t.form);
      doc.add_posting(term, t.position + 1, 0);
    }
  }
  for (const Compound& c : compounds_) {
    // The joined form sits at the first part's position, so "ceasefire" finds
    // "cease-fire"; the parts keep their own positions for phrases.
    if (c.joined.size() + prefix.size() > kMaxTermBytes) continue;
    term.assign(prefix).append(c.joined);
    if (positional)
      doc.add_posting(term, c.first_position + 1, weight);
    else
      doc.add_term(term, weight);
    const std::string& stem = analyzer_.stem(c.joined);
    if (!stem.empty()) {
      term.assign(stem_prefix).append(stem);
      doc.add_term(term, weight);
    }
  }
}

void DocumentBuilder::add_passage_fields(Xapian::Document& doc, const Statement& statement) {
  // Only what matching and facets need per passage: filter terms and values.
  // Analysed metadata text (title, speaker) lives on the statement record, once per
  // statement instead of once per passage.
  for (const FieldSpec& f : schema_.fields) {
    if (f.role == FieldRole::Body) continue;
    const std::string* raw = statement.get(f.name);
    if (!raw) continue;
    std::string value = trim(*raw);
    if (value.empty()) continue;
    if (f.role == FieldRole::Date) {
      if (auto date = normalise_date(value)) {
        if (f.value_slot >= 0) doc.add_value(f.value_slot, *date);
        if (f.year_slot >= 0) doc.add_value(f.year_slot, date->substr(0, 4));
      }
      continue;
    }
    if (f.filter_prefix) doc.add_boolean_term(terms::filter_term(f, value));
    if (f.value_slot >= 0) doc.add_value(f.value_slot, value);
    // Fields searched by default (a BEIR title) count as passage words, placed
    // far past the body's positions so phrases never straddle the two.
    if (f.text_prefix && f.default_search)
      add_text_terms(doc, value, "", f.weight, false, false, 1000000);
  }
}

void DocumentBuilder::add_record_fields(Xapian::Document& doc, const Statement& statement) {
  for (const FieldSpec& f : schema_.fields) {
    if (f.role == FieldRole::Body || !f.text_prefix) continue;
    const std::string* raw = statement.get(f.name);
    if (!raw) continue;
    std::string value = trim(*raw);
    if (!value.empty()) add_text_terms(doc, value, *f.text_prefix, f.weight, true, false, 0);
  }
}

// A paged text is split page by page, so that no passage straddles two pages and each
// shows the page it is on (a paragraph running over a page break becomes two passages).
std::vector<Passage> DocumentBuilder::split_passages(const std::string& text,
                                                     const std::vector<uint64_t>& page_starts) {
  if (page_starts.empty()) return splitter_.split(text);
  std::vector<Passage> out;
  for (size_t i = 0; i < page_starts.size(); ++i) {
    uint64_t start = std::min<uint64_t>(page_starts[i], text.size());
    uint64_t end = i + 1 < page_starts.size() ? page_starts[i + 1] : text.size();
    if (end <= start) continue;
    for (Passage p : splitter_.split(std::string_view(text).substr(start, end - start))) {
      p.ordinal = static_cast<uint32_t>(out.size());
      p.start += static_cast<uint32_t>(start);
      p.end += static_cast<uint32_t>(start);
      out.push_back(p);
    }
  }
  return out;
}

// Sets the analyser's language and warns (without refusing the statement) about a
// language with no stemmer or a date in no known form.
void DocumentBuilder::check_language_and_date(const Statement& statement,
                                              std::vector<std::string>& warnings) {
  std::string language = schema_.default_language;
  if (auto* lang_field = schema_.find_role(FieldRole::Language)) {
    std::string lang = trim(statement.value(lang_field->name));
    if (!lang.empty()) language = lang;
  }
  if (!analyzer_.set_language(language))
    warnings.push_back("no stemmer for language '" + language + "'; words are indexed unstemmed");
  if (auto* date_field = schema_.find_role(FieldRole::Date)) {
    std::string date = trim(statement.value(date_field->name));
    if (!date.empty() && !normalise_date(date))
      warnings.push_back("date '" + date +
                         "' is not YYYY, YYYY-MM or YYYY-MM-DD; indexed without a date");
  }
}

// One Xapian document per passage: its words, the statement's filter terms and values,
// and the passage's offsets and text as document data.
void DocumentBuilder::add_passage_documents(const Statement& statement, const std::string& text,
                                            const std::vector<Passage>& passages,
                                            StatementDocuments& out) {
  const FieldSpec& id_field = schema_.role(FieldRole::Id);
  const FieldSpec& body_field = schema_.role(FieldRole::Body);
  const std::vector<uint64_t>& pages = statement.page_starts;
  const std::string membership = terms::membership_term(schema_, out.id);
  uint64_t chars_before = 0;
  size_t bytes_counted = 0;
  for (const Passage& p : passages) {
    // Statement-level terms and values go on every passage. (Xapian::Document is a
    // shared handle, so a template copied by assignment would alias one document.)
    Xapian::Document doc;
    add_passage_fields(doc, statement);
    doc.add_boolean_term(membership);
    doc.add_value(id_field.value_slot, out.id);
    std::string_view passage_text(text.data() + p.start, p.end - p.start);
    add_text_terms(doc, passage_text, "", body_field.weight, true, true, 0);
    for (const Token& t : tokens_)
      if (worth_spelling(t.form)) ++out.spellings[t.form];
    for (auto& c : compounds_) out.compounds.push_back(std::move(c));
    PassageData meta{p.ordinal, p.start, p.end, 0, 0, 0};
    if (!pages.empty())  // the page where the passage starts
      meta.page = static_cast<uint32_t>(std::upper_bound(pages.begin(), pages.end(), p.start) -
                                        pages.begin());
    // Character (code point) offsets for display; counted incrementally.
    chars_before +=
        count_code_points(std::string_view(text).substr(bytes_counted, p.start - bytes_counted));
    meta.char_start = chars_before;
    meta.char_end = chars_before + count_code_points(passage_text);
    chars_before = meta.char_end;
    bytes_counted = p.end;
    std::string data = encode_passage_data(meta);
    data.append(passage_text);
    doc.set_data(data);
    out.passages.push_back(std::move(doc));
  }
}

// The statement record: metadata for display and checks, no searchable words.
void DocumentBuilder::build_record(const Statement& statement, const std::string& text,
                                   size_t passage_count, StatementDocuments& out) {
  const std::vector<uint64_t>& pages = statement.page_starts;
  nlohmann::json record;
  for (const FieldSpec& f : schema_.fields) {
    if (!f.stored || f.role == FieldRole::Body) continue;
    if (const std::string* v = statement.get(f.name)) record[f.name] = trim(*v);
  }
  record["passages"] = passage_count;
  if (!pages.empty()) record["pages"] = pages.size();
  out.paged = !pages.empty();
  record["text_bytes"] = text.size();
  out.record.set_data(record.dump());
  out.record.add_boolean_term(terms::record_term(out.id));
  out.record.add_boolean_term(terms::membership_term(schema_, out.id));
  out.record.add_boolean_term(std::string(terms::kRecordType));
  out.record.add_value(schema_.role(FieldRole::Id).value_slot, out.id);
  add_record_fields(out.record, statement);
}

StatementDocuments DocumentBuilder::build(const Statement& statement) {
  StatementDocuments out;
  out.warnings = statement.warnings;
  const FieldSpec& id_field = schema_.role(FieldRole::Id);
  const FieldSpec& body_field = schema_.role(FieldRole::Body);
  out.id = trim(statement.value(id_field.name));
  if (out.id.empty()) throw RecordError("record has no \"" + id_field.name + "\"");
  if (out.id.size() > kMaxIdBytes)
    throw RecordError("id is longer than " + std::to_string(kMaxIdBytes) + " bytes");
  const std::string* text = statement.get(body_field.name);
  if (!text) throw RecordError("record has no \"" + body_field.name + "\"");
  check_language_and_date(statement, out.warnings);

  std::vector<Passage> passages = split_passages(*text, statement.page_starts);
  if (passages.empty()) throw RecordError("statement has no text");
  add_passage_documents(statement, *text, passages, out);
  build_record(statement, *text, passages.size(), out);
  return out;
}

Indexer::Indexer(const std::string& path, const Schema* schema_override,
                 const IndexerOptions& options)
    : path_(path), options_(options) {
  apply_flush_threshold(options.xapian_flush_threshold);
  if (options.max_changesets > 0)
    setenv("XAPIAN_MAX_CHANGESETS", std::to_string(options.max_changesets).c_str(), 1);
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int64_t>(options.wait_seconds * 1000));
  const Schema& new_schema = schema_override ? *schema_override : Schema::builtin();
  try {
    for (;;) {
      try {
        // A new database is created whole elsewhere and renamed into place, so this
        // never creates one in place (a kill then could leave it half-created).
        if (create_database_if_missing(path, new_schema)) {
          db_ = Xapian::WritableDatabase(path, Xapian::DB_OPEN);
          break;
        }
      } catch (const Xapian::DatabaseLockError&) {
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        std::string holder = read_lock_owner(path);
        throw DatabaseError(
            path + ": database is locked by another indexer" +
            (holder.empty() ? "" : " (pid " + holder + ")") +
            (options.wait_seconds > 0 ? "; gave up waiting" : "; use --wait to wait for it"));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    write_lock_owner(path);
  } catch (const Xapian::DatabaseOpeningError& e) {
    throw DatabaseError(path + ": cannot open or create database: " + e.get_msg());
  } catch (const Xapian::DatabaseCorruptError& e) {
    throw DatabaseError(path + ": database is corrupt: " + e.get_msg());
  } catch (const Xapian::DatabaseError& e) {
    throw DatabaseError(path + ": " + e.get_msg());
  }
  std::string recorded = db_.get_metadata(std::string(terms::kMetaSchema));
  if (recorded.empty()) {
    if (db_.get_doccount() != 0)
      throw DatabaseError(path + ": not a polsearch database (it has documents but no schema)");
    schema_ = schema_override ? *schema_override : Schema::builtin();
    begin_batch();
    record_schema(db_, schema_);
  } else {
    schema_ = schema_of(db_, path);
    if (schema_override && schema_override->toml != schema_.toml)
      throw DatabaseError(path + ": database was built with a different schema ('" + schema_.name +
                          "'; " + describe_schema_difference(schema_, *schema_override) +
                          "); index into a new database to change the schema");
  }
  builder_ = std::make_unique<DocumentBuilder>(schema_);
}

Indexer::~Indexer() {
  std::error_code ec;
  std::filesystem::remove(std::filesystem::path(path_) / kLockOwnerFile, ec);
  // A batch still open here belongs to a run that failed: discard it rather than
  // let the WritableDatabase destructor commit a half-written statement.
  try {
    if (dirty_) db_.cancel_transaction();
  } catch (...) {
  }
}

void Indexer::begin_batch() {
  if (dirty_) return;
  if (parallel_built_)  // see the end of index_parallel
    throw std::logic_error("Indexer: a parallel build is complete; open a new Indexer to write");
  db_.begin_transaction(true);
  dirty_ = true;
}

void Indexer::commit() {
  if (!dirty_) return;
  spelling_.flush(db_);
  CommitGate gate(path_);
  gate.hold_for_commit();    // a backup copying the last commit finishes first
  db_.commit_transaction();  // throws on I/O errors: better a loud stop than a silent loss
  dirty_ = false;
  ++stats_.commits;
  uncommitted_bytes_ = 0;
}

bool Indexer::remove(const std::string& id) {
  std::string membership = terms::membership_term(schema_, id);
  if (!db_.term_exists(membership)) return false;
  begin_batch();
  db_.delete_document(membership);
  ++stats_.deleted;
  return true;
}

bool Indexer::report_build(const InputRecord& record, StatementDocuments& docs,
                           DocumentBuilder& builder, IndexStats& stats,
                           const Callbacks& callbacks) {
  try {
    docs = builder.build(record.statement);
  } catch (const RecordError& e) {
    std::lock_guard<std::mutex> lock(report_mutex_);
    ++stats.skipped;
    ++stats.errors;
    if (callbacks.on_error) callbacks.on_error(record.where, e.what());
    return false;
  }
  if (!docs.warnings.empty()) {
    std::lock_guard<std::mutex> lock(report_mutex_);
    for (auto& w : docs.warnings) {
      ++stats.warnings;
      if (callbacks.on_warning) callbacks.on_warning(record.where, w);
    }
  }
  return true;
}

void Indexer::note_duplicate(const InputRecord& record, const Callbacks& callbacks) {
  std::string id = trim(record.statement.value(schema_.role(FieldRole::Id).name));
  auto [it, first_time] = seen_ids_.try_emplace(id, record.where);
  if (first_time) return;
  std::lock_guard<std::mutex> lock(report_mutex_);
  ++stats_.warnings;
  if (callbacks.on_warning)
    callbacks.on_warning(record.where, "id '" + id + "' was also read at " + it->second.str() +
                                           "; this record replaces it");
  it->second = record.where;
}

static bool write_statement(Xapian::WritableDatabase& db, const Schema& schema,
                            const StatementDocuments& docs,
                            std::unordered_set<std::string>& known_compounds) {
  std::string membership = terms::membership_term(schema, docs.id);
  // Deleting by the membership term removes every passage of the old version, so a
  // shorter new version leaves nothing stale behind.
  bool replaced = db.term_exists(membership);
  if (replaced) db.delete_document(membership);
  db.add_document(docs.record);
  for (auto& doc : docs.passages) db.add_document(doc);
  for (auto& c : docs.compounds) {
    if (known_compounds.insert(c.joined).second)
      db.add_synonym(std::string(terms::kCompoundKey) + c.joined, c.split);
  }
  return replaced;
}

void Indexer::write_counted(const InputRecord& record, const StatementDocuments& docs, Sink& sink) {
  ++(write_statement(sink.db, schema_, docs, sink.compounds) ? sink.stats.replaced
                                                             : sink.stats.added);
  sink.spelling.add(docs.spellings);
  // Page numbers need format 2: a database of format 1 that gets them says so, and
  // older programs then refuse it instead of misreading its passages.
  if (docs.paged)
    sink.db.set_metadata(std::string(terms::kMetaFormat), std::to_string(kDatabaseFormat));
  sink.stats.passages += docs.passages.size();
  const std::string* text = record.statement.get(schema_.role(FieldRole::Body).name);
  uint64_t bytes = text ? text->size() : 0;
  sink.stats.bytes += bytes;
  sink.uncommitted += bytes + 1;  // + 1: a batch of empty statements still ends
}

void Indexer::add(InputRecord&& record, const Callbacks& callbacks) {
  note_duplicate(record, callbacks);
  StatementDocuments docs;
  if (!report_build(record, docs, *builder_, stats_, callbacks)) return;
  begin_batch();
  Sink sink{db_, known_compounds_, spelling_, stats_, uncommitted_bytes_};
  write_counted(record, docs, sink);
  if (uncommitted_bytes_ >= options_.commit_bytes) commit();
}

// One worker of a parallel build: its own analyser and its own shard database.
struct Indexer::Shard {
  std::string path;
  Xapian::WritableDatabase db;
  std::unique_ptr<DocumentBuilder> builder;
  std::unordered_set<std::string> compounds;
  SpellingBatch spelling;
  IndexStats stats;
  uint64_t uncommitted = 0;
  RecordQueue queue;  // last: its thread stops before the rest goes
};

void Indexer::start_shard(Shard& shard, const Callbacks& callbacks) {
  auto handle = [this, &shard, &callbacks](InputRecord&& record) {
    StatementDocuments docs;
    if (!report_build(record, docs, *shard.builder, shard.stats, callbacks)) return;
    Sink sink{shard.db, shard.compounds, shard.spelling, shard.stats, shard.uncommitted};
    write_counted(record, docs, sink);
    parallel_passages_ += docs.passages.size();
    // Small batches keep Xapian's in-memory inverter small, which is faster.
    if (shard.uncommitted >= options_.commit_bytes) {
      shard.spelling.flush(shard.db);
      shard.db.commit();
      shard.uncommitted = 0;
    }
  };
  auto finish = [&shard] {
    shard.spelling.flush(shard.db);
    shard.db.commit();
  };
  shard.queue.start(handle, finish);
}

std::vector<std::unique_ptr<Indexer::Shard>> Indexer::open_shards(const std::string& shards_dir) {
  std::vector<std::unique_ptr<Shard>> shards;
  for (unsigned i = 0; i < options_.jobs; ++i) {
    auto shard = std::make_unique<Shard>();
    shard->path = (std::filesystem::path(shards_dir) / std::to_string(i)).string();
    // A shard is scratch until it is compacted into place, so it need not sync.
    shard->db =
        Xapian::WritableDatabase(shard->path, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
    record_schema(shard->db, schema_);
    shard->builder = std::make_unique<DocumentBuilder>(schema_);
    shards.push_back(std::move(shard));
  }
  return shards;
}

void Indexer::feed_shards(const std::vector<std::string>& inputs,
                          std::vector<std::unique_ptr<Shard>>& shards, const Callbacks& callbacks) {
  for (auto& shard : shards) start_shard(*shard, callbacks);
  InputCallbacks input_callbacks;
  input_callbacks.on_record = [&](InputRecord&& record) {
    note_duplicate(record, callbacks);
    // The same id always goes to the same shard, which then replaces the earlier version.
    std::string id = trim(record.statement.value(schema_.role(FieldRole::Id).name));
    shards[std::hash<std::string>()(id) % shards.size()]->queue.push(std::move(record));
  };
  input_callbacks.on_error = [&](const InputError& e) {
    std::lock_guard<std::mutex> lock(report_mutex_);
    report_input_problem(e, callbacks);
  };
  input_callbacks.on_skipped_file = [&](const std::string& f) {
    stats_.files_skipped_by_type.push_back(f);
  };
  input_callbacks.on_progress = [&](const InputProgress& p) {
    if (!callbacks.on_progress) return;
    IndexStats snapshot = stats_;
    snapshot.added = seen_ids_.size();
    snapshot.passages = parallel_passages_;
    callbacks.on_progress(p, snapshot);
  };
  auto join_all = [&] {
    for (auto& shard : shards) shard->queue.close_and_join();
  };
  try {
    read_inputs(inputs, schema_.input_options(), input_callbacks);
  } catch (...) {
    join_all();
    throw;
  }
  join_all();
}

void Indexer::swap_in_merged(std::vector<std::unique_ptr<Shard>>& shards) {
  namespace fs = std::filesystem;
  std::error_code ec;
  Xapian::Database all;
  for (auto& shard : shards) all.add_database(Xapian::Database(shard->path));
  const std::string built = path_ + ".polsearch-new";
  const std::string old = path_ + ".polsearch-old";
  fs::remove_all(built, ec);
  fs::remove_all(old, ec);
  all.compact(built);
  all.close();
  // Swap the merged database in without ever leaving path_ unlocked: an indexer
  // waiting for the lock (--wait) must not get it on the empty database that is about
  // to be replaced. The merged copy is locked before the swap (Xapian's lock belongs
  // to the lock file, which moves with its folder), the two folders trade places in
  // one atomic exchange, and the empty one is deleted before its lock is let go.
  Xapian::WritableDatabase merged(built, Xapian::DB_OPEN);
  // Widens the swap (a test hook) so that a waiting indexer would get in if the lock
  // were ever let go here.
  if (options_.swap_delay.count() > 0) std::this_thread::sleep_for(options_.swap_delay);
  if (renameat2(AT_FDCWD, path_.c_str(), AT_FDCWD, built.c_str(), RENAME_EXCHANGE) != 0)
    throw DatabaseError(path_ + ": cannot swap in the merged database: " + std::strerror(errno));
  fs::remove_all(built, ec);  // now the empty database, still locked by db_
  db_.close();
  // `merged` keeps the lock until this Indexer is destroyed. It was opened under the
  // name `built`, so it must not write again: the run is complete and nothing does.
  db_ = merged;
  parallel_built_ = true;
  write_lock_owner(path_);
}

unsigned default_jobs(uint64_t input_bytes) {
  if (input_bytes < kParallelFromBytes) return 1;
  return std::clamp(std::thread::hardware_concurrency(), 1u, 16u);
}

void Indexer::index_parallel(const std::vector<std::string>& inputs, const Callbacks& callbacks) {
  namespace fs = std::filesystem;
  const std::string shards_dir = path_ + ".polsearch-shards";
  std::error_code ec;
  fs::remove_all(shards_dir, ec);  // left by a build that crashed: nothing of it was installed
  fs::create_directories(shards_dir);
  std::vector<std::unique_ptr<Shard>> shards = open_shards(shards_dir);
  feed_shards(inputs, shards, callbacks);
  for (auto& shard : shards) {
    if (shard->queue.failure()) std::rethrow_exception(shard->queue.failure());
    for (auto field :
         {&IndexStats::added, &IndexStats::replaced, &IndexStats::skipped, &IndexStats::passages,
          &IndexStats::errors, &IndexStats::warnings, &IndexStats::bytes})
      stats_.*field += shard->stats.*field;
    shard->db.close();
  }
  // Merge the shards with Xapian's compactor into a new folder, then put it in
  // place of the (still empty) database. Until the swap, the database at path_
  // is untouched, so a crash leaves the empty database and nothing half-built.
  commit();
  swap_in_merged(shards);
  fs::remove_all(shards_dir, ec);
  ++stats_.commits;
  stats_.threads = options_.jobs;
}

// A record or a one-statement file was dropped (skipped), or the rest of a file could
// not be read; an image-only PDF is a warning, not an error.
void Indexer::report_input_problem(const InputError& e, const Callbacks& callbacks) {
  if (!e.fatal_for_file) ++stats_.skipped;
  if (e.warning) {
    ++stats_.warnings;
    if (callbacks.on_warning) callbacks.on_warning(e.where, e.message);
    return;
  }
  ++stats_.errors;
  if (callbacks.on_error) callbacks.on_error(e.where, e.message);
}

const IndexStats& Indexer::index(const std::vector<std::string>& inputs,
                                 const Callbacks& callbacks) {
  if (options_.jobs > 1 && db_.get_doccount() == 0) {
    index_parallel(inputs, callbacks);
    return stats_;
  }
  InputCallbacks input_callbacks;
  input_callbacks.on_record = [&](InputRecord&& r) { add(std::move(r), callbacks); };
  input_callbacks.on_error = [&](const InputError& e) { report_input_problem(e, callbacks); };
  input_callbacks.on_skipped_file = [&](const std::string& f) {
    stats_.files_skipped_by_type.push_back(f);
  };
  input_callbacks.on_progress = [&](const InputProgress& p) {
    if (callbacks.on_progress) callbacks.on_progress(p, stats_);
  };
  read_inputs(inputs, schema_.input_options(), input_callbacks);
  commit();
  return stats_;
}

}  // namespace polsearch
