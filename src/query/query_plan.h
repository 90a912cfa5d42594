// The query as the builder plans it: Xapian's operators over typed parts. A part is
// one unit Xapian weighs as a whole (a term, a phrase, a wildcard, the all-words tier)
// and carries what it is (its kind), the query words it came from (its label) and what
// it matches (its term), so that --explain names each part of a passage's weight from
// the plan itself instead of reading Xapian's query description back.
//
// A plan is a value: copying shares the (immutable) nodes. Building one does no I/O;
// look-ups in the index go through QueryLookups before or while the builder runs.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <xapian.h>

namespace polsearch {

enum class PartKind {
  Stem,       // a word's stem: all its inflections
  Exact,      // a word's exact form
  Acronym,    // "US", "WHO", "U.S." as the acronym
  Phrase,     // words in sequence (a quoted phrase, a compound's split form)
  Near,       // words within a window
  Wildcard,   // a prefix's words
  Synonym,    // several wordings weighed as one term
  Expansion,  // a concept's other wordings
  Proximity,  // adjacent query words found together
  Tier,       // a constant that ranks a set of passages first
  Feedback,   // pseudo-relevance feedback terms
  Like,       // the --like passage's terms
  Filter,     // a field filter or range (weighs only where a query ORs it in)
  Coverage,   // a query word's share of the coverage feature (RankingParams)
};

std::string_view part_kind_name(PartKind kind);  // "stem", "exact", ... (explain's output)

struct PlanPart {
  PartKind kind = PartKind::Exact;
  std::string label;    // the query words it came from, as written ("" if none)
  std::string term;     // what it matches: a stem, a form, "word word", a tier's name
  double constant = 0;  // a constant part's weight (a tier, a coverage share); 0 otherwise
};

class QueryPlan {
 public:
  QueryPlan() = default;  // empty: matches nothing, like Xapian::Query()

  // A weighted unit of the query.
  static QueryPlan part(Xapian::Query query, PlanPart part);
  // A unit that only selects (a filter term, a value range, every passage): never a part.
  static QueryPlan selector(Xapian::Query query);
  // One of Xapian's operators whose weight is the sum of its subqueries' (AND, OR,
  // XOR, AND_MAYBE, AND_NOT, FILTER) over sub-plans, as Xapian::Query(op, subs) would.
  static QueryPlan combine(Xapian::Query::op op, std::vector<QueryPlan> subs);
  static QueryPlan scaled(QueryPlan sub, double factor);  // OP_SCALE_WEIGHT
  // `plan`, run as `same_weights`: a cheaper Xapian query that the caller knows matches
  // the same passages with the same weights (one posting list where the plan reads two).
  // query() gives the shortcut; --explain, parts() and bounds still see `plan`'s parts.
  static QueryPlan run_as(QueryPlan plan, Xapian::Query same_weights);

  bool empty() const { return !node_; }

  // Every weighted part becomes `kind` (a concept's wordings are all expansions, pairs
  // all proximity); tiers keep theirs.
  QueryPlan with_kind(PartKind kind) const;

  Xapian::Query query() const;

  // The weighted parts, depth first: those whose weight reaches the passage's weight
  // (a FILTER's or AND_NOT's right side only selects, so its parts are not counted).
  std::vector<PlanPart> parts() const;
  // The query in which every weighted part but number `index` (of parts()) weighs zero
  // but still matches as before: the weight of that part alone.
  Xapian::Query query_weighing_only(size_t index) const;
  // The query of weighted part number `index` alone.
  Xapian::Query part_query(size_t index) const;
  // The same, scaled as the plan scales it: the part's weight where it matches, as long
  // as the part's weight does not depend on the rest of the query (a term repeated in
  // another part can change it, through Xapian's query-level statistics).
  Xapian::Query part_query_scaled(size_t index) const;

  // A bound on the plan's weight for any passage: `part_bound` of each weighted part,
  // times the scale factors above it, summed (every operator of a plan adds weights).
  using PartBound = std::function<double(const PlanPart&, const Xapian::Query&)>;
  double weight_bound(const PartBound& part_bound) const;

 private:
  struct Node;
  explicit QueryPlan(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  Xapian::Query build(const size_t* keep, size_t& counter, bool weighted) const;
  void collect(std::vector<const Node*>& out) const;
  // Each weighted part with the product of the scale factors above it, outermost first.
  void collect_scaled(std::vector<std::pair<const Node*, double>>& out, double factor) const;

  std::shared_ptr<const Node> node_;
};

}  // namespace polsearch
