#include "match_counts.h"

#include <algorithm>

#include "terms.h"

namespace polsearch {

namespace {

Xapian::Enquire unranked(const Xapian::Database& db, const Xapian::Query& query) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  return enquire;
}

}  // namespace

MatchCounts MatchCounter::count(const Xapian::Query& query) const {
  MatchCounts counts;
  if (query.empty()) return counts;
  // One pass, not collapsed (Xapian's uncollapsed bounds are loose when collapsing);
  // the statements are the distinct ids among the passages the pass looked at.
  Xapian::Enquire enquire = unranked(db_, query);
  Xapian::ValueCountMatchSpy ids(statement_slot_);
  enquire.add_matchspy(&ids);
  // At least one item: with none, Xapian only estimates from term statistics.
  Xapian::MSet mset = enquire.get_mset(0, 1, exact_up_to_);
  counts.passages = {mset.get_matches_estimated(), mset.get_matches_lower_bound(),
                     mset.get_matches_upper_bound()};
  Xapian::doccount seen_statements = 0;
  for (auto it = ids.values_begin(); it != ids.values_end(); ++it) ++seen_statements;
  // Xapian may know the passage count from term statistics alone, so whether the
  // statements are exact depends on the passages actually looked at.
  Xapian::doccount seen = ids.get_total();
  if (counts.passages.exact() && seen == counts.passages.estimate) {
    counts.statements = {seen_statements, seen_statements, seen_statements};
    for (auto it = ids.values_begin(); it != ids.values_end(); ++it)
      counts.per_statement.emplace(*it, it.get_termfreq());
    return counts;
  }
  // The passages looked at were a part of the matches: scale the statements seen in
  // it, never below what was seen nor above one statement per matching passage.
  double scale = seen ? double(counts.passages.estimate) / seen : 1;
  Xapian::doccount upper = counts.passages.upper;
  if (Xapian::doccount records = statement_total()) upper = std::min(upper, records);
  upper = std::max(upper, seen_statements);
  Xapian::doccount estimate = static_cast<Xapian::doccount>(seen_statements * scale + 0.5);
  counts.statements = {std::clamp(estimate, seen_statements, upper), seen_statements, upper};
  return counts;
}

Xapian::doccount MatchCounter::count_in_statement(const Xapian::Query& query,
                                                  const MatchCounts& counts,
                                                  const std::string& statement_id,
                                                  const std::string& membership_term) const {
  if (query.empty()) return 0;
  if (counts.exact()) {
    auto found = counts.per_statement.find(statement_id);
    return found == counts.per_statement.end() ? 0 : found->second;
  }
  Xapian::Query filtered(Xapian::Query::OP_FILTER, query, Xapian::Query(membership_term));
  Xapian::MSet mset = unranked(db_, filtered).get_mset(0, 1, db_.get_doccount());
  return mset.get_matches_estimated();
}

Xapian::doccount MatchCounter::statement_total() const {
  return db_.get_termfreq(std::string(terms::kRecordType));
}

}  // namespace polsearch
