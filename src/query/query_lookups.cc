#include "query_lookups.h"

#include <cmath>

#include "terms.h"

namespace polsearch {

namespace {

// A split with a part rarer as a word than this share of the joined form's passages is
// a line broken inside the word ("nu-clear", "de-velopment" in scanned UN records: "nu"
// is a word in 8 passages, "nuclear" in 16,461), not another way to write it. Searched,
// it would cost a phrase check on every search for the word and find next to nothing.
constexpr double kSplitPartShare = 0.01;

bool parts_are_words(const Xapian::Database& db, const std::string& split,
                     Xapian::doccount joined_passages) {
  const double least = kSplitPartShare * joined_passages;
  size_t start = 0;
  while (start < split.size()) {
    size_t end = split.find(' ', start);
    if (end == std::string::npos) end = split.size();
    if (end > start && db.get_termfreq(split.substr(start, end - start)) < least) return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

std::vector<std::string> DatabaseLookups::compound_splits(const std::string& joined) const {
  std::string key = std::string(terms::kCompoundKey) + joined;
  std::vector<std::string> splits;
  auto it = synonyms_.synonyms_begin(key);
  if (it == synonyms_.synonyms_end(key)) return splits;
  const Xapian::doccount joined_passages = db_.get_termfreq(joined);
  for (; it != synonyms_.synonyms_end(key); ++it)
    if (parts_are_words(db_, *it, joined_passages)) splits.push_back(*it);
  return splits;
}

std::vector<std::string> DatabaseLookups::statements_matching(const Xapian::Query& on_records,
                                                              unsigned limit) const {
  // Records only, unweighted, in document order: the first `limit` + 1 are enough.
  Xapian::Enquire enquire(db_);
  enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, on_records,
                                  Xapian::Query(std::string(terms::kRecordType))));
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_docid_order(Xapian::Enquire::ASCENDING);
  Xapian::MSet records = enquire.get_mset(0, limit + 1);
  const auto id_slot = static_cast<Xapian::valueno>(schema_.role(FieldRole::Id).value_slot);
  std::vector<std::string> ids;
  for (auto it = records.begin(); it != records.end(); ++it)
    ids.push_back(it.get_document().get_value(id_slot));
  return ids;
}

double DatabaseLookups::idf(const std::string& term) const {
  double n = db_.get_termfreq(term);
  double documents = db_.get_doccount();
  if (n == 0) return 0;
  return std::max(0.0, std::log((documents - n + 0.5) / (n + 0.5)));
}

bool DatabaseLookups::same_postings(const std::string& a, const std::string& b) const {
  if (!compare_postings_) return false;
  const Xapian::doccount passages = db_.get_termfreq(a);
  return passages > 0 && passages == db_.get_termfreq(b) &&
         db_.get_collection_freq(a) == db_.get_collection_freq(b);
}

std::vector<LearnedNeighbour> DatabaseLookups::learned_neighbours(const std::string& key) const {
  if (!learned_) return {};
  const std::vector<LearnedNeighbour>* found = learned_->neighbours(key);
  return found ? *found : std::vector<LearnedNeighbour>{};
}

}  // namespace polsearch
