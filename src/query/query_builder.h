// Turns a parsed query (query_ast.h) into a Xapian::Query, using the schema for
// field prefixes and value slots and the shared Analyzer for words, so that query
// terms are made exactly like indexed terms. Also produces the highlight patterns
// that say which words of a passage the query matched.
#pragma once

#include <string>
#include <vector>

#include <xapian.h>

#include "analyzer.h"
#include "concepts.h"
#include "highlight.h"
#include "query_ast.h"
#include "query_lookups.h"
#include "query_plan.h"
#include "schema.h"

namespace polsearch {

struct BuiltQuery {
  QueryPlan plan;       // the query's typed parts (for --explain)
  Xapian::Query query;  // plan.query()
  std::vector<HighlightPattern> highlights;
  // Passages that contain every bare word get this much extra weight so they rank
  // first (0 if not used); output subtracts it again.
  double all_terms_bonus = 0;
  bool ranked = true;              // false for filters only: every hit weighs 0, in index order
  std::vector<std::string> notes;  // e.g. words that analysed to nothing
};

enum class StopList { None, Lucene, Common };
StopList stop_list_named(std::string_view name);  // "none", "lucene", "common"

// How ~word and --expand use wordings learned from the corpus
// (QueryLookups::learned_neighbours): at most `max` of them (0 = none), each at least
// `min_similarity` similar and held by at least `min_passages` passages, counting
// `weight` (a concept's wordings count QueryBuilderOptions::expansion_weight).
// The defaults are the judged set's choice (docs/EVALUATION.md): looser ones lose.
struct LearnedUse {
  double min_similarity = 0.8;
  unsigned max = 2;
  double weight = 0.15;
  uint64_t min_passages = 5;
};

struct QueryBuilderOptions {
  double exact_boost = 0.25;
  bool all_terms_first = true;
  // Top-level bare words from this stop list are dropped (unless every word is one).
  StopList stopwords = StopList::None;
  // The query is written all in capitals ("USE OF DIGITAL COMPUTERS"): capitals say
  // nothing about acronyms then, so "US" / "IT" / "WHO" are searched as ordinary words.
  bool shouted = false;
  // Adjacent top-level bare words also match as a pair: OP_PHRASE within `window`
  // positions (OP_NEAR if `near`), adding `weight` times the pair's BM25. 0 = off.
  double proximity_weight = 0;
  unsigned proximity_window = 2;
  bool proximity_near = false;
  unsigned max_wildcard_expansion = 512;
  unsigned max_field_statements = 50000;  // speaker:/title: may select at most this many statements
  // Concept groups and spelling pairs (schema/concepts.toml); null = none. Spelling
  // variants (defence/defense) always meet; concepts expand for ~word, or for every
  // word and phrase with expand_all (--expand).
  const ConceptTable* concepts = nullptr;
  bool expand_all = false;
  double expansion_weight = 0.5;  // other wordings count this much: the typed wording ranks first
  LearnedUse learned;             // learned wordings join a concept's for ~word and --expand
  // RankingParams::coverage_weight and coverage_min_words.
  double coverage_weight = 0;
  unsigned coverage_min_words = 3;
};

// True if the normalised form is on the list: Lucene's 33 English stop words (the list
// behind the published Anserini BM25 figures) or the analyser's 180 common English words
// (Analyzer::is_common_word), which include all of Lucene's.
bool is_stopword(std::string_view form, StopList list = StopList::Common);

class QueryBuilder {
 public:
  // Every look-up in the index goes through `lookups` (query_lookups.h).
  QueryBuilder(const QueryLookups& lookups, const Schema& schema, Analyzer& analyzer,
               const QueryBuilderOptions& options);

  // Throws QuerySyntaxError for semantic problems tied to a position (a range on a
  // field without a value slot, a bad date, a NEAR operand that is not a word).
  BuiltQuery build(const QueryNode& root);

 private:
  struct Part {
    QueryPlan plan;
    bool filter = false;  // boolean only (field filters, ranges): no weight
    std::string field;    // for grouping filters: same field OR, different fields AND
    bool empty = false;   // analysed to nothing
    Part(QueryPlan p = {}, bool is_filter = false, std::string filter_field = {},
         bool is_empty = false)
        : plan(std::move(p)), filter(is_filter), field(std::move(filter_field)), empty(is_empty) {}
  };
  Part build_node(const QueryNode& node, bool top_level, BuiltQuery& out);
  Part build_word(const QueryNode& node, BuiltQuery& out);
  Part build_word_as_written(const QueryNode& node, BuiltQuery& out);
  Part build_phrase_as_written(const QueryNode& node, BuiltQuery& out);
  Part build_phrase(const QueryNode& node, BuiltQuery& out);
  Part build_field(const QueryNode& node, const FieldSpec& field, BuiltQuery& out);
  Part build_range(const QueryNode& node, BuiltQuery& out);
  Part build_near(const QueryNode& node, BuiltQuery& out);
  // A bag's children sorted by how they occur (query_ast.h's Occur).
  struct BagParts {
    std::vector<QueryPlan> should, must, must_not;
    std::vector<Part> filters;
    std::vector<const QueryNode*> ranked_words;  // for proximity pairs, in query order
    std::vector<std::pair<const QueryNode*, QueryPlan>> should_words;  // single bare words
  };
  Part build_bag(const QueryNode& node, bool top_level, BuiltQuery& out);
  std::vector<bool> stop_words_to_drop(const QueryNode& bag, bool top_level);
  Part combine_bag(BagParts& bag, bool top_level, BuiltQuery& out);
  QueryPlan with_all_words_tier(const QueryPlan& any_word, const std::vector<QueryPlan>& words,
                                BuiltQuery& out);
  QueryPlan proximity_pairs(const std::vector<const QueryNode*>& words);
  QueryPlan coverage(const BagParts& bag);
  std::string key_term(const QueryNode& word);
  QueryPlan word_query(const Token& token, const std::string& prefix, bool exact,
                       const std::string& label, BuiltQuery& out, bool highlight);
  struct Spelling {
    Xapian::Query query;
    std::string shown;  // the stem, form or "word word" it matches
    PartKind kind;
  };
  std::vector<Spelling> spellings_of(const Token& token, const std::string& prefix,
                                     const std::string& label, BuiltQuery& out, bool highlight);
  QueryPlan one_term_for_spellings(const std::vector<Spelling>& spellings,
                                   const std::string& label);
  QueryPlan sequence_query(const std::vector<Token>& tokens, const std::vector<Compound>& compounds,
                           const std::string& prefix, const std::string& label, BuiltQuery& out,
                           bool highlight);
  QueryPlan combine_filters(std::vector<Part>& filters);
  QueryPlan expand_concepts(QueryPlan base, const std::vector<Token>& tokens,
                            const std::string& label, BuiltQuery& out);
  std::vector<QueryPlan> concept_wordings(const std::vector<const Concept*>& concepts,
                                          const std::string& own, const std::string& label,
                                          std::vector<std::string>& keys, BuiltQuery& out);
  std::vector<QueryPlan> learned_wordings(const std::string& own, const std::string& label,
                                          std::vector<std::string>& keys, BuiltQuery& out);
  QueryPlan wording_query(const std::string& wording, const std::string& label, BuiltQuery& out);
  Xapian::Query statements_matching(const Xapian::Query& on_records, const QueryNode& node);

  const QueryLookups& lookups_;
  const Schema& schema_;
  Analyzer& analyzer_;
  QueryBuilderOptions options_;
};

}  // namespace polsearch
