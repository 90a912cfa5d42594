#include "indexing.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "database.h"
#include "terms.h"

namespace polsearch {

namespace {

// Xapian rejects terms over 245 bytes (prefix included).
constexpr size_t kMaxTermBytes = 245;
constexpr size_t kMaxIdBytes = 200;

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

void add_boolean(Xapian::Document& doc, std::string term) {
  if (term.size() > kMaxTermBytes) {
    // Cut at a character boundary; the query side cuts filter values the same way.
    size_t cut = kMaxTermBytes;
    while (cut > 0 && (static_cast<unsigned char>(term[cut]) & 0xC0) == 0x80) --cut;
    term.resize(cut);
  }
  doc.add_boolean_term(term);
}

}  // namespace

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
    if (f.filter_prefix) add_boolean(doc, *f.filter_prefix + f.normalise_filter_value(value));
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

StatementDocuments DocumentBuilder::build(const Statement& statement) {
  StatementDocuments out;
  const FieldSpec& id_field = schema_.role(FieldRole::Id);
  const FieldSpec& body_field = schema_.role(FieldRole::Body);
  out.id = trim(statement.value(id_field.name));
  if (out.id.empty()) throw std::invalid_argument("record has no \"" + id_field.name + "\"");
  if (out.id.size() > kMaxIdBytes)
    throw std::invalid_argument("id is longer than " + std::to_string(kMaxIdBytes) + " bytes");
  const std::string* text = statement.get(body_field.name);
  if (!text) throw std::invalid_argument("record has no \"" + body_field.name + "\"");

  std::string language = schema_.default_language;
  if (auto* lang_field = schema_.find_role(FieldRole::Language)) {
    std::string lang = trim(statement.value(lang_field->name));
    if (!lang.empty()) language = lang;
  }
  if (!analyzer_.set_language(language))
    out.warnings.push_back("no stemmer for language '" + language +
                           "'; words are indexed unstemmed");
  if (auto* date_field = schema_.find_role(FieldRole::Date)) {
    std::string date = trim(statement.value(date_field->name));
    if (!date.empty() && !normalise_date(date))
      out.warnings.push_back("date '" + date +
                             "' is not YYYY, YYYY-MM or YYYY-MM-DD; indexed without a date");
  }

  std::vector<Passage> passages = splitter_.split(*text);
  if (passages.empty()) throw std::invalid_argument("statement has no text");

  const std::string membership = *id_field.filter_prefix + id_field.normalise_filter_value(out.id);

  std::vector<Compound> all_compounds;
  uint64_t chars_before = 0;
  size_t bytes_counted = 0;
  for (const Passage& p : passages) {
    // Statement-level terms and values go on every passage. (Xapian::Document is a
    // shared handle, so a template copied by assignment would alias one document.)
    Xapian::Document doc;
    add_passage_fields(doc, statement);
    add_boolean(doc, membership);
    doc.add_value(id_field.value_slot, out.id);
    std::string_view passage_text(text->data() + p.start, p.end - p.start);
    add_text_terms(doc, passage_text, "", body_field.weight, true, true, 0);
    for (auto& c : compounds_) all_compounds.push_back(std::move(c));
    PassageData meta{p.ordinal, p.start, p.end, 0, 0};
    // Character (code point) offsets for display; counted incrementally.
    chars_before +=
        count_code_points(std::string_view(*text).substr(bytes_counted, p.start - bytes_counted));
    meta.char_start = chars_before;
    meta.char_end = chars_before + count_code_points(passage_text);
    chars_before = meta.char_end;
    bytes_counted = p.end;
    std::string data = encode_passage_data(meta);
    data.append(passage_text);
    doc.set_data(data);
    out.passages.push_back(std::move(doc));
  }
  out.compounds = std::move(all_compounds);

  // The statement record: metadata for display and checks, no searchable words.
  nlohmann::json record;
  for (const FieldSpec& f : schema_.fields) {
    if (!f.stored || f.role == FieldRole::Body) continue;
    if (const std::string* v = statement.get(f.name)) record[f.name] = trim(*v);
  }
  record["passages"] = passages.size();
  record["text_bytes"] = text->size();
  out.record.set_data(record.dump());
  out.record.add_boolean_term(std::string(terms::kUnique) + out.id);
  out.record.add_boolean_term(membership);
  out.record.add_boolean_term(std::string(terms::kRecordType));
  out.record.add_value(id_field.value_slot, out.id);
  add_record_fields(out.record, statement);
  return out;
}

Indexer::Indexer(const std::string& path, const Schema* schema_override,
                 const IndexerOptions& options)
    : path_(path), options_(options) {
  // Only our own commits may flush: Xapian's automatic flush every 10,000
  // documents could otherwise commit half of a replaced statement.
  setenv("XAPIAN_FLUSH_THRESHOLD", "4000000000", 1);
  try {
    db_ = Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
  } catch (const Xapian::DatabaseLockError& e) {
    throw DatabaseError(path + ": database is locked by another indexer (" + e.get_msg() + ")");
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
                          "'); index into a new database to change the schema");
  }
  builder_ = new DocumentBuilder(schema_);
}

Indexer::~Indexer() {
  delete builder_;
  // A batch still open here belongs to a run that failed: discard it rather than
  // let the WritableDatabase destructor commit a half-written statement.
  try {
    if (dirty_) db_.cancel_transaction();
  } catch (...) {
  }
}

void Indexer::begin_batch() {
  if (dirty_) return;
  db_.begin_transaction(true);
  dirty_ = true;
}

void Indexer::commit() {
  if (!dirty_) return;
  db_.commit_transaction();  // throws on I/O errors: better a loud stop than a silent loss
  dirty_ = false;
  ++stats_.commits;
  uncommitted_bytes_ = 0;
}

bool Indexer::remove(const std::string& id) {
  const FieldSpec& id_field = schema_.role(FieldRole::Id);
  std::string membership = *id_field.filter_prefix + id_field.normalise_filter_value(id);
  if (!db_.term_exists(membership)) return false;
  begin_batch();
  db_.delete_document(membership);
  ++stats_.deleted;
  return true;
}

void Indexer::add(InputRecord&& record, const Callbacks& callbacks) {
  StatementDocuments docs;
  try {
    docs = builder_->build(record.statement);
  } catch (const std::invalid_argument& e) {
    ++stats_.skipped;
    ++stats_.errors;
    if (callbacks.on_error) callbacks.on_error(record.where, e.what());
    return;
  }
  for (auto& w : docs.warnings) {
    ++stats_.warnings;
    if (callbacks.on_warning) callbacks.on_warning(record.where, w);
  }
  const FieldSpec& id_field = schema_.role(FieldRole::Id);
  std::string membership = *id_field.filter_prefix + id_field.normalise_filter_value(docs.id);

  auto [it, first_time] = seen_ids_.try_emplace(docs.id, record.where);
  if (!first_time) {
    ++stats_.warnings;
    if (callbacks.on_warning)
      callbacks.on_warning(record.where, "id '" + docs.id + "' was also read at " +
                                             it->second.str() + "; this record replaces it");
    it->second = record.where;
  }
  begin_batch();
  if (db_.term_exists(membership)) {
    db_.delete_document(membership);
    ++stats_.replaced;
  } else {
    ++stats_.added;
  }
  db_.add_document(docs.record);
  for (auto& doc : docs.passages) db_.add_document(doc);
  for (auto& c : docs.compounds) {
    if (known_compounds_.insert(c.joined).second)
      db_.add_synonym(std::string(terms::kCompoundKey) + c.joined, c.split);
  }
  stats_.passages += docs.passages.size();
  const std::string* text = record.statement.get(schema_.role(FieldRole::Body).name);
  uint64_t bytes = text ? text->size() : 0;
  stats_.bytes += bytes;
  uncommitted_bytes_ += bytes + 1;
  if (uncommitted_bytes_ >= options_.commit_bytes) commit();
}

const IndexStats& Indexer::index(const std::vector<std::string>& inputs,
                                 const Callbacks& callbacks) {
  InputCallbacks input_callbacks;
  input_callbacks.on_record = [&](InputRecord&& r) { add(std::move(r), callbacks); };
  input_callbacks.on_error = [&](const InputError& e) {
    ++stats_.errors;
    if (!e.fatal_for_file) ++stats_.skipped;  // a record or a one-statement file was dropped
    if (callbacks.on_error) callbacks.on_error(e.where, e.message);
  };
  input_callbacks.on_progress = [&](const InputProgress& p) {
    if (callbacks.on_progress) callbacks.on_progress(p, stats_);
  };
  read_inputs(inputs, schema_.input_options(), input_callbacks);
  commit();
  return stats_;
}

}  // namespace polsearch
