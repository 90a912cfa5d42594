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

// Passage and statement counts from one pass that looked at `seen` of the matching
// passages (per statement in `per_statement`) and bounded them by `passages`.
MatchCounts counts_from_seen(Count passages, Xapian::doccount seen,
                             std::unordered_map<std::string, Xapian::doccount> per_statement,
                             Xapian::doccount statement_total) {
  MatchCounts counts;
  counts.passages = passages;
  auto seen_statements = static_cast<Xapian::doccount>(per_statement.size());
  // Xapian may know the passage count from term statistics alone, so whether the
  // statements are exact depends on the passages actually looked at.
  if (passages.exact() && seen == passages.estimate) {
    counts.statements = {seen_statements, seen_statements, seen_statements};
    counts.per_statement = std::move(per_statement);
    return counts;
  }
  // The passages looked at were a part of the matches: scale the statements seen in
  // it, never below what was seen nor above one statement per matching passage.
  double scale = seen ? double(passages.estimate) / seen : 1;
  Xapian::doccount upper = passages.upper;
  if (statement_total) upper = std::min(upper, statement_total);
  upper = std::max(upper, seen_statements);
  Xapian::doccount estimate = static_cast<Xapian::doccount>(seen_statements * scale + 0.5);
  counts.statements = {std::clamp(estimate, seen_statements, upper), seen_statements, upper};
  return counts;
}

}  // namespace

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
  if (query.empty()) return {};
  // One pass, not collapsed (Xapian's uncollapsed bounds are loose when collapsing);
  // the statements are the distinct ids among the passages the pass looked at.
  Seen seen_by;
  Xapian::MSet mset = match(query, seen_by);
  Count passages{mset.get_matches_estimated(), mset.get_matches_lower_bound(),
                 mset.get_matches_upper_bound()};
  return counts_from_seen(passages, seen_by.passages, std::move(seen_by.per_statement),
                          statement_total());
}

std::unique_ptr<SharedCount> SharedCount::start(const Xapian::Database& db, StatementMemo& memo,
                                                Xapian::valueno statement_slot,
                                                Xapian::doccount exact_up_to) {
  if (!memo.follow(db)) return nullptr;
  return std::unique_ptr<SharedCount>(new SharedCount(memo, statement_slot, exact_up_to));
}

SharedCount::SharedCount(StatementMemo& memo, Xapian::valueno statement_slot,
                         Xapian::doccount exact_up_to)
    : memo_(memo),
      spy_(std::make_unique<StatementSpy>(memo, statement_slot)),
      exact_up_to_(exact_up_to) {}

SharedCount::~SharedCount() = default;

Xapian::MatchSpy* SharedCount::spy() { return spy_.get(); }

MatchCounts SharedCount::counts(const Xapian::MSet& ranked,
                                Xapian::doccount statement_total) const {
  // The ranked match may collapse: its uncollapsed bounds count passages. The spy saw
  // every match if it saw fewer than check_at_least (Xapian raises no weight threshold
  // before, so nothing was skipped; collapsing leaves the upper bound loose), or as many
  // as the upper bound allows.
  const Xapian::doccount seen = spy_->passages();
  Count passages{ranked.get_uncollapsed_matches_estimated(),
                 ranked.get_uncollapsed_matches_lower_bound(),
                 ranked.get_uncollapsed_matches_upper_bound()};
  if (seen < exact_up_to_ || seen >= passages.upper) {
    passages = {seen, seen, seen};
  } else {
    passages.lower = std::max(passages.lower, seen);
    passages.estimate = std::clamp(passages.estimate, passages.lower, passages.upper);
  }
  std::unordered_map<std::string, Xapian::doccount> per_statement;
  for (auto [statement, count] : spy_->counts()) per_statement.emplace(memo_.id(statement), count);
  return counts_from_seen(passages, seen, std::move(per_statement), statement_total);
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
