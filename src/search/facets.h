// Facet counts over the whole matching set (not just the page shown), from the
// schema's value slots through Xapian match spies.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "schema.h"

namespace polsearch {

struct Facet {
  std::string field;                                     // "country", "speaker", "year", ...
  std::vector<std::pair<std::string, uint64_t>> counts;  // value -> passages, most first
  uint64_t total = 0;  // passages the spy saw (those without the field count as "")
};

// What the facets counted: every match, or the first `passages` in result order.
struct FacetSample {
  uint64_t passages = 0;
  bool exact = true;
};

// Registers one spy per faceted field on an Enquire, and reads them back after
// get_mset. Faceted: speaker, country, source, and the date's year slot.
class FacetCollector {
 public:
  FacetCollector(const Schema& schema, size_t max_values);
  void attach(Xapian::Enquire& enquire);
  // Counts the items of a match instead (a sample: the first mset.size() matches),
  // reading each slot's value stream in docid order rather than each document.
  void count(const Xapian::Database& db, const Xapian::MSet& mset);
  std::vector<Facet> collect() const;

 private:
  struct Spy {
    std::string field;
    Xapian::valueno slot;
    std::unique_ptr<Xapian::ValueCountMatchSpy> spy;
  };
  std::vector<Spy> spies_;
  size_t max_values_;
};

nlohmann::json facets_to_json(const std::vector<Facet>& facets);
nlohmann::json facet_sample_to_json(const FacetSample& sample);  // {"passages": N, "exact": b}

}  // namespace polsearch
