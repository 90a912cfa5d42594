#include "explain.h"

#include <optional>

namespace polsearch {

namespace {

using Q = Xapian::Query;

// The weight of `query` for one document; nullopt if it does not match it.
std::optional<double> weight_in(const Xapian::Database& db, const Xapian::Weight& weighting,
                                const Q& query, const DocumentScope& scope) {
  Xapian::Enquire enquire(db);
  enquire.set_weighting_scheme(weighting);
  enquire.set_query(Q(Q::OP_FILTER, query, scope.containing));
  Xapian::MSet mset = enquire.get_mset(0, scope.size);
  for (auto it = mset.begin(); it != mset.end(); ++it)
    if (*it == scope.docid) return it.get_weight();
  return std::nullopt;
}

}  // namespace

std::vector<ExplainPart> explain_weight(const Xapian::Database& db, const Xapian::Weight& weighting,
                                        const std::vector<ExplainComponent>& components,
                                        const DocumentScope& scope) {
  std::vector<ExplainPart> out;
  for (const ExplainComponent& component : components) {
    const QueryPlan& plan = component.plan;
    if (plan.empty()) continue;
    std::vector<PlanPart> parts = plan.parts();
    for (size_t i = 0; i < parts.size(); ++i) {
      Q only = parts.size() == 1 ? plan.query() : plan.query_weighing_only(i);
      double weight = weight_in(db, weighting, only, scope).value_or(0);
      // A part that weighs nothing is shown only if it matched (an acronym term, indexed
      // without weight); a constant (a tier, a coverage share) that did not apply is left out.
      bool constant = parts[i].kind == PartKind::Tier || parts[i].kind == PartKind::Coverage;
      if (weight == 0 &&
          (constant || !weight_in(db, Xapian::BoolWeight(), plan.part_query(i), scope)))
        continue;
      out.push_back(
          {std::string(part_kind_name(parts[i].kind)), parts[i].term, parts[i].label, weight});
    }
  }
  return out;
}

}  // namespace polsearch
