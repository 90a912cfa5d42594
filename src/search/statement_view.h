// One statement as stored: its record (metadata) and its passages in order. Used by
// `searcher show`, by --context (the passages around a hit) and by --like (the seed
// passage). Passages are found through the statement's membership term (XID<id>).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "schema.h"

namespace polsearch {

// An id (or an id#passage) that the database does not have. The searcher reports it
// as a usage error (exit 2): the argument names nothing.
class NotFoundError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "DOC_ID#N": a passage by its statement id and ordinal (as output prints them).
struct PassageRef {
  std::string doc_id;
  uint32_t passage = 0;
  std::string str() const { return doc_id + '#' + std::to_string(passage); }
};
// Splits at the last '#'; nullopt if there is none, the id is empty or N is not a number.
std::optional<PassageRef> parse_passage_ref(std::string_view text);

struct StatementPassage {
  uint32_t passage = 0;                   // ordinal, 0-based
  uint64_t char_start = 0, char_end = 0;  // in the statement text, code points
  std::string text;
  Xapian::docid docid = 0;
  uint32_t page = 0;  // PDF page where the passage starts; 0 = no pages
};

struct StatementView {
  std::string id;
  nlohmann::json metadata;                 // the record's stored fields, "passages", "text_bytes"
  std::vector<ShownField> fields;          // the schema's stored fields, to show in order
  std::vector<StatementPassage> passages;  // in ordinal order
};

// The whole statement; throws NotFoundError naming the id.
StatementView load_statement(const Xapian::Database& db, const Schema& schema,
                             const std::string& id);

// One passage; throws NotFoundError naming the id (and the passages it has).
StatementPassage load_passage(const Xapian::Database& db, const Schema& schema,
                              const PassageRef& ref);

// Passages ordinal-n .. ordinal+n of a statement except `ordinal` itself, in order.
// `docid` is the passage's document: passages of a statement are usually stored in
// consecutive documents, so the neighbours are tried first and the statement is
// scanned only if they are not the expected ones.
std::vector<StatementPassage> load_neighbours(const Xapian::Database& db, const Schema& schema,
                                              const std::string& id, Xapian::docid docid,
                                              uint32_t ordinal, unsigned n);

// A query matching exactly one document, with no weight (to restrict or exclude).
Xapian::Query single_document_query(Xapian::docid docid);
// The same for `db`, which may be several databases (local shards), each matching
// with its own document ids.
Xapian::Query single_document_query(const Xapian::Database& db, Xapian::docid docid);
// A query matching passage `docid` of statement `id` alone, made of terms only, which
// Xapian's remote servers can run (they cannot run single_document_query's posting
// source): the statement's membership term, and for each other passage of the
// statement a term this passage has and that one lacks, or one that one has and this
// passage lacks. nullopt if another passage has exactly the same terms.
std::optional<Xapian::Query> passage_by_terms(const Xapian::Database& db, const Schema& schema,
                                              const std::string& id, Xapian::docid docid);

}  // namespace polsearch
