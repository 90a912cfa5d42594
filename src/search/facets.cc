#include "facets.h"

#include <algorithm>

namespace polsearch {

FacetCollector::FacetCollector(const Schema& schema, size_t max_values) : max_values_(max_values) {
  for (const FieldSpec& f : schema.fields) {
    if (f.role == FieldRole::Id || f.role == FieldRole::Body) continue;
    if (f.role == FieldRole::Date) {
      if (f.year_slot >= 0)
        spies_.push_back({"year", Xapian::valueno(f.year_slot),
                          std::make_unique<Xapian::ValueCountMatchSpy>(f.year_slot)});
      continue;
    }
    if (f.value_slot >= 0 && f.role != FieldRole::Language)
      spies_.push_back({f.name, Xapian::valueno(f.value_slot),
                        std::make_unique<Xapian::ValueCountMatchSpy>(f.value_slot)});
  }
}

void FacetCollector::attach(Xapian::Enquire& enquire) {
  for (auto& s : spies_) enquire.add_matchspy(s.spy.get());
}

void FacetCollector::count(const Xapian::Database& db, const Xapian::MSet& mset) {
  std::vector<Xapian::docid> docids(mset.begin(), mset.end());
  std::sort(docids.begin(), docids.end());
  // The spy sees a document with only the counted slot set: a value stream read in
  // docid order is far cheaper than fetching each document of the sample.
  for (auto& s : spies_) {
    Xapian::ValueIterator value = db.valuestream_begin(s.slot);
    const Xapian::ValueIterator end = db.valuestream_end(s.slot);
    for (Xapian::docid id : docids) {
      Xapian::Document doc;
      if (value != end) value.skip_to(id);
      if (value != end && value.get_docid() == id) doc.add_value(s.slot, *value);
      (*s.spy)(doc, 0);
    }
  }
}

std::vector<Facet> FacetCollector::collect() const {
  std::vector<Facet> out;
  for (auto& s : spies_) {
    Facet facet;
    facet.field = s.field;
    facet.total = s.spy->get_total();
    uint64_t with_value = 0, shown = 0;
    for (auto it = s.spy->top_values_begin(max_values_); it != s.spy->top_values_end(max_values_);
         ++it) {
      facet.counts.emplace_back(*it, it.get_termfreq());
      shown += it.get_termfreq();
    }
    for (auto it = s.spy->values_begin(); it != s.spy->values_end(); ++it)
      with_value += it.get_termfreq();
    // Every matching passage is counted once, so the counts add up to the matches:
    // the values beyond the top ones as "(other)", passages without the field (a
    // statement with no country) as "(none)".
    if (shown < with_value) facet.counts.emplace_back("(other)", with_value - shown);
    if (with_value < facet.total) facet.counts.emplace_back("(none)", facet.total - with_value);
    out.push_back(std::move(facet));
  }
  return out;
}

nlohmann::json facets_to_json(const std::vector<Facet>& facets) {
  nlohmann::json j = nlohmann::json::object();
  for (auto& f : facets) {
    nlohmann::json counts = nlohmann::json::array();
    for (auto& [value, count] : f.counts) counts.push_back({{"value", value}, {"count", count}});
    j[f.field] = {{"total", f.total}, {"counts", counts}};
  }
  return j;
}

nlohmann::json facet_sample_to_json(const FacetSample& sample) {
  return {{"passages", sample.passages}, {"exact", sample.exact}};
}

}  // namespace polsearch
