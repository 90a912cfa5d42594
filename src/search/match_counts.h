// How many passages and statements match a query, independent of the page shown.
//
// Counting is either a second, unranked pass over the same query (BoolWeight: no
// scores to compute), not collapsed, or, on one local database, a spy inside the ranked
// match itself (SharedCount), which saves the second pass: on phrases of common words
// it checked the same positions again (half the query tail, measured with
// bench/querytail). Either way the statements are the distinct statement ids among the
// passages the pass looked at. Up to `exact_up_to` matching passages both counts are
// exact; beyond it Xapian stops early and the counts are estimates with lower and
// upper bounds, which the output labels as such.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

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

// Which statement each passage belongs to, remembered across the searches of one revision
// of one local database: counting read each matching passage's statement id from its
// value slot, search after search (with the match itself, a third of a plain query's time,
// measured with perf on the bench queries). Filled as passages are seen, so a one-off
// search pays only for a zeroed array of 4 bytes per document (1.5 MB on all of UNGDC).
class StatementMemo {
 public:
  // True if the memo applies to `db` (one local database), which it now follows:
  // everything is forgotten when `db` is another database or another revision.
  bool follow(const Xapian::Database& db);
  // The statement of a passage the memo follows, as a small number (see id()), or
  // kNoStatement if it has no id.
  uint32_t statement_of(const Xapian::Document& doc, Xapian::valueno slot);
  const std::string& id(uint32_t statement) const { return ids_[statement]; }

  // Databases with document ids above this are counted without the memo.
  static constexpr Xapian::docid kMaxDocid = 1u << 24;
  static constexpr uint32_t kNoStatement = UINT32_MAX;

 private:
  std::string uuid_;
  Xapian::rev revision_ = 0;
  std::vector<uint32_t> by_docid_;  // statement + 1; 0: not seen yet; or kNoStatement
  std::vector<std::string> ids_;
  std::unordered_map<std::string, uint32_t> numbers_;
};

class StatementSpy;

// Counts taken inside the ranked match: add spy() to the Enquire of the ranked match
// (no time limit), run get_mset with check_at_least = `exact_up_to`, then counts().
// Until that many passages have matched Xapian raises no weight threshold, so the spy
// sees every match of a query with fewer; beyond it the counts are estimates.
class SharedCount {
 public:
  // Null when `memo` does not apply to `db` (StatementMemo::follow): count apart then.
  static std::unique_ptr<SharedCount> start(const Xapian::Database& db, StatementMemo& memo,
                                            Xapian::valueno statement_slot,
                                            Xapian::doccount exact_up_to);
  ~SharedCount();
  Xapian::MatchSpy* spy();
  // The counts, from what the spy saw and the ranked match's uncollapsed bounds.
  MatchCounts counts(const Xapian::MSet& ranked, Xapian::doccount statement_total) const;

 private:
  SharedCount(StatementMemo& memo, Xapian::valueno statement_slot, Xapian::doccount exact_up_to);
  StatementMemo& memo_;
  std::unique_ptr<StatementSpy> spy_;
  Xapian::doccount exact_up_to_;
};

class MatchCounter {
 public:
  // `statement_slot`: the value slot holding the statement id (the collapse key).
  // `memo`, if given, is used where it applies (StatementMemo::follow) and must outlive
  // the counter.
  MatchCounter(const Xapian::Database& db, Xapian::valueno statement_slot,
               Xapian::doccount exact_up_to = kExactUpTo, StatementMemo* memo = nullptr)
      : db_(db), statement_slot_(statement_slot), exact_up_to_(exact_up_to), memo_(memo) {}

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

  // Statement records in the database: an upper bound on matching statements.
  Xapian::doccount statement_total() const;

 private:
  // The statements of the passages one pass looked at: how many passages, and per
  // statement id.
  struct Seen {
    Xapian::doccount passages = 0;
    std::unordered_map<std::string, Xapian::doccount> per_statement;
  };
  Xapian::MSet match(const Xapian::Query& query, Seen& seen) const;

  const Xapian::Database& db_;
  Xapian::valueno statement_slot_;
  Xapian::doccount exact_up_to_;
  StatementMemo* memo_;
};

}  // namespace polsearch
