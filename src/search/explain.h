// Why a passage ranked: its weight split into the parts of the query plan that produced
// it (a word's stem, its exact form, a phrase, a concept expansion, a feedback term, the
// all-words tier, ...). Each part is weighed by Xapian itself, with the searcher's
// weighting scheme: alone where that adds up to the passage's weight, else on a copy of
// the query in which every other part counts zero, so the parts always add up. What each part is
// comes from the plan (query_plan.h), which the builder typed as it made it.
#pragma once

#include <string>
#include <vector>

#include <xapian.h>

#include "query_plan.h"

namespace polsearch {

struct ExplainPart {
  std::string kind;   // part_kind_name(): stem, exact, acronym, phrase, near, proximity,
                      // expansion, feedback, like, wildcard, synonym, tier, filter; or
                      // "other passages" (added by the searcher)
  std::string term;   // what matched: a stem, a form, "word word" for a phrase
  std::string query;  // the query words (label) it came from, if any
  double weight = 0;
};

// A weighted piece of the final query whose weight simply adds to the others'
// (the builder's plan, the feedback expansion, the --like terms and their tier).
struct ExplainComponent {
  QueryPlan plan;
};

// Where the weighed documents are found: a query matching them and at most `size` other
// documents. Locally posting sources that match `docids` alone; over remote shards,
// which cannot run them, their statements' membership terms (a few dozen passages each).
struct DocumentScope {
  Xapian::Query containing;
  Xapian::doccount size = 0;
  std::vector<Xapian::docid> docids;
};

// The parts of each of `scope.docids`' weight, in that order (parts that did not match
// left out). `weighting` must be the scheme the search used. Each part is weighed by one
// match over the whole scope (the shown hits), not one per hit. Given each document's
// weight in the search (`weights`, in docids' order), parts are first weighed alone and
// kept if they add up to it; otherwise, or without `weights`, inside the whole query.
std::vector<std::vector<ExplainPart>> explain_weights(
    const Xapian::Database& db, const Xapian::Weight& weighting,
    const std::vector<ExplainComponent>& components, const DocumentScope& scope,
    const std::vector<double>& weights = {});

}  // namespace polsearch
