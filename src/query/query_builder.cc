#include "query_builder.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "terms.h"

namespace polsearch {

namespace {

using Q = Xapian::Query;

using P = QueryPlan;

P or_of(std::vector<P> ps) {
  if (ps.size() == 1) return ps[0];
  return P::combine(Q::OP_OR, std::move(ps));
}

P and_of(std::vector<P> ps) {
  if (ps.size() == 1) return ps[0];
  return P::combine(Q::OP_AND, std::move(ps));
}

// A query term as a part: stems (Z...) and acronyms (XU...) named without their prefix.
P term_part(const std::string& term, PartKind kind, const std::string& label) {
  std::string shown = term;
  if (kind == PartKind::Stem && term.rfind(terms::kStem, 0) == 0)
    shown = term.substr(terms::kStem.size());
  if (kind == PartKind::Acronym && term.rfind(terms::kAcronym, 0) == 0)
    shown = term.substr(terms::kAcronym.size());
  return P::part(Q(term), {kind, label, shown});
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// Words in sequence (OP_PHRASE) or within a window (OP_NEAR), as a part named by its words.
P positional_part(Q::op op, const std::vector<std::string>& forms, Xapian::termcount window,
                  const std::string& label) {
  PartKind kind = op == Q::OP_NEAR ? PartKind::Near : PartKind::Phrase;
  return P::part(Q(op, forms.begin(), forms.end(), window), {kind, label, joined(forms)});
}

// Range bounds for dates: a lower bound starts its period, an upper bound ends it,
// so date:2014..2024 covers all of 2024 and a year-only date ("YYYY0000") is inside.
std::string date_bound(const std::string& normalised, bool upper) {
  if (!upper) return normalised;
  std::string out = normalised;
  if (out.substr(4, 2) == "00")
    out.replace(4, 4, "9999");
  else if (out.substr(6, 2) == "00")
    out.replace(6, 2, "99");
  return out;
}

// Lucene's ENGLISH_STOP_WORDS_SET, sorted for binary search.
constexpr std::string_view kStopwords[] = {
    "a",   "an",    "and",  "are",   "as",    "at",   "be",   "but", "by",  "for",  "if",
    "in",  "into",  "is",   "it",    "no",    "not",  "of",   "on",  "or",  "such", "that",
    "the", "their", "then", "there", "these", "they", "this", "to",  "was", "will", "with"};
static_assert(std::is_sorted(std::begin(kStopwords), std::end(kStopwords)));

}  // namespace

StopList stop_list_named(std::string_view name) {
  if (name == "lucene") return StopList::Lucene;
  if (name == "common") return StopList::Common;
  return StopList::None;
}

bool is_stopword(std::string_view form, StopList list) {
  if (list == StopList::Common) return Analyzer::is_common_word(form);
  if (list == StopList::Lucene)
    return std::binary_search(std::begin(kStopwords), std::end(kStopwords), form);
  return false;
}

QueryBuilder::QueryBuilder(const QueryLookups& lookups, const Schema& schema, Analyzer& analyzer,
                           const QueryBuilderOptions& options)
    : lookups_(lookups), schema_(schema), analyzer_(analyzer), options_(options) {}

BuiltQuery QueryBuilder::build(const QueryNode& root) {
  BuiltQuery out;
  Part part = build_node(root, true, out);
  P plan;
  if (part.empty) {
    plan = P();  // matches nothing
  } else if (part.filter) {
    // Only filters: every matching passage, unranked.
    plan = P::combine(Q::OP_FILTER, {P::selector(Q::MatchAll), part.plan});
    out.ranked = false;
  } else {
    plan = part.plan;
  }
  // Statement records carry the id term too; they are never results.
  out.plan = P::combine(Q::OP_AND_NOT, {plan, P::selector(Q(std::string(terms::kRecordType)))});
  out.query = out.plan.query();
  return out;
}

QueryBuilder::Part QueryBuilder::build_node(const QueryNode& node, bool top_level,
                                            BuiltQuery& out) {
  using K = QueryNode::Kind;
  if (!node.field.empty() && node.kind != K::Range) {
    const FieldSpec* field = schema_.field(node.field);
    if (!field) throw QuerySyntaxError(node.offset, "unknown field '" + node.field + "'");
    return build_field(node, *field, out);
  }
  switch (node.kind) {
    case K::Word:
      return build_word(node, out);
    case K::Phrase:
      return build_phrase(node, out);
    case K::Range:
      return build_range(node, out);
    case K::Near:
      return build_near(node, out);
    case K::Bag:
      return build_bag(node, top_level, out);
    case K::And:
    case K::Or: {
      std::vector<Part> parts;
      for (auto& child : node.children) {
        Part p = build_node(*child, false, out);
        if (!p.empty) parts.push_back(std::move(p));
      }
      if (parts.empty()) return {P(), false, "", true};
      std::vector<P> ranked, filters;
      for (auto& p : parts) (p.filter ? filters : ranked).push_back(p.plan);
      if (node.kind == K::Or) {
        std::vector<P> all;
        for (auto& p : parts) all.push_back(p.plan);
        bool all_filters = ranked.empty();
        return {or_of(all), all_filters, "", false};
      }
      if (ranked.empty()) return {and_of(filters), true, "", false};
      P q = and_of(ranked);
      if (!filters.empty()) q = P::combine(Q::OP_FILTER, {q, and_of(filters)});
      return {q, false, "", false};
    }
    case K::AndNot: {
      Part left = build_node(*node.children.at(0), false, out);
      // Excluded words are not highlighted: build into a scratch result.
      BuiltQuery scratch;
      Part right = build_node(*node.children.at(1), false, scratch);
      if (left.empty) return left;
      if (right.empty) return left;
      P base =
          left.filter ? P::combine(Q::OP_FILTER, {P::selector(Q::MatchAll), left.plan}) : left.plan;
      return {P::combine(Q::OP_AND_NOT, {base, right.plan}), false, "", false};
    }
  }
  return {P(), false, "", true};
}

QueryPlan QueryBuilder::word_query(const Token& token, const std::string& prefix, bool exact,
                                   const std::string& label, BuiltQuery& out, bool highlight) {
  HighlightPattern pattern;
  pattern.label = label;
  pattern.forms = {token.form};
  P q;
  // A capitalised "US"/"WHO"/"IT" or a dotted "U.S." means the acronym, not the
  // common word it folds to: search the acronym term, which only such spellings carry.
  bool acronym = prefix.empty() && (token.dotted_acronym || (token.all_caps && !options_.shouted &&
                                                             Analyzer::is_common_word(token.form)));
  if (acronym) {
    pattern.kind = HighlightPattern::Kind::Acronym;
    q = term_part(std::string(terms::kAcronym) + token.form, PartKind::Acronym, label);
  } else if (exact) {
    pattern.kind = HighlightPattern::Kind::Exact;
    q = term_part(prefix + token.form, PartKind::Exact, label);
  } else {
    const std::string& stem = analyzer_.stem(token.form);
    pattern.kind = HighlightPattern::Kind::Word;
    pattern.stem = stem;
    std::vector<Spelling> spellings = spellings_of(token, prefix, label, out, highlight);
    const bool stem_alone = spellings.size() == 1 && spellings[0].kind == PartKind::Stem;
    q = one_term_for_spellings(spellings, label);
    // The exact form adds a little, so exact forms rank first. Every passage with the
    // exact form also has its stem, so AND_MAYBE gives the same matches and weights as OR
    // but reads the exact form's postings only where the stem matched (measured in
    // docs/PERFORMANCE.md).
    if (!stem.empty() && options_.exact_boost > 0) {
      const std::string exact_term = prefix + token.form;
      const Q stem_query = q.query();
      q = P::combine(Q::OP_AND_MAYBE, {q, P::scaled(term_part(exact_term, PartKind::Exact, label),
                                                    options_.exact_boost)});
      // Where the form is its stem's only inflection in the index ("the", "for", most
      // rare words) both terms weigh the same in every passage: one posting list does,
      // scaled, which halves the cost of the most common words.
      if (stem_alone &&
          lookups_.same_postings(exact_term, std::string(terms::kStem) + prefix + stem))
        q = P::run_as(q, Q(Q::OP_SCALE_WEIGHT, stem_query, 1 + options_.exact_boost));
    }
  }
  if (highlight) out.highlights.push_back(std::move(pattern));
  return q;
}

// A word's spellings: its stem (all inflections), the split forms of a compound the
// index has seen hyphenated ("ceasefire" -> "cease fire", recorded in the synonym table
// at index time), and the other side's spelling ("defence" -> "defense").
std::vector<QueryBuilder::Spelling> QueryBuilder::spellings_of(const Token& token,
                                                               const std::string& prefix,
                                                               const std::string& label,
                                                               BuiltQuery& out, bool highlight) {
  std::vector<Spelling> spellings;
  auto add_term = [&](const std::string& form) {
    const std::string& stem = analyzer_.stem(form);
    if (stem.empty()) return spellings.push_back({Q(prefix + form), form, PartKind::Exact});
    spellings.push_back({Q(std::string(terms::kStem) + prefix + stem), stem, PartKind::Stem});
  };
  add_term(token.form);
  for (const std::string& split : lookups_.compound_splits(token.form)) {
    std::vector<Token> parts;
    analyzer_.analyze(split, parts);
    if (parts.size() < 2) continue;
    std::vector<std::string> forms, shown;
    for (auto& p : parts) forms.push_back(prefix + p.form), shown.push_back(p.form);
    spellings.push_back({Q(Q::OP_PHRASE, forms.begin(), forms.end(), forms.size()), joined(shown),
                         PartKind::Phrase});
    if (highlight)
      out.highlights.push_back({HighlightPattern::Kind::Sequence, shown, "", 0, label});
  }
  const std::string& variant =
      options_.concepts ? options_.concepts->spelling_variant(token.form) : std::string();
  if (!variant.empty()) {
    add_term(variant);
    if (highlight)
      out.highlights.push_back(
          {HighlightPattern::Kind::Word, {variant}, analyzer_.stem(variant), 0, label});
  }
  return spellings;
}

// One spelling is that term; several weigh as one term (OP_SYNONYM: one within-passage
// frequency, one idf), so a word written three ways counts once, like any other word.
QueryPlan QueryBuilder::one_term_for_spellings(const std::vector<Spelling>& spellings,
                                               const std::string& label) {
  if (spellings.size() == 1)
    return P::part(spellings[0].query, {spellings[0].kind, label, spellings[0].shown});
  std::vector<Q> queries;
  std::string shown;
  for (const Spelling& s : spellings) {
    queries.push_back(s.query);
    shown += (shown.empty() ? "" : " | ") + s.shown;
  }
  return P::part(Q(Q::OP_SYNONYM, queries.begin(), queries.end()),
                 {PartKind::Synonym, label, shown});
}

QueryPlan QueryBuilder::sequence_query(const std::vector<Token>& tokens,
                                       const std::vector<Compound>& compounds,
                                       const std::string& prefix, const std::string& label,
                                       BuiltQuery& out, bool highlight) {
  std::vector<std::string> forms;
  for (auto& t : tokens) forms.push_back(prefix + t.form);
  P q = positional_part(Q::OP_PHRASE, forms, forms.size(), label);
  if (highlight) {
    HighlightPattern seq;
    seq.kind = HighlightPattern::Kind::Sequence;
    seq.label = label;
    for (auto& t : tokens) seq.forms.push_back(t.form);
    out.highlights.push_back(std::move(seq));
  }
  // "cease-fire" typed as one word: also the joined form "ceasefire".
  if (compounds.size() == 1 && compounds[0].parts == tokens.size()) {
    q = P::combine(Q::OP_OR, {q, term_part(prefix + compounds[0].joined, PartKind::Exact, label)});
    if (highlight) {
      HighlightPattern joined;
      joined.kind = HighlightPattern::Kind::Exact;
      joined.label = label;
      joined.forms = {compounds[0].joined};
      out.highlights.push_back(std::move(joined));
    }
  }
  return q;
}

QueryPlan QueryBuilder::wording_query(const std::string& wording, const std::string& label,
                                      BuiltQuery& out) {
  std::vector<Token> w;
  std::vector<Compound> compounds;
  analyzer_.analyze(wording, w, &compounds);
  if (w.empty()) return {};
  return w.size() == 1 ? word_query(w[0], "", false, label, out, true)
                       : sequence_query(w, compounds, "", label, out, true);
}

// A concept's wordings other than the typed one; their keys go into `keys`.
std::vector<QueryPlan> QueryBuilder::concept_wordings(const std::vector<const Concept*>& concepts,
                                                      const std::string& own,
                                                      const std::string& label,
                                                      std::vector<std::string>& keys,
                                                      BuiltQuery& out) {
  std::vector<P> wordings;
  std::string listed;
  for (const Concept* c : concepts) {
    for (const std::string& wording : c->wordings) {
      std::string key = wording_key(wording, analyzer_);
      if (key == own) continue;
      // Each wording is its own highlight label, so the output names the one that matched.
      std::string wording_label =
          key.find(' ') == std::string::npos ? wording : "\"" + wording + "\"";
      wordings.push_back(wording_query(wording, wording_label, out));
      keys.push_back(key);
      listed += (listed.empty() ? "" : ", ") + wording_label;
    }
    out.notes.push_back("~" + label + ": concept '" + c->name + "' adds " + listed);
  }
  return wordings;
}

// The learned neighbours that pass the similarity and passage thresholds and are not
// already among `keys`, labelled with their similarity: "peacekeepers (learned, 0.71)".
std::vector<QueryPlan> QueryBuilder::learned_wordings(const std::string& own,
                                                      const std::string& label,
                                                      std::vector<std::string>& keys,
                                                      BuiltQuery& out) {
  std::vector<P> wordings;
  if (options_.learned.max == 0) return wordings;
  std::string listed;
  for (const LearnedNeighbour& n : lookups_.learned_neighbours(own)) {
    if (wordings.size() >= options_.learned.max) break;
    if (n.similarity < options_.learned.min_similarity ||
        n.passages < options_.learned.min_passages || n.wording == own ||
        std::find(keys.begin(), keys.end(), n.wording) != keys.end())
      continue;
    char similarity[16];
    std::snprintf(similarity, sizeof similarity, "%.2f", n.similarity);
    std::string shown =
        n.wording.find(' ') == std::string::npos ? n.wording : "\"" + n.wording + "\"";
    std::string wording_label = shown + " (learned, " + similarity + ")";
    P q = wording_query(n.wording, wording_label, out);
    if (q.empty()) continue;
    wordings.push_back(q);
    keys.push_back(n.wording);
    listed += (listed.empty() ? "" : ", ") + wording_label;
  }
  if (!wordings.empty()) out.notes.push_back("~" + label + ": learned wordings add " + listed);
  return wordings;
}

QueryPlan QueryBuilder::expand_concepts(QueryPlan base, const std::vector<Token>& tokens,
                                        const std::string& label, BuiltQuery& out) {
  std::vector<std::string> forms;
  for (auto& t : tokens) forms.push_back(t.form);
  std::vector<const Concept*> concepts;
  if (options_.concepts) concepts = options_.concepts->find(forms);
  std::string own = wording_key(label, analyzer_);
  std::vector<std::string> keys;
  std::vector<P> wordings = concept_wordings(concepts, own, label, keys, out);
  std::vector<P> learned = learned_wordings(own, label, keys, out);
  if (concepts.empty() && learned.empty() && !options_.expand_all)
    out.notes.push_back("'" + label + "' names no concept; searched as written");
  std::vector<P> parts = {base};
  if (!wordings.empty())
    parts.push_back(
        P::scaled(or_of(wordings).with_kind(PartKind::Expansion), options_.expansion_weight));
  if (!learned.empty())
    parts.push_back(
        P::scaled(or_of(learned).with_kind(PartKind::Expansion), options_.learned.weight));
  return parts.size() == 1 ? base : P::combine(Q::OP_OR, parts);
}

QueryBuilder::Part QueryBuilder::build_word(const QueryNode& node, BuiltQuery& out) {
  // "~backstop": expand the word to its concept's wordings.
  bool expand = options_.expand_all;
  QueryNode plain;
  const QueryNode* word = &node;
  if (node.text.size() > 1 && node.text[0] == '~' && !node.wildcard) {
    expand = true;
    plain.kind = node.kind;
    plain.text = node.text.substr(1);
    plain.offset = node.offset + 1;
    word = &plain;
  }
  if (expand) {
    std::vector<Token> tokens;
    analyzer_.analyze(word->text, tokens);
    Part base = build_word_as_written(*word, out);
    if (base.empty) return base;
    return {expand_concepts(base.plan, tokens, word->text, out)};
  }
  return build_word_as_written(node, out);
}

QueryBuilder::Part QueryBuilder::build_word_as_written(const QueryNode& node, BuiltQuery& out) {
  std::vector<Token> tokens;
  std::vector<Compound> compounds;
  analyzer_.analyze(node.text, tokens, &compounds);
  if (tokens.empty()) {
    out.notes.push_back("ignored '" + node.text + "' (no searchable characters)");
    return {P(), false, "", true};
  }
  if (node.wildcard) {
    std::string form = tokens.back().form;
    if (tokens.size() > 1) {
      out.notes.push_back("wildcard '" + node.text + "*' uses only '" + form + "'");
    }
    HighlightPattern p;
    p.kind = HighlightPattern::Kind::Prefix;
    p.forms = {form};
    p.label = node.text + "*";
    out.highlights.push_back(p);
    Q wildcard(Q::OP_WILDCARD, form, options_.max_wildcard_expansion,
               Q::WILDCARD_LIMIT_MOST_FREQUENT);
    return {P::part(wildcard, {PartKind::Wildcard, p.label, form}), false, "", false};
  }
  if (tokens.size() == 1) return {word_query(tokens[0], "", false, node.text, out, true)};
  return {sequence_query(tokens, compounds, "", node.text, out, true)};
}

QueryBuilder::Part QueryBuilder::build_phrase(const QueryNode& node, BuiltQuery& out) {
  Part base = build_phrase_as_written(node, out);
  if (!options_.expand_all || base.empty) return base;
  std::vector<Token> tokens;
  analyzer_.analyze(node.text, tokens);
  return {expand_concepts(base.plan, tokens, node.text, out)};
}

QueryBuilder::Part QueryBuilder::build_phrase_as_written(const QueryNode& node, BuiltQuery& out) {
  std::vector<Token> tokens;
  std::vector<Compound> compounds;
  analyzer_.analyze(node.text, tokens, &compounds);
  std::string label = "\"" + node.text + "\"";
  if (tokens.empty()) {
    out.notes.push_back("ignored " + label + " (no searchable characters)");
    return {P(), false, "", true};
  }
  if (tokens.size() == 1) return {word_query(tokens[0], "", true, label, out, true)};
  P q = sequence_query(tokens, compounds, "", label, out, true);
  // A two-word phrase whose joined form the index knows as a compound ("cease fire"
  // -> "ceasefire") also matches the joined spelling.
  if (tokens.size() == 2) {
    std::string joined = tokens[0].form + tokens[1].form;
    if (!lookups_.compound_splits(joined).empty()) {
      q = P::combine(Q::OP_OR, {q, term_part(joined, PartKind::Exact, label)});
      HighlightPattern p;
      p.kind = HighlightPattern::Kind::Exact;
      p.forms = {joined};
      p.label = label;
      out.highlights.push_back(std::move(p));
    }
  }
  return {q};
}

QueryBuilder::Part QueryBuilder::build_field(const QueryNode& node, const FieldSpec& field,
                                             BuiltQuery& out) {
  using K = QueryNode::Kind;
  if (field.role == FieldRole::Date) {
    QueryNode range;
    range.kind = K::Range;
    range.field = node.field;
    range.low = range.high = node.text;
    range.offset = node.offset;
    return build_range(range, out);
  }
  std::string label = node.field + ":" + node.text;
  if (field.is_filter() && (node.kind == K::Word || node.kind == K::Phrase)) {
    Q term(terms::filter_term(field, node.text));
    return {P::part(term, {PartKind::Filter, label, label}), true, field.name, false};
  }
  if (field.is_text() && (node.kind == K::Word || node.kind == K::Phrase)) {
    std::vector<Token> tokens;
    std::vector<Compound> compounds;
    analyzer_.analyze(node.text, tokens, &compounds);
    if (tokens.empty()) {
      out.notes.push_back("ignored " + node.field + ":" + node.text);
      return {P(), false, "", true};
    }
    const std::string& prefix = *field.text_prefix;
    // Field words are not highlighted in the passage body: they matched metadata.
    BuiltQuery scratch;
    P on_records =
        tokens.size() == 1
            ? word_query(tokens[0], prefix, node.kind == K::Phrase, label, scratch, false)
            : sequence_query(tokens, compounds, prefix, label, scratch, false);
    Q members = statements_matching(on_records.query(), node);
    return {P::part(members, {PartKind::Filter, label, label}), true, field.name, false};
  }
  throw QuerySyntaxError(node.offset, "field '" + field.name + "' cannot be searched that way");
}

Xapian::Query QueryBuilder::statements_matching(const Xapian::Query& on_records,
                                                const QueryNode& node) {
  // Metadata text (title, speaker) is indexed once, on each statement record. Find
  // the statements it matches, then filter passages by their membership terms.
  std::vector<std::string> ids =
      lookups_.statements_matching(on_records, options_.max_field_statements);
  if (ids.size() > options_.max_field_statements)
    throw QuerySyntaxError(node.offset, "'" + node.field + ":" + node.text +
                                            "' matches more than " +
                                            std::to_string(options_.max_field_statements) +
                                            " statements; make it more specific");
  std::vector<Q> members;
  for (const std::string& id : ids) members.emplace_back(terms::membership_term(schema_, id));
  if (members.empty()) return Q::MatchNothing;
  return Q(Q::OP_OR, members.begin(), members.end());
}

QueryBuilder::Part QueryBuilder::build_range(const QueryNode& node, BuiltQuery&) {
  const FieldSpec* field = schema_.field(node.field);
  if (!field) throw QuerySyntaxError(node.offset, "unknown field '" + node.field + "'");
  if (field->value_slot < 0)
    throw QuerySyntaxError(node.offset, "field '" + field->name + "' has no value slot for ranges");
  std::string low = node.low, high = node.high;
  if (field->role == FieldRole::Date) {
    for (auto* bound : {&low, &high}) {
      if (bound->empty()) continue;
      auto normalised = normalise_date(*bound);
      if (!normalised)
        throw QuerySyntaxError(node.offset,
                               "'" + *bound + "' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)");
      *bound = date_bound(*normalised, bound == &high);
    }
  }
  Q q;
  if (!low.empty() && !high.empty()) {
    if (low > high)
      throw QuerySyntaxError(node.offset, "range " + node.low + ".." + node.high + " is empty");
    q = Q(Q::OP_VALUE_RANGE, field->value_slot, low, high);
  } else if (!low.empty()) {
    q = Q(Q::OP_VALUE_GE, field->value_slot, low);
  } else if (!high.empty()) {
    q = Q(Q::OP_VALUE_LE, field->value_slot, high);
  } else {
    throw QuerySyntaxError(node.offset, "range has neither a start nor an end");
  }
  std::string label = field->name + ":" + node.low + ".." + node.high;
  return {P::part(q, {PartKind::Filter, label, label}), true, field->name, false};
}

QueryBuilder::Part QueryBuilder::build_near(const QueryNode& node, BuiltQuery& out) {
  std::vector<std::string> forms;
  std::string label;
  for (auto& child : node.children) {
    if (child->kind != QueryNode::Kind::Word || !child->field.empty())
      throw QuerySyntaxError(child->offset, "NEAR needs plain words on both sides");
    if (child->wildcard)
      throw QuerySyntaxError(child->offset, "wildcards cannot be used with NEAR");
    std::vector<Token> tokens;
    analyzer_.analyze(child->text, tokens);
    if (tokens.size() != 1)
      throw QuerySyntaxError(child->offset,
                             "NEAR needs single words; '" + child->text + "' is not one word");
    forms.push_back(tokens[0].form);
    label += (label.empty() ? "" : " NEAR ") + child->text;
  }
  unsigned window = node.distance + static_cast<unsigned>(forms.size());
  HighlightPattern p;
  p.kind = HighlightPattern::Kind::Near;
  p.forms = forms;
  p.window = window;
  p.label = label;
  out.highlights.push_back(std::move(p));
  return {positional_part(Q::OP_NEAR, forms, window, label)};
}

QueryPlan QueryBuilder::combine_filters(std::vector<Part>& filters) {
  // Xapian's convention: values of the same field are alternatives (OR), different
  // fields must all hold (AND).
  std::map<std::string, std::vector<P>> by_field;
  for (auto& f : filters) by_field[f.field].push_back(f.plan);
  std::vector<P> groups;
  for (auto& [field, ps] : by_field) groups.push_back(or_of(ps));
  return and_of(groups);
}

std::vector<bool> QueryBuilder::stop_words_to_drop(const QueryNode& bag, bool top_level) {
  using Occur = QueryNode::Occur;
  std::vector<bool> dropped(bag.children.size(), false);
  if (!top_level || options_.stopwords == StopList::None) return dropped;
  // Stop words are dropped from a ranked top-level bag, unless nothing else would remain.
  // A word written as an acronym ("US", "WHO") is not one, unless the whole query shouts.
  auto single_form = [&](const QueryNode& child) -> std::optional<std::string> {
    if (child.kind != QueryNode::Kind::Word || !child.field.empty() || child.wildcard)
      return std::nullopt;
    std::vector<Token> tokens;
    analyzer_.analyze(child.text, tokens);
    if (tokens.size() != 1 || tokens[0].dotted_acronym || (tokens[0].all_caps && !options_.shouted))
      return std::nullopt;
    return tokens[0].form;
  };
  bool any_kept = false;
  for (size_t i = 0; i < bag.children.size(); ++i) {
    Occur occur = i < bag.occurs.size() ? bag.occurs[i] : Occur::Should;
    auto form = single_form(*bag.children[i]);
    dropped[i] = occur == Occur::Should && form && is_stopword(*form, options_.stopwords);
    any_kept = any_kept || !dropped[i];
  }
  if (!any_kept) dropped.assign(bag.children.size(), false);
  return dropped;
}

QueryBuilder::Part QueryBuilder::build_bag(const QueryNode& node, bool top_level, BuiltQuery& out) {
  using Occur = QueryNode::Occur;
  BagParts bag;
  std::vector<bool> dropped = stop_words_to_drop(node, top_level);
  for (size_t i = 0; i < node.children.size(); ++i) {
    Occur occur = i < node.occurs.size() ? node.occurs[i] : Occur::Should;
    if (dropped[i]) {
      out.notes.push_back("ignored '" + node.children[i]->text + "' (stop word)");
      continue;
    }
    if (occur != Occur::MustNot) bag.ranked_words.push_back(node.children[i].get());
    BuiltQuery scratch;
    Part part = build_node(*node.children[i], false, occur == Occur::MustNot ? scratch : out);
    if (part.empty) continue;
    if (occur == Occur::MustNot) {
      bag.must_not.push_back(part.plan);
    } else if (part.filter) {
      bag.filters.push_back(std::move(part));
    } else {
      (occur == Occur::Must ? bag.must : bag.should).push_back(part.plan);
      const QueryNode& child = *node.children[i];
      if (occur == Occur::Should && child.kind == QueryNode::Kind::Word && child.field.empty() &&
          !child.wildcard)
        bag.should_words.emplace_back(&child, part.plan);
    }
  }
  return combine_bag(bag, top_level, out);
}

QueryBuilder::Part QueryBuilder::combine_bag(BagParts& bag, bool top_level, BuiltQuery& out) {
  if (bag.should.empty() && bag.must.empty() && bag.filters.empty()) {
    if (bag.must_not.empty()) return {P(), false, "", true};
    return {P::combine(Q::OP_AND_NOT, {P::selector(Q::MatchAll), or_of(bag.must_not)}), false, "",
            false};
  }
  P q;
  bool only_filters = false;
  if (!bag.should.empty()) {
    q = or_of(bag.should);
    if (top_level && bag.must.empty() && bag.should.size() >= 2 && options_.all_terms_first)
      q = with_all_words_tier(q, bag.should, out);
  }
  if (!bag.must.empty())
    q = bag.should.empty() ? and_of(bag.must) : P::combine(Q::OP_AND_MAYBE, {and_of(bag.must), q});
  if (top_level && options_.proximity_weight > 0 && (!bag.should.empty() || !bag.must.empty())) {
    // Extra weight only: a pair matches only where both of its words do.
    P pairs = proximity_pairs(bag.ranked_words);
    if (!pairs.empty()) q = P::combine(Q::OP_AND_MAYBE, {q, pairs});
  }
  if (top_level && options_.coverage_weight > 0) {
    P covered = coverage(bag);  // extra weight only, like the pairs
    if (!covered.empty()) q = P::combine(Q::OP_AND_MAYBE, {q, covered});
  }
  if (!bag.filters.empty()) {
    P f = combine_filters(bag.filters);
    if (bag.should.empty() && bag.must.empty()) {
      q = f;
      only_filters = true;
    } else {
      q = P::combine(Q::OP_FILTER, {q, f});
    }
  }
  if (!bag.must_not.empty()) {
    P base = only_filters ? P::combine(Q::OP_FILTER, {P::selector(Q::MatchAll), q}) : q;
    return {P::combine(Q::OP_AND_NOT, {base, or_of(bag.must_not)}), false, "", false};
  }
  return {q, only_filters, "", false};
}

QueryPlan QueryBuilder::with_all_words_tier(const QueryPlan& any_word,
                                            const std::vector<QueryPlan>& words, BuiltQuery& out) {
  // Tier: a constant weight larger than any BM25 sum for passages that match every
  // word, so they come first; BM25 orders within each tier.
  double bonus = 1000.0 * static_cast<double>(words.size() + 1);
  auto* source = new Xapian::FixedWeightPostingSource(bonus);
  P tier = P::combine(
      Q::OP_FILTER,
      {P::part(Q(source->release()), {PartKind::Tier, "", "all words", bonus}), and_of(words)});
  out.all_terms_bonus = bonus;
  // OR, not AND_MAYBE: once ten passages are in the tier, Xapian's OR lets the tier
  // (an AND of every word) drive the match, far faster than walking the words (measured).
  return P::combine(Q::OP_OR, {tier, any_word});
}

// Each bare word a passage contains adds coverage_weight x its idf, however often it
// occurs there: a constant (FixedWeightPostingSource, which Xapian's remote backend
// also knows) filtered by the word. The idf is the explicit look-up of this step.
QueryPlan QueryBuilder::coverage(const BagParts& bag) {
  if (bag.should_words.size() < options_.coverage_min_words) return P();
  std::vector<P> words;
  for (const auto& [node, plan] : bag.should_words) {
    std::string term = key_term(*node);
    double idf = term.empty() ? 0 : lookups_.idf(term);
    if (idf <= 0) continue;
    const double share_weight = options_.coverage_weight * idf;
    auto* source = new Xapian::FixedWeightPostingSource(share_weight);
    std::string shown = term.rfind(terms::kStem, 0) == 0 ? term.substr(terms::kStem.size()) : term;
    P share = P::part(Q(source->release()), {PartKind::Coverage, node->text, shown, share_weight});
    words.push_back(P::combine(Q::OP_FILTER, {share, P::selector(plan.query())}));
  }
  if (words.size() < options_.coverage_min_words) return P();
  return or_of(words);
}

// The term that stands for a bare word's document frequency: its stem, or its form.
std::string QueryBuilder::key_term(const QueryNode& word) {
  std::vector<Token> tokens;
  analyzer_.analyze(word.text, tokens);
  if (tokens.size() != 1) return "";
  const std::string& stem = analyzer_.stem(tokens[0].form);
  return stem.empty() ? tokens[0].form : std::string(terms::kStem) + stem;
}

QueryPlan QueryBuilder::proximity_pairs(const std::vector<const QueryNode*>& words) {
  // Pairs of consecutive single-word query words, by exact form (the positional terms).
  // A word that is not a single plain word (a phrase, a field, a wildcard) breaks the chain;
  // stop words are skipped ("effect of drugs" pairs effect with drugs, which a window of 3
  // or more finds), since pairs like "of the" would reward mere frequent phrases.
  std::vector<P> pairs;
  std::string previous;
  for (const QueryNode* node : words) {
    std::string form;
    if (node->kind == QueryNode::Kind::Word && node->field.empty() && !node->wildcard) {
      std::vector<Token> tokens;
      analyzer_.analyze(node->text, tokens);
      if (tokens.size() == 1 && !tokens[0].dotted_acronym) form = tokens[0].form;
      if (is_stopword(form)) continue;
    }
    if (!form.empty() && !previous.empty() && form != previous) {
      std::vector<std::string> pair = {previous, form};
      Q::op op = options_.proximity_near ? Q::OP_NEAR : Q::OP_PHRASE;
      pairs.push_back(positional_part(op, pair, options_.proximity_window, ""));
    }
    previous = form;
  }
  if (pairs.empty()) return P();
  return P::scaled(or_of(pairs).with_kind(PartKind::Proximity), options_.proximity_weight);
}

}  // namespace polsearch
