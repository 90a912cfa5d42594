#include "explain.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>

namespace polsearch {

namespace {

using Q = Xapian::Query;
using Weights = std::unordered_map<Xapian::docid, double>;

// The weight of `query` for each scope document it matches (one match for all of them:
// a document's weight does not depend on which others the filter lets through).
Weights weights_in(const Xapian::Database& db, const Xapian::Weight& weighting, const Q& query,
                   const DocumentScope& scope) {
  Xapian::Enquire enquire(db);
  enquire.set_weighting_scheme(weighting);
  enquire.set_query(Q(Q::OP_FILTER, query, scope.containing));
  Xapian::MSet mset = enquire.get_mset(0, scope.size);
  Weights out;
  for (auto it = mset.begin(); it != mset.end(); ++it) out.emplace(*it, it.get_weight());
  return out;
}

// How a part is weighed: alone (a few postings within the scope), or inside the whole
// query with every other part weighing zero (every part's postings, once per part).
enum class Weighing { Alone, InWholeQuery };

// One part of the plan, weighed for every scope document: appended to each document's
// parts where it matched (see explain_weights).
void explain_part(const Xapian::Database& db, const Xapian::Weight& weighting,
                  const QueryPlan& plan, size_t index, const PlanPart& part,
                  const DocumentScope& scope, Weighing how,
                  std::vector<std::vector<ExplainPart>>& out) {
  Q only = how == Weighing::Alone     ? plan.part_query_scaled(index)
           : plan.parts().size() == 1 ? plan.query()
                                      : plan.query_weighing_only(index);
  Weights weights = weights_in(db, weighting, only, scope);
  // A part that weighs nothing is shown only if it matched (an acronym term, indexed
  // without weight); a constant (a tier, a coverage share) that did not apply is left out.
  bool constant = part.kind == PartKind::Tier || part.kind == PartKind::Coverage;
  std::optional<Weights> matched;  // computed once, only if some document needs it
  for (size_t d = 0; d < scope.docids.size(); ++d) {
    auto found = weights.find(scope.docids[d]);
    double weight = found == weights.end() ? 0 : found->second;
    if (weight == 0) {
      if (constant) continue;
      if (!matched) matched = weights_in(db, Xapian::BoolWeight(), plan.part_query(index), scope);
      if (!matched->count(scope.docids[d])) continue;
    }
    out[d].push_back({std::string(part_kind_name(part.kind)), part.term, part.label, weight});
  }
}

std::vector<std::vector<ExplainPart>> weigh_parts(const Xapian::Database& db,
                                                  const Xapian::Weight& weighting,
                                                  const std::vector<ExplainComponent>& components,
                                                  const DocumentScope& scope, Weighing how) {
  std::vector<std::vector<ExplainPart>> out(scope.docids.size());
  for (const ExplainComponent& component : components) {
    const QueryPlan& plan = component.plan;
    if (plan.empty()) continue;
    std::vector<PlanPart> parts = plan.parts();
    for (size_t i = 0; i < parts.size(); ++i)
      explain_part(db, weighting, plan, i, parts[i], scope, how, out);
  }
  return out;
}

// True if each document's parts add up to its weight in `expected`.
bool adds_up(const std::vector<std::vector<ExplainPart>>& parts,
             const std::vector<double>& expected) {
  for (size_t d = 0; d < parts.size(); ++d) {
    double sum = 0;
    for (const ExplainPart& part : parts[d]) sum += part.weight;
    if (std::fabs(sum - expected[d]) > 1e-9 * std::max(1.0, std::fabs(expected[d]))) return false;
  }
  return true;
}

}  // namespace

std::vector<std::vector<ExplainPart>> explain_weights(
    const Xapian::Database& db, const Xapian::Weight& weighting,
    const std::vector<ExplainComponent>& components, const DocumentScope& scope,
    const std::vector<double>& weights) {
  if (scope.docids.empty()) return std::vector<std::vector<ExplainPart>>(0);
  // Each part alone is the cheap way (a long question has dozens of parts, and inside the
  // whole query each part's match opens every part's postings), right unless a part's
  // weight depends on the rest of the query: the sums tell.
  if (weights.size() == scope.docids.size()) {
    auto alone = weigh_parts(db, weighting, components, scope, Weighing::Alone);
    if (adds_up(alone, weights)) return alone;
  }
  return weigh_parts(db, weighting, components, scope, Weighing::InWholeQuery);
}

}  // namespace polsearch
