// How many passages and statements match a query, independent of the page shown.
//
// Counting is a second, unranked pass over the same query (BoolWeight: no scores to
// compute), not collapsed; the statements are the distinct statement ids among the
// passages it looked at. Up to `exact_up_to` matching passages both counts are
// exact; beyond it Xapian stops early and the counts are estimates with lower and
// upper bounds, which the output labels as such.
#pragma once

#include <string>
#include <unordered_map>

#include <xapian.h>

namespace polsearch {

struct Count {
  Xapian::doccount estimate = 0, lower = 0, upper = 0;
  bool exact() const { return lower == upper; }
};

struct MatchCounts {
  Count passages;
  Count statements;
  // Matching passages of each statement, when the counts are exact (else empty).
  std::unordered_map<std::string, Xapian::doccount> per_statement;
  bool exact() const { return passages.exact() && statements.exact(); }
};

class MatchCounter {
 public:
  // `statement_slot`: the value slot holding the statement id (the collapse key).
  MatchCounter(const Xapian::Database& db, Xapian::valueno statement_slot,
               Xapian::doccount exact_up_to = kExactUpTo)
      : db_(db), statement_slot_(statement_slot), exact_up_to_(exact_up_to) {}

  // Passages and statements matching `query` (statement records are never among
  // them: the query builder excludes them).
  MatchCounts count(const Xapian::Query& query) const;

  // Passages of one statement that match `query`: from `counts` when they are exact,
  // else counted through the statement's membership term (a statement has few
  // passages, so this is exact and cheap).
  Xapian::doccount count_in_statement(const Xapian::Query& query, const MatchCounts& counts,
                                      const std::string& statement_id,
                                      const std::string& membership_term) const;

  // Counting is exact up to this many matching passages: about the cost of ranking a
  // page of results (measured on the 200 bench queries).
  static constexpr Xapian::doccount kExactUpTo = 2000;

 private:
  // Statement records in the database: an upper bound on matching statements.
  Xapian::doccount statement_total() const;

  const Xapian::Database& db_;
  Xapian::valueno statement_slot_;
  Xapian::doccount exact_up_to_;
};

}  // namespace polsearch
