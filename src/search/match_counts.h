// How many passages and statements match a query, independent of the page shown.
//
// Counting is a second, unranked pass over the same query (BoolWeight: no scores to
// compute), not collapsed; the statements are the distinct statement ids among the
// passages it looked at. Up to `exact_up_to` matching passages both counts are
// exact; beyond it Xapian stops early and the counts are estimates with lower and
// upper bounds, which the output labels as such.
#pragma once

#include <string>

#include <xapian.h>

namespace polsearch {

struct Count {
  Xapian::doccount estimate = 0, lower = 0, upper = 0;
  bool exact() const { return lower == upper; }
};

struct MatchCounts {
  Count passages;
  Count statements;
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

  // Passages of one statement (by its membership term) that match `query`: exact,
  // since a statement has few passages.
  Xapian::doccount count_in_statement(const Xapian::Query& query,
                                      const std::string& membership_term) const;

  // Exact counts below this many matches cost about as much as a page of results.
  static constexpr Xapian::doccount kExactUpTo = 5000;

 private:
  // Statement records in the database: an upper bound on matching statements.
  Xapian::doccount statement_total() const;

  const Xapian::Database& db_;
  Xapian::valueno statement_slot_;
  Xapian::doccount exact_up_to_;
};

}  // namespace polsearch
