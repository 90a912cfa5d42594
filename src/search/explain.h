// Why a passage ranked: its weight split into the parts of the query that produced it
// (a word's stem, its exact form, a phrase, a concept expansion, a feedback term, the
// all-words tier, ...). Each part is weighed by Xapian itself, with the searcher's
// weighting scheme, on a copy of the query in which every other part counts zero, so
// the parts add up to the passage's weight.
#pragma once

#include <string>
#include <vector>

#include <xapian.h>

#include "query_builder.h"

namespace polsearch {

struct ExplainPart {
  std::string kind;   // stem, exact, acronym, phrase, near, proximity, expansion, feedback,
                      // like, wildcard, synonym, tier, other passages
  std::string term;   // what matched: a stem, a form, "word word" for a phrase
  std::string query;  // the query part (label) it came from, if known
  double weight = 0;
};

// A weighted piece of the final query whose weight simply adds to the others'
// (the query from the builder, the feedback expansion, the --like terms, a tier).
struct ExplainComponent {
  Xapian::Query query;
  std::string kind;  // "" = tell each part's kind from the query's structure
  std::string term;  // for a component that is one part (a tier): its name
};

struct ExplainLabels {
  const std::vector<HighlightPattern>* patterns = nullptr;  // to name the query parts
  double exact_boost = 0.25;
  double expansion_weight = 0.5;
  double proximity_weight = 0;
};

// The parts of `docid`'s weight (parts that did not match left out). `weighting` must be the scheme
// the search used.
std::vector<ExplainPart> explain_weight(const Xapian::Database& db, const Xapian::Weight& weighting,
                                        const std::vector<ExplainComponent>& components,
                                        Xapian::docid docid, const ExplainLabels& labels);

}  // namespace polsearch
