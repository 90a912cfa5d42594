// Searching a database: parse, build, match with BM25 over passages, collapse per
// statement, fetch metadata and highlight. The searcher binary and the tests (and
// later the HTTP API) all go through this class.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "analyzer.h"
#include "concepts.h"
#include "database.h"
#include "explain.h"
#include "facets.h"
#include "match_counts.h"
#include "query_ast.h"
#include "query_builder.h"
#include "schema.h"
#include "shards.h"
#include "statement_view.h"

namespace polsearch {

enum class QuerySyntax {
  Full,   // the query language (phrases, operators, fields)
  Plain,  // natural-language text: every word is a ranked word, no operators
};

enum class RankUnit {
  Passage,    // rank passages (at most per_doc from one statement)
  Statement,  // rank statements by their best passage (MaxP): one hit per statement
};

// Hit order. Dates come from the date value slot (YYYYMMDD); passages without a date
// come last either way, and equal dates are ordered by relevance.
enum class SortOrder {
  Relevance,
  DateAscending,   // "date": oldest first
  DateDescending,  // "-date": newest first
};
std::string_view sort_order_name(SortOrder order);  // "relevance", "date", "-date"
std::optional<SortOrder> sort_order_named(std::string_view name);

// Facets by default count this many of the best matches: about the cost of a plain
// query, where counting every match costs ~20x (docs/PERFORMANCE.md).
inline constexpr unsigned kDefaultFacetSample = 1000;

struct SearchOptions {
  QuerySyntax syntax = QuerySyntax::Full;
  RankUnit unit = RankUnit::Passage;
  unsigned limit = 10;
  unsigned offset = 0;
  std::optional<unsigned> per_doc;       // default: schema's ranking.per_doc; 0 = no limit
  std::optional<double> k1, b;           // default: schema's ranking
  std::optional<RankingParams> ranking;  // default: schema's [ranking] (k1, b above still win)
  std::string language;                  // query language; default: schema's default
  unsigned check_at_least = 0;           // counts exact up to this many (at least kExactUpTo)
  double time_limit_seconds = 0;         // 0 = none; stops matching early on huge queries
  bool highlight = true;                 // find highlight spans (and fetch metadata) for each hit
  // Keep a passage that repeats the one ranked above it word for word (same statement,
  // same text); by default it is left off the page, and a note says so.
  bool show_repeats = false;
  bool facets = false;  // count matches by speaker, country, source, year
  // Facets count the first facet_sample matches in result order (relevance, or the date
  // order asked for); exact_facets counts every match (it needs the whole match set).
  bool exact_facets = false;
  unsigned facet_sample = kDefaultFacetSample;
  unsigned facet_values = 10;  // values listed per facet (the rest as "(other)")
  bool expand = false;         // expand every word that names a concept (as ~word)
  bool learned = true;         // ~word and --expand add learned wordings too
  LearnedUse learned_use;      // which of them, and their weight
  bool suggest = true;         // "did you mean" for words the index does not have
  SortOrder sort = SortOrder::Relevance;
  // Passages like this one (--like): its best feedback terms, OR-ed and weighted. The
  // query, if any, then only selects (it is a filter); the seed passage is left out and
  // passages of other statements rank before the seed statement's own.
  std::optional<PassageRef> like;
  unsigned like_terms = 20;  // feedback terms taken from the seed passage
  unsigned context = 0;      // also fetch this many passages before and after each hit
  bool explain = false;      // split each hit's weight into its query parts
};

struct ContextPassage {
  uint32_t passage = 0;  // ordinal
  std::string text;
};

struct HitContext {
  std::vector<ContextPassage> before, after;  // in ordinal order
};

struct Hit {
  unsigned rank = 0;       // 1-based
  double score = 0;        // BM25 score (the all-words bonus removed)
  double weight = 0;       // Xapian weight that orders the hits (score + any all-words tier bonus)
  bool all_terms = false;  // matched every bare word (ranked in the first tier)
  std::string doc_id;      // statement id
  uint32_t passage = 0;    // passage ordinal within the statement
  uint64_t char_start = 0, char_end = 0;  // passage offsets in the statement text (code points)
  uint32_t page = 0;                      // PDF page where the passage starts; 0 = no pages
  std::string text;                       // passage text
  std::vector<HighlightSpan> highlights;  // byte offsets into text
  std::vector<std::string> matched;       // labels of query parts found in the passage
  nlohmann::json metadata;                // stored fields of the statement
  Xapian::docid docid = 0;
  unsigned collapsed = 0;             // further passages of this statement folded away
  std::optional<HitContext> context;  // with SearchOptions::context
  std::optional<std::vector<ExplainPart>> explain;  // with SearchOptions::explain; sums to weight
};

struct SearchResult {
  std::string qid;  // batch mode: the query's id
  std::string query;
  std::string parsed;  // Xapian's description of the final query
  MatchCounts counts;  // passages and statements matching, whatever the page shown
  Xapian::doccount estimated_matches = 0;  // = counts.passages.estimate (older name)
  std::vector<Hit> hits;
  std::vector<ShownField> fields;  // the schema's stored fields: each hit's metadata to show
  std::vector<std::string> notes;
  std::vector<Facet> facets;  // with SearchOptions::facets
  // The passages the facets counted (their Facet::total), and whether that is every
  // match (exact counts) or the first facet_sample matches in result order.
  FacetSample facet_sample;
  std::string suggestion;  // the query with unknown words replaced, or ""
  // When nothing matched the query as typed but its suggestion did, these are the
  // suggestion's results and this is the query as typed; otherwise "".
  std::string corrected_from;
  bool ranked = true;  // false when the query is filters only: hits have no score
  SortOrder sort = SortOrder::Relevance;
  std::optional<PassageRef> like;       // with SearchOptions::like: the seed passage
  std::vector<std::string> like_terms;  // ... and the stems its query was made of
  double elapsed_ms = 0;
  // A sharded database searched with ShardOptions::partial: the shards left out of this
  // answer (their names), and a warning saying so.
  std::vector<std::string> missing_shards;
  std::vector<std::string> warnings;
};

// A natural-language query as a bag of ranked words (no operators, no fields).
std::unique_ptr<QueryNode> plain_query(std::string_view text);

// searcher --related WORD: a word's learned wordings (indexer --learn-wordings).
struct RelatedWordings {
  std::string key;                           // the word's analysed forms
  uint64_t passages = 0;                     // passages holding it
  std::vector<LearnedNeighbour> neighbours;  // best first; empty: the word was not learned
  nlohmann::json training;  // the database's kMetaWordings record (when, from what); {} if none
};

// No wordings were learned for the database, or their table cannot be read: the message
// names the file and says what to run.
class NoLearnedWordings : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Searcher {
 public:
  explicit Searcher(const std::string& path);
  explicit Searcher(OpenedDatabase opened);
  // `path` may be a database folder, a sharded database folder or a stub file listing
  // local and remote shards (src/model/shards.h); `shard_options` apply to the shards.
  // Throws DatabaseError, ShardError naming a shard that cannot be opened.
  Searcher(const std::string& path, const ShardOptions& shard_options);

  const Schema& schema() const { return schema_; }
  // The shards, for a sharded database or stub; nullptr for one database.
  const ShardSet* shards() const { return shards_.get(); }
  Xapian::Database& database() { return db_; }

  // Throws QuerySyntaxError (with position) for bad queries.
  // With options.like, the query may be empty. Throws NotFoundError if the --like
  // passage does not exist.
  SearchResult search(const std::string& query, const SearchOptions& options);

  // One statement with all its passages (searcher show); throws NotFoundError.
  StatementView statement(const std::string& id);

  // The learned wordings near `word`; throws NoLearnedWordings.
  RelatedWordings related(const std::string& word);

 private:
  Searcher(const std::string& path, std::shared_ptr<ShardSet> shards);
  SearchResult search_once(const std::string& query, const SearchOptions& options);
  // A shard failed under a search (NetworkError): reconnect once, then name the failed
  // shards (ShardError) or, with ShardOptions::partial, leave them out. `failures`
  // counts the calls for this search.
  void recover_from_shard_failure(const Xapian::NetworkError& error, int failures);
  void note_missing_shards(SearchResult& result) const;
  // Where the spelling table and the compound synonyms are: a sharded database's
  // auxiliary database, else the database itself.
  const Xapian::Database& tables_db() const;
  void check_remote_support(const RankingParams& ranking) const;
  // run() in steps: each reads and extends the Run it is given.
  struct Run;
  SearchResult run(const std::string& query, const SearchOptions& options);
  RankingParams effective_ranking(const SearchOptions& options) const;
  void prepare_query(Run& run, const std::string& query);  // parse, build, --like
  void configure_enquire(Run& run, Xapian::Enquire& enquire);
  void add_feedback(Run& run, Xapian::Enquire& enquire);  // --prf: a first match, then expand
  void set_sort(Run& run, Xapian::Enquire& enquire);
  void set_tier_offset(Run& run, const Xapian::MSet& mset);
  void collect_statements(Run& run, Xapian::Enquire& enquire);  // --other-passages
  void collect_passages(Run& run, Xapian::Enquire& enquire);
  // The page of hits from the ranked match, less passages repeating the one above them.
  void add_page(Run& run, const Xapian::MSet& mset, Xapian::doccount skip);
  unsigned collapse_per_doc(const Run& run) const;  // passages kept per statement; 0 = all
  void count_facet_sample(Run& run, Xapian::Enquire& enquire, FacetCollector& facets);
  Xapian::MSet match_undated_last(Run& run, Xapian::Enquire& enquire);
  Hit make_hit(Run& run, const Xapian::MSetIterator& it, double weight, unsigned collapsed);
  void add_context(Hit& hit, unsigned n);
  DocumentScope explain_scope(const std::vector<Hit>& hits) const;  // the shown hits
  void add_explanations(const Run& run, std::vector<Hit>& hits);
  nlohmann::json statement_metadata(const std::string& id);
  std::unique_ptr<Xapian::Weight> weighting(const RankingParams& ranking);
  // Matches the --like seed passage alone, to keep it out of the results.
  Xapian::Query seed_passage_query(const PassageRef& seed, Xapian::docid docid) const;
  Xapian::Query like_query(const PassageRef& seed, unsigned max_terms, double& tier_bonus,
                           SearchResult& result, std::vector<HighlightPattern>& highlights,
                           std::vector<ExplainComponent>& explained);
  std::string suggest_spelling(const QueryNode& tree, const std::string& query);
  void count_matches(Run& run);                        // exact counts, and "+N more" for each hit
  Xapian::doccount exact_up_to(const Run& run) const;  // counts are exact up to this many
  MatchCounter counter(const Run& run);
  // Counting inside the ranked match (SharedCount) where it applies, for a ranked match
  // run with `check_at_least`; true if it does.
  bool start_shared_count(Run& run, Xapian::Enquire& enquire, Xapian::doccount check_at_least);
  // Statement records' count and summed length, left out of BM25's statistics when
  // ranking.passage_stats is on; recounted when the database changes.
  void update_record_stats();
  // DIR/wordings/neighbours.tsv, read when first needed (~word, --expand, --related:
  // parsing it takes a tenth of a second that other searches should not pay); null if
  // there is none. A table the metadata records but that is missing or damaged leaves
  // learned_problem_ set, which such searches carry as a warning.
  const LearnedWordings* learned_wordings();

  Xapian::Database db_;
  std::shared_ptr<ShardSet> shards_;
  Schema schema_;
  std::string path_;
  Analyzer analyzer_;
  ConceptTable concepts_;
  std::optional<LearnedWordings> learned_;
  bool learned_read_ = false;
  std::string learned_problem_;  // why learned_ is empty though wordings were learned
  bool stats_valid_ = false;
  Xapian::doccount stats_doccount_ = 0;
  Xapian::totallength stats_length_ = 0;
  double record_count_ = 0, record_length_ = 0;
  StatementMemo statement_memo_;  // passages' statements, for counting (match_counts.h)
};

}  // namespace polsearch
