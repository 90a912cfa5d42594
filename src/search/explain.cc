#include "explain.h"

#include <cmath>
#include <cstdlib>
#include <optional>

#include "statement_view.h"

namespace polsearch {

namespace {

using Q = Xapian::Query;

// Xapian 1.4 has no accessor for an OP_SCALE_WEIGHT factor, but its description prints
// it first and in full ("Query(0.25000000000000000000 * term)", %.20g: an exact round trip).
double scale_factor(const Q& q) {
  std::string d = q.get_description();
  size_t start = d.rfind("Query(", 0) == 0 ? 6 : 0;
  return std::strtod(d.c_str() + start, nullptr);
}

bool near_value(double a, double b) { return std::fabs(a - b) < 1e-9; }

// Operators whose weight is the sum of their (weighted) subqueries' weights; anything
// else (a term, a phrase, a synonym, a wildcard, a posting source) is one part.
bool is_additive(Q::op op) {
  switch (op) {
    case Q::OP_AND:
    case Q::OP_OR:
    case Q::OP_XOR:
    case Q::OP_AND_MAYBE:
    case Q::OP_AND_NOT:
    case Q::OP_FILTER:
    case Q::OP_SCALE_WEIGHT:
      return true;
    default:
      return false;
  }
}

// AND_NOT and FILTER weigh only their first subquery; the others only select.
size_t weighted_subqueries(const Q& q) {
  Q::op op = q.get_type();
  if (op == Q::OP_AND_NOT || op == Q::OP_FILTER) return std::min<size_t>(1, q.get_num_subqueries());
  return q.get_num_subqueries();
}

// A phrase's or NEAR's words in query order (get_terms_begin() sorts them).
std::vector<std::string> terms_of(const Q& q) {
  std::vector<std::string> out;
  bool positional = q.get_type() == Q::OP_PHRASE || q.get_type() == Q::OP_NEAR;
  for (size_t i = 0; positional && i < q.get_num_subqueries(); ++i) {
    Q sub = q.get_subquery(i);
    if (sub.get_type() != Q::LEAF_TERM) {
      out.clear();
      break;
    }
    out.push_back(*sub.get_terms_begin());
  }
  if (out.empty())
    for (auto it = q.get_terms_begin(); it != q.get_terms_end(); ++it) out.push_back(*it);
  return out;
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

struct Context {
  bool expansion = false;  // under a concept's other wordings
  bool proximity = false;  // under the proximity pairs
};

class Decomposer {
 public:
  explicit Decomposer(const ExplainLabels& labels) : labels_(labels) {}

  // The parts of `q`, in depth-first order (the order rebuild() counts them in).
  void collect(const Q& q, Context ctx, std::vector<ExplainPart>& out,
               std::vector<Q>& units) const {
    Q::op op = q.get_type();
    if (is_additive(op)) {
      for (size_t i = 0; i < weighted_subqueries(q); ++i) {
        Q sub = q.get_subquery(i);
        Context inner = ctx;
        if (sub.get_type() == Q::OP_SCALE_WEIGHT && i > 0) {
          double f = scale_factor(sub);
          Q scaled = sub.get_subquery(0);
          bool exact_form = scaled.get_type() == Q::LEAF_TERM && near_value(f, labels_.exact_boost);
          // The builder adds a concept's wordings as OR(base, expansion_weight x wordings) and
          // proximity pairs as AND_MAYBE(query, proximity_weight x pairs).
          if (op == Q::OP_OR && !exact_form && near_value(f, labels_.expansion_weight))
            inner.expansion = true;
          if (op == Q::OP_AND_MAYBE && !exact_form && labels_.proximity_weight > 0 &&
              near_value(f, labels_.proximity_weight))
            inner.proximity = true;
        }
        collect(sub, inner, out, units);
      }
      return;
    }
    out.push_back(describe(q, ctx));
    units.push_back(q);
  }

  // A copy of `q` in which every part but number `keep` counts zero (OP_SCALE_WEIGHT 0
  // keeps a part's matching and drops its weight).
  Q rebuild(const Q& q, size_t keep, size_t& counter) const {
    Q::op op = q.get_type();
    if (!is_additive(op)) {
      size_t index = counter++;
      return index == keep ? q : Q(Q::OP_SCALE_WEIGHT, q, 0);
    }
    if (op == Q::OP_SCALE_WEIGHT)
      return Q(Q::OP_SCALE_WEIGHT, rebuild(q.get_subquery(0), keep, counter), scale_factor(q));
    std::vector<Q> subs;
    size_t weighted = weighted_subqueries(q);
    for (size_t i = 0; i < q.get_num_subqueries(); ++i)
      subs.push_back(i < weighted ? rebuild(q.get_subquery(i), keep, counter) : q.get_subquery(i));
    return Q(op, subs.begin(), subs.end());
  }

 private:
  ExplainPart describe(const Q& q, Context ctx) const {
    using K = HighlightPattern::Kind;
    ExplainPart part;
    std::vector<std::string> terms = terms_of(q);
    switch (q.get_type()) {
      case Q::LEAF_TERM: {
        const std::string& t = terms.empty() ? std::string() : terms[0];
        if (t.size() > 1 && t[0] == 'Z') {
          part.kind = "stem";
          part.term = t.substr(1);
          part.query = label_for(
              [&](const HighlightPattern& p) { return p.kind == K::Word && p.stem == part.term; },
              ctx);
        } else if (t.rfind("XU", 0) == 0) {
          part.kind = "acronym";
          part.term = t.substr(2);
          part.query = label_for(
              [&](const HighlightPattern& p) {
                return p.kind == K::Acronym && p.forms[0] == part.term;
              },
              ctx);
        } else {
          part.kind = "exact";
          part.term = t;
          part.query = label_for(
              [&](const HighlightPattern& p) {
                return p.kind != K::Sequence && p.kind != K::Near && p.kind != K::Prefix &&
                       p.forms[0] == part.term;
              },
              ctx);
        }
        break;
      }
      case Q::OP_PHRASE:
      case Q::OP_NEAR:
        part.kind = q.get_type() == Q::OP_PHRASE ? "phrase" : "near";
        part.term = joined(terms);
        part.query = label_for(
            [&](const HighlightPattern& p) {
              return (p.kind == K::Sequence || p.kind == K::Near) && p.forms == terms;
            },
            ctx);
        break;
      case Q::OP_WILDCARD:
        part.kind = "wildcard";
        part.term = joined(terms);
        part.query = label_for([&](const HighlightPattern& p) { return p.kind == K::Prefix; }, ctx);
        break;
      case Q::OP_SYNONYM:
        part.kind = "synonym";
        part.term = joined(terms);
        break;
      case Q::LEAF_POSTING_SOURCE:
        part.kind = "tier";
        part.term = "all words";
        break;
      default:
        part.kind = "other";
        part.term = q.get_description();
        break;
    }
    if (ctx.proximity && part.kind != "tier") part.kind = "proximity";
    if (ctx.expansion && part.kind != "tier") part.kind = "expansion";
    return part;
  }

  // The label of the highlight pattern a part came from: the first that fits, or for a
  // concept's wordings the last (the typed word's own pattern comes first).
  template <typename Fits>
  std::string label_for(Fits fits, Context ctx) const {
    if (!labels_.patterns) return "";
    std::string found;
    for (const HighlightPattern& p : *labels_.patterns) {
      if (p.forms.empty() || !fits(p)) continue;
      found = p.label;
      if (!ctx.expansion) break;
    }
    return found;
  }

  const ExplainLabels& labels_;
};

// The weight of `query` for one document; nullopt if it does not match it.
std::optional<double> weight_in(const Xapian::Database& db, const Xapian::Weight& weighting,
                                const Q& query, Xapian::docid docid) {
  Xapian::Enquire enquire(db);
  enquire.set_weighting_scheme(weighting);
  enquire.set_query(Q(Q::OP_FILTER, query, single_document_query(db, docid)));
  Xapian::MSet mset = enquire.get_mset(0, 1);
  if (mset.empty()) return std::nullopt;
  return mset.begin().get_weight();
}

}  // namespace

std::vector<ExplainPart> explain_weight(const Xapian::Database& db, const Xapian::Weight& weighting,
                                        const std::vector<ExplainComponent>& components,
                                        Xapian::docid docid, const ExplainLabels& labels) {
  std::vector<ExplainPart> out;
  Decomposer decomposer(labels);
  for (const ExplainComponent& component : components) {
    if (component.query.empty()) continue;
    std::vector<ExplainPart> parts;
    std::vector<Q> units;
    decomposer.collect(component.query, Context{}, parts, units);
    for (size_t i = 0; i < parts.size(); ++i) {
      size_t counter = 0;
      Q only =
          parts.size() == 1 ? component.query : decomposer.rebuild(component.query, i, counter);
      parts[i].weight = weight_in(db, weighting, only, docid).value_or(0);
      // A part that weighs nothing is shown only if it matched (an acronym term, indexed
      // without weight); a tier that did not apply and "every passage" are left out.
      Q::op type = units[i].get_type();
      if (parts[i].weight == 0 && (type == Q::LEAF_POSTING_SOURCE || type == Q::LEAF_MATCH_ALL ||
                                   !weight_in(db, Xapian::BoolWeight(), units[i], docid)))
        continue;
      if (!component.kind.empty()) parts[i].kind = component.kind;
      if (!component.term.empty()) parts[i].term = component.term;
      out.push_back(std::move(parts[i]));
    }
  }
  return out;
}

}  // namespace polsearch
