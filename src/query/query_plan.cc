#include "query_plan.h"

#include <stdexcept>

namespace polsearch {

using Q = Xapian::Query;

struct QueryPlan::Node {
  enum class Type { Part, Selector, Operator, Scale, Shortcut };
  Type type = Type::Selector;
  Q leaf;         // Part, Selector; Shortcut: the query it runs as
  PlanPart info;  // Part
  Q::op op = Q::OP_OR;
  std::vector<QueryPlan> subs;  // Operator; Scale and Shortcut have one
  double factor = 1;            // Scale
};

namespace {

// Operators whose weight is the sum of their subqueries' weights: the only ones a plan
// combines, so that each part's weight adds to the others'.
bool is_additive(Q::op op) {
  switch (op) {
    case Q::OP_AND:
    case Q::OP_OR:
    case Q::OP_XOR:
    case Q::OP_AND_MAYBE:
    case Q::OP_AND_NOT:
    case Q::OP_FILTER:
      return true;
    default:
      return false;
  }
}

// AND_NOT and FILTER weigh only their first subquery; the others only select.
size_t weighted_subplans(Q::op op, size_t count) {
  if (op == Q::OP_AND_NOT || op == Q::OP_FILTER) return std::min<size_t>(1, count);
  return count;
}

}  // namespace

std::string_view part_kind_name(PartKind kind) {
  switch (kind) {
    case PartKind::Stem:
      return "stem";
    case PartKind::Exact:
      return "exact";
    case PartKind::Acronym:
      return "acronym";
    case PartKind::Phrase:
      return "phrase";
    case PartKind::Near:
      return "near";
    case PartKind::Wildcard:
      return "wildcard";
    case PartKind::Synonym:
      return "synonym";
    case PartKind::Expansion:
      return "expansion";
    case PartKind::Proximity:
      return "proximity";
    case PartKind::Tier:
      return "tier";
    case PartKind::Feedback:
      return "feedback";
    case PartKind::Like:
      return "like";
    case PartKind::Filter:
      return "filter";
    case PartKind::Coverage:
      return "coverage";
  }
  return "other";
}

QueryPlan QueryPlan::part(Xapian::Query query, PlanPart part) {
  auto node = std::make_shared<Node>();
  node->type = Node::Type::Part;
  node->leaf = std::move(query);
  node->info = std::move(part);
  return QueryPlan(std::move(node));
}

QueryPlan QueryPlan::selector(Xapian::Query query) {
  auto node = std::make_shared<Node>();
  node->type = Node::Type::Selector;
  node->leaf = std::move(query);
  return QueryPlan(std::move(node));
}

QueryPlan QueryPlan::combine(Xapian::Query::op op, std::vector<QueryPlan> subs) {
  if (!is_additive(op))
    throw std::logic_error("QueryPlan::combine: an operator whose weight is not a sum");
  auto node = std::make_shared<Node>();
  node->type = Node::Type::Operator;
  node->op = op;
  node->subs = std::move(subs);
  return QueryPlan(std::move(node));
}

QueryPlan QueryPlan::scaled(QueryPlan sub, double factor) {
  auto node = std::make_shared<Node>();
  node->type = Node::Type::Scale;
  node->subs = {std::move(sub)};
  node->factor = factor;
  return QueryPlan(std::move(node));
}

QueryPlan QueryPlan::run_as(QueryPlan plan, Xapian::Query same_weights) {
  auto node = std::make_shared<Node>();
  node->type = Node::Type::Shortcut;
  node->subs = {std::move(plan)};
  node->leaf = std::move(same_weights);
  return QueryPlan(std::move(node));
}

QueryPlan QueryPlan::with_kind(PartKind kind) const {
  if (!node_) return *this;
  auto node = std::make_shared<Node>(*node_);
  if (node->type == Node::Type::Part && node->info.kind != PartKind::Tier) node->info.kind = kind;
  for (QueryPlan& sub : node->subs) sub = sub.with_kind(kind);
  return QueryPlan(std::move(node));
}

Xapian::Query QueryPlan::query() const {
  size_t counter = 0;
  return build(nullptr, counter, true);
}

Xapian::Query QueryPlan::query_weighing_only(size_t index) const {
  size_t counter = 0;
  return build(&index, counter, true);
}

// The Xapian query of this plan; with `keep`, every weighted part but that one is
// scaled to zero (OP_SCALE_WEIGHT 0 keeps a part's matching and drops its weight).
// `counter` numbers the weighted parts in the order parts() lists them.
Xapian::Query QueryPlan::build(const size_t* keep, size_t& counter, bool weighted) const {
  if (!node_) return Q();
  const Node& n = *node_;
  switch (n.type) {
    case Node::Type::Selector:
      return n.leaf;
    case Node::Type::Part: {
      if (!weighted) return n.leaf;
      size_t index = counter++;
      return !keep || index == *keep ? n.leaf : Q(Q::OP_SCALE_WEIGHT, n.leaf, 0);
    }
    case Node::Type::Scale:
      return Q(Q::OP_SCALE_WEIGHT, n.subs[0].build(keep, counter, weighted), n.factor);
    case Node::Type::Shortcut:
      // Weighing one part alone needs the parts apart; the full query takes the shortcut.
      if (!keep && weighted) return n.leaf;
      return n.subs[0].build(keep, counter, weighted);
    case Node::Type::Operator:
      break;
  }
  std::vector<Q> subs;
  size_t weighed = weighted_subplans(n.op, n.subs.size());
  for (size_t i = 0; i < n.subs.size(); ++i)
    subs.push_back(n.subs[i].build(keep, counter, weighted && i < weighed));
  return Q(n.op, subs.begin(), subs.end());
}

void QueryPlan::collect(std::vector<const Node*>& out) const {
  if (!node_) return;
  const Node& n = *node_;
  if (n.type == Node::Type::Part) out.push_back(&n);
  size_t weighed =
      n.type == Node::Type::Operator ? weighted_subplans(n.op, n.subs.size()) : n.subs.size();
  for (size_t i = 0; i < weighed; ++i) n.subs[i].collect(out);
}

void QueryPlan::collect_scaled(std::vector<std::pair<const Node*, double>>& out,
                               double factor) const {
  if (!node_) return;
  const Node& n = *node_;
  if (n.type == Node::Type::Part) out.emplace_back(&n, factor);
  if (n.type == Node::Type::Scale) factor *= n.factor;
  size_t weighed =
      n.type == Node::Type::Operator ? weighted_subplans(n.op, n.subs.size()) : n.subs.size();
  for (size_t i = 0; i < weighed; ++i) n.subs[i].collect_scaled(out, factor);
}

double QueryPlan::weight_bound(const PartBound& part_bound) const {
  if (!node_) return 0;
  const Node& n = *node_;
  switch (n.type) {
    case Node::Type::Selector:
      return 0;
    case Node::Type::Part:
      return part_bound(n.info, n.leaf);
    case Node::Type::Scale:
      return n.factor * n.subs[0].weight_bound(part_bound);
    case Node::Type::Shortcut:
      return n.subs[0].weight_bound(part_bound);
    case Node::Type::Operator:
      break;
  }
  double sum = 0;
  size_t weighed = weighted_subplans(n.op, n.subs.size());
  for (size_t i = 0; i < weighed; ++i) sum += n.subs[i].weight_bound(part_bound);
  return sum;
}

std::vector<PlanPart> QueryPlan::parts() const {
  std::vector<const Node*> nodes;
  collect(nodes);
  std::vector<PlanPart> out;
  for (const Node* n : nodes) out.push_back(n->info);
  return out;
}

Xapian::Query QueryPlan::part_query(size_t index) const {
  std::vector<const Node*> nodes;
  collect(nodes);
  return index < nodes.size() ? nodes[index]->leaf : Q();
}

Xapian::Query QueryPlan::part_query_scaled(size_t index) const {
  std::vector<std::pair<const Node*, double>> nodes;
  collect_scaled(nodes, 1);
  if (index >= nodes.size()) return Q();
  auto [node, factor] = nodes[index];
  return factor == 1 ? node->leaf : Q(Q::OP_SCALE_WEIGHT, node->leaf, factor);
}

}  // namespace polsearch
