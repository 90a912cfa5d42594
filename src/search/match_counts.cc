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

// Counts the passages it sees per statement, through the memo.
class StatementSpy : public Xapian::MatchSpy {
 public:
  StatementSpy(StatementMemo& memo, Xapian::valueno slot) : memo_(memo), slot_(slot) {}
  void operator()(const Xapian::Document& doc, double) override {
    ++passages_;
    // As ValueCountMatchSpy: a passage without an id counts, but for no statement.
    uint32_t statement = memo_.statement_of(doc, slot_);
    if (statement != StatementMemo::kNoStatement) ++counts_[statement];
  }
  Xapian::doccount passages() const { return passages_; }
  const std::unordered_map<uint32_t, Xapian::doccount>& counts() const { return counts_; }

 private:
  StatementMemo& memo_;
  Xapian::valueno slot_;
  Xapian::doccount passages_ = 0;
  std::unordered_map<uint32_t, Xapian::doccount> counts_;
};

}  // namespace

bool StatementMemo::follow(const Xapian::Database& db) {
  if (db.size() != 1 || db.get_lastdocid() > kMaxDocid) return false;
  Xapian::rev revision;
  try {
    revision = db.get_revision();  // throws for a remote or in-memory database
  } catch (const Xapian::Error&) {
    return false;
  }
  std::string uuid = db.get_uuid();
  if (uuid.empty()) return false;
  if (uuid != uuid_ || revision != revision_ || by_docid_.size() <= db.get_lastdocid()) {
    uuid_ = std::move(uuid);
    revision_ = revision;
    by_docid_.assign(db.get_lastdocid() + 1, 0);
    ids_.clear();
    numbers_.clear();
  }
  return true;
}

uint32_t StatementMemo::statement_of(const Xapian::Document& doc, Xapian::valueno slot) {
  Xapian::docid docid = doc.get_docid();
  if (docid < by_docid_.size() && by_docid_[docid] != 0)
    return by_docid_[docid] == kNoStatement ? kNoStatement : by_docid_[docid] - 1;
  std::string id = doc.get_value(slot);
  if (id.empty()) {
    if (docid < by_docid_.size()) by_docid_[docid] = kNoStatement;
    return kNoStatement;
  }
  auto [it, added] = numbers_.try_emplace(std::move(id), ids_.size());
  if (added) ids_.push_back(it->first);
  if (docid < by_docid_.size()) by_docid_[docid] = it->second + 1;
  return it->second;
}

Xapian::MSet MatchCounter::match(const Xapian::Query& query, Seen& seen) const {
  Xapian::Enquire enquire = unranked(db_, query);
  // At least one item: with none, Xapian only estimates from term statistics.
  if (memo_ && memo_->follow(db_)) {
    StatementSpy spy(*memo_, statement_slot_);
    enquire.add_matchspy(&spy);
    Xapian::MSet mset = enquire.get_mset(0, 1, exact_up_to_);
    seen.passages = spy.passages();
    for (auto [statement, passages] : spy.counts())
      seen.per_statement.emplace(memo_->id(statement), passages);
    return mset;
  }
  Xapian::ValueCountMatchSpy ids(statement_slot_);
  enquire.add_matchspy(&ids);
  Xapian::MSet mset = enquire.get_mset(0, 1, exact_up_to_);
  seen.passages = ids.get_total();
  for (auto it = ids.values_begin(); it != ids.values_end(); ++it)
    seen.per_statement.emplace(*it, it.get_termfreq());
  return mset;
}

MatchCounts MatchCounter::count(const Xapian::Query& query) const {
  MatchCounts counts;
  if (query.empty()) return counts;
  // One pass, not collapsed (Xapian's uncollapsed bounds are loose when collapsing);
  // the statements are the distinct ids among the passages the pass looked at.
  Seen seen_by;
  Xapian::MSet mset = match(query, seen_by);
  counts.passages = {mset.get_matches_estimated(), mset.get_matches_lower_bound(),
                     mset.get_matches_upper_bound()};
  auto seen_statements = static_cast<Xapian::doccount>(seen_by.per_statement.size());
  // Xapian may know the passage count from term statistics alone, so whether the
  // statements are exact depends on the passages actually looked at.
  Xapian::doccount seen = seen_by.passages;
  if (counts.passages.exact() && seen == counts.passages.estimate) {
    counts.statements = {seen_statements, seen_statements, seen_statements};
    counts.per_statement = std::move(seen_by.per_statement);
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
