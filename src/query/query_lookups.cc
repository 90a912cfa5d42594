#include "query_lookups.h"

#include <cmath>

#include "terms.h"

namespace polsearch {

std::vector<std::string> DatabaseLookups::compound_splits(const std::string& joined) const {
  std::string key = std::string(terms::kCompoundKey) + joined;
  std::vector<std::string> splits;
  for (auto it = synonyms_.synonyms_begin(key); it != synonyms_.synonyms_end(key); ++it)
    splits.push_back(*it);
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
