#include "searcher.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include "match_counts.h"
#include "repeats.h"
#include "spelling.h"
#include "terms.h"

namespace polsearch {

namespace {

// BM25 as Xapian::BM25Weight computes it (k2 = 0, one query occurrence per term), with
// two options: statistics that leave out the statement records (they are metadata,
// never results, yet Xapian counts them in N and the average length), and Lucene's idf.
class PassageBM25Weight : public Xapian::Weight {
 public:
  PassageBM25Weight(double k1, double b, double min_normlen, bool lucene_idf, double excluded_docs,
                    double excluded_length)
      : k1_(k1),
        b_(b),
        min_normlen_(min_normlen),
        lucene_idf_(lucene_idf),
        excluded_docs_(excluded_docs),
        excluded_length_(excluded_length) {
    need_stat(COLLECTION_SIZE);
    need_stat(AVERAGE_LENGTH);
    need_stat(TERMFREQ);
    need_stat(WDF);
    need_stat(WDF_MAX);
    need_stat(DOC_LENGTH);
    need_stat(DOC_LENGTH_MIN);
  }

  std::string name() const override { return "polsearch::PassageBM25Weight"; }

  PassageBM25Weight* clone() const override {
    return new PassageBM25Weight(k1_, b_, min_normlen_, lucene_idf_, excluded_docs_,
                                 excluded_length_);
  }

  void init(double factor) override {
    weight_ = max_ = 0;
    if (factor == 0) return;  // the term-independent part, which BM25 (k2 = 0) has not
    double docs = static_cast<double>(get_collection_size());
    double total = get_average_length() * docs;
    double n_docs = std::max(1.0, docs - excluded_docs_);
    double average = (total - excluded_length_) / n_docs;
    inv_average_ = average > 0 ? 1 / average : 1;
    double n = std::min(static_cast<double>(get_termfreq()), n_docs);
    double tw = (n_docs - n + 0.5) / (n + 0.5);
    double idf;
    if (lucene_idf_) {
      idf = std::log1p(tw);
    } else {
      if (tw < 2) tw = tw * 0.5 + 1;  // Xapian's damping for terms in over a third of documents
      idf = std::log(tw);
    }
    weight_ = idf * factor * (k1_ + 1);
    double wdf_max = get_wdf_upper_bound();
    double shortest = std::max(get_doclength_lower_bound() * inv_average_, min_normlen_);
    if (wdf_max > 0) max_ = weight_ * wdf_max / (wdf_max + k1_ * (1 - b_ + b_ * shortest));
  }

  double get_sumpart(Xapian::termcount wdf, Xapian::termcount doclen,
                     Xapian::termcount) const override {
    if (wdf == 0) return 0;
    double normlen = std::max(doclen * inv_average_, min_normlen_);
    return weight_ * wdf / (wdf + k1_ * (1 - b_ + b_ * normlen));
  }
  double get_maxpart() const override { return max_; }
  double get_sumextra(Xapian::termcount, Xapian::termcount) const override { return 0; }
  double get_maxextra() const override { return 0; }

 private:
  double k1_, b_, min_normlen_;
  bool lucene_idf_;
  double excluded_docs_, excluded_length_;
  double weight_ = 0, max_ = 0, inv_average_ = 1;
};

// Feedback terms: stems of passage words ("Z" + a stem; prefixed fields have a capital
// after the Z), not common words, not numbers.
class ExpansionDecider : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override {
    if (term.size() < 3 || term[0] != terms::kStem[0]) return false;
    unsigned char c = static_cast<unsigned char>(term[1]);
    if (c >= 'A' && c <= 'Z') return false;
    // Numbers (years, counts, ids) are poor expansion words: measured, SciFact loses less.
    if (term.find_first_of("0123456789") != std::string::npos) return false;
    return !is_stopword(std::string_view(term).substr(1));
  }
};

// A feedback term (a stem, per ExpansionDecider) as a part, labelled with the query word
// it reinforces if it is one of the query's stems.
QueryPlan feedback_part(const std::string& term, const std::vector<HighlightPattern>& patterns) {
  std::string stem = term.substr(terms::kStem.size());
  std::string label;
  for (const HighlightPattern& p : patterns)
    if (p.kind == HighlightPattern::Kind::Word && p.stem == stem) {
      label = p.label;
      break;
    }
  return QueryPlan::part(Xapian::Query(term), {PartKind::Feedback, label, stem});
}

// The most one term can add to a passage's weight under the searcher's BM25: its idf
// times (k1 + 1), the limit as its wdf grows. Only statistics that Xapian merges across
// shards go in (N and the term's frequency), so the bound is the same on one database and
// on any shards; Xapian's own get_max_possible() also uses each shard's wdf and length
// bounds and takes the largest shard's.
struct TermBoundStats {
  double docs = 0;  // N as the weighting counts it
  double k1 = 0;
  bool lucene_idf = false;
};

double max_term_weight(const TermBoundStats& stats, double termfreq) {
  double n = std::min(termfreq, stats.docs);
  double tw = (stats.docs - n + 0.5) / (n + 0.5);
  double idf;
  if (stats.lucene_idf) {
    idf = std::log1p(tw);
  } else {
    if (tw < 2) tw = tw * 0.5 + 1;  // Xapian's damping, as in the weights themselves
    idf = std::log(tw);
  }
  return std::max(0.0, idf) * (stats.k1 + 1);
}

// A bound on what one part's Xapian query adds to a passage's weight; `termfreq` gives
// a query term's frequency (from the MSet: no round trip to remote shards). Phrases, NEAR
// and the other operators weigh as the sum of their terms; a synonym or a wildcard weighs
// as one term whose frequency is at least that of its most frequent term (a wildcard's
// expansion is unknown here: at least 1); a posting source adds `constant`.
double part_query_bound(const TermBoundStats& stats,
                        const std::function<double(const std::string&)>& termfreq,
                        const Xapian::Query& query, double constant) {
  using Q = Xapian::Query;
  switch (query.get_type()) {
    case Q::LEAF_TERM:
      return max_term_weight(stats, termfreq(*query.get_terms_begin()));
    case Q::LEAF_MATCH_ALL:
      return max_term_weight(stats, stats.docs);
    case Q::LEAF_MATCH_NOTHING:
      return 0;
    case Q::LEAF_POSTING_SOURCE:
      return constant;
    case Q::OP_WILDCARD:
      return max_term_weight(stats, 1);
    case Q::OP_SYNONYM: {
      double most_frequent = 1;
      for (size_t i = 0; i < query.get_num_subqueries(); ++i) {
        const Q sub = query.get_subquery(i);
        if (sub.get_type() == Q::LEAF_TERM)
          most_frequent = std::max(most_frequent, termfreq(*sub.get_terms_begin()));
      }
      return max_term_weight(stats, most_frequent);
    }
    case Q::OP_AND_NOT:
    case Q::OP_FILTER:  // the others only select
      return query.get_num_subqueries() == 0
                 ? 0
                 : part_query_bound(stats, termfreq, query.get_subquery(0), constant);
    default:
      break;
  }
  double sum = 0;
  for (size_t i = 0; i < query.get_num_subqueries(); ++i)
    sum += part_query_bound(stats, termfreq, query.get_subquery(i), constant);
  return sum;
}

// Sort key for date orders: the date value, and for undated passages a key that puts
// them last in either direction.
class DateKey : public Xapian::KeyMaker {
 public:
  DateKey(Xapian::valueno slot, bool newest_first) : slot_(slot), newest_first_(newest_first) {}
  std::string operator()(const Xapian::Document& doc) const override {
    std::string date = doc.get_value(slot_);
    if (!date.empty()) return date;
    return newest_first_ ? std::string() : std::string(1, '\xff');
  }

 private:
  Xapian::valueno slot_;
  bool newest_first_;
};

// True for a query written all in capitals: at least three words in capitals and no
// lower-case letter anywhere.
bool is_shouted(std::string_view query) {
  unsigned caps_words = 0;
  bool in_caps = false;
  for (unsigned char c : query) {
    if (c >= 'a' && c <= 'z') return false;
    bool upper = c >= 'A' && c <= 'Z';
    if (upper && !in_caps) ++caps_words;
    in_caps = upper || (in_caps && c >= 0x80);
  }
  return caps_words >= 3;
}

// True if the query is only ranked words and phrases (no filters, required or excluded
// parts, no boolean operators): widening it with more words keeps its meaning.
bool ranked_words_only(const QueryNode& root) {
  using K = QueryNode::Kind;
  auto ranked = [](const QueryNode& n) {
    return n.field.empty() && (n.kind == K::Word || n.kind == K::Phrase || n.kind == K::Near);
  };
  if (root.kind != K::Bag) return ranked(root);
  for (size_t i = 0; i < root.children.size(); ++i) {
    if (i < root.occurs.size() && root.occurs[i] != QueryNode::Occur::Should) return false;
    if (!ranked(*root.children[i])) return false;
  }
  return true;
}

}  // namespace

std::string_view sort_order_name(SortOrder order) {
  switch (order) {
    case SortOrder::DateAscending:
      return "date";
    case SortOrder::DateDescending:
      return "-date";
    case SortOrder::Relevance:
      break;
  }
  return "relevance";
}

std::optional<SortOrder> sort_order_named(std::string_view name) {
  for (SortOrder order :
       {SortOrder::Relevance, SortOrder::DateAscending, SortOrder::DateDescending})
    if (name == sort_order_name(order)) return order;
  return std::nullopt;
}

std::unique_ptr<QueryNode> plain_query(std::string_view text) {
  auto bag = std::make_unique<QueryNode>();
  bag->kind = QueryNode::Kind::Bag;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) break;
    auto word = std::make_unique<QueryNode>();
    word->kind = QueryNode::Kind::Word;
    word->text = std::string(text.substr(start, i - start));
    word->offset = start;
    word->length = i - start;
    bag->children.push_back(std::move(word));
    bag->occurs.push_back(QueryNode::Occur::Should);
  }
  if (bag->children.empty()) throw QuerySyntaxError(0, "empty query");
  bag->length = text.size();
  return bag;
}

Searcher::Searcher(const std::string& path) : Searcher(path, ShardOptions{}) {}

Searcher::Searcher(const std::string& path, const ShardOptions& shard_options)
    : Searcher(path, is_stub(path) ? std::make_shared<ShardSet>(read_stub(path), shard_options)
                                   : nullptr) {}

Searcher::Searcher(const std::string& path, std::shared_ptr<ShardSet> shards)
    : Searcher(shards ? OpenedDatabase{shards->open(), shards->schema()} : open_for_search(path)) {
  path_ = path;
  shards_ = std::move(shards);
}

const LearnedWordings* Searcher::learned_wordings() {
  if (learned_read_) return learned_ ? &*learned_ : nullptr;
  learned_read_ = true;
  // A sharded database keeps them with its auxiliary database (indexer --learn-wordings).
  std::string home = shards_ ? shards_->aux_path() : path_;
  if (home.empty()) return nullptr;
  std::string file = wordings_file(home);
  std::string retrain = " (run indexer --db " + path_ + " --learn-wordings)";
  std::ifstream in(file);
  if (!in) {
    if (!tables_db().get_metadata(std::string(kMetaWordings)).empty())
      learned_problem_ =
          file + ": " + std::strerror(errno) + "; searching without learned wordings" + retrain;
    return nullptr;
  }
  try {
    learned_ = LearnedWordings::parse(in, file);
  } catch (const std::runtime_error& e) {
    learned_problem_ = std::string(e.what()) + "; searching without learned wordings" + retrain;
  }
  return learned_ ? &*learned_ : nullptr;
}

RelatedWordings Searcher::related(const std::string& word) {
  if (!learned_wordings()) {
    if (!learned_problem_.empty()) throw NoLearnedWordings(learned_problem_);
    throw NoLearnedWordings(path_ + ": no learned wordings; run indexer --db " + path_ +
                            " --learn-wordings");
  }
  RelatedWordings out;
  out.key = wording_key(word, analyzer_);
  out.passages = learned_->passages(out.key);
  if (const auto* found = learned_->neighbours(out.key)) out.neighbours = *found;
  out.training =
      nlohmann::json::parse(tables_db().get_metadata(std::string(kMetaWordings)), nullptr, false);
  if (!out.training.is_object()) out.training = nlohmann::json::object();
  return out;
}

const Xapian::Database& Searcher::tables_db() const {
  return shards_ && shards_->aux() ? *shards_->aux() : db_;
}

Searcher::Searcher(OpenedDatabase opened)
    : db_(std::move(opened.db)),
      schema_(std::move(opened.schema)),
      analyzer_(AnalyzerOptions{schema_.default_language}),
      concepts_(ConceptTable::builtin(analyzer_)) {}

nlohmann::json Searcher::statement_metadata(const std::string& id) {
  std::string unique = terms::record_term(id);
  auto it = db_.postlist_begin(unique);
  if (it == db_.postlist_end(unique)) return nlohmann::json::object();
  auto parsed = nlohmann::json::parse(db_.get_document(*it).get_data(), nullptr, false);
  return parsed.is_discarded() ? nlohmann::json::object() : parsed;
}

SearchResult Searcher::search(const std::string& query, const SearchOptions& options) {
  SearchResult result = search_once(query, options);
  // Nothing matched, but the spelling suggestion would: show its results instead,
  // and say so (the output names both queries).
  if (result.estimated_matches > 0 || result.suggestion.empty()) return result;
  SearchResult corrected = search_once(result.suggestion, options);
  if (corrected.estimated_matches == 0) return result;
  corrected.corrected_from = query;
  corrected.suggestion.clear();
  corrected.elapsed_ms += result.elapsed_ms;
  return corrected;
}

SearchResult Searcher::search_once(const std::string& query, const SearchOptions& options) {
  // A reader can see DatabaseModifiedError when an indexer commits twice during
  // one search; reopening moves to the newest committed state.
  int network_failures = 0;
  // With --partial, shards left out are tried again now and then.
  if (shards_ && shards_->retry_missing(std::chrono::seconds(30))) db_ = shards_->open();
  for (int attempt = 0;; ++attempt) {
    try {
      SearchResult result = run(query, options);
      note_missing_shards(result);
      return result;
    } catch (const Xapian::DatabaseModifiedError&) {
      if (attempt >= 5) throw;
      db_.reopen();
    } catch (const Xapian::NetworkError& e) {
      if (!shards_) throw;
      recover_from_shard_failure(e, ++network_failures);
    }
  }
}

void Searcher::recover_from_shard_failure(const Xapian::NetworkError& error, int failures) {
  // A remote connection that failed (the server's idle timeout closed it, the server
  // restarted) is dead for good: Xapian needs a new Database. A timeout is not worth a
  // second wait, so it goes straight to finding the shard.
  const bool timed_out = std::string_view(error.get_type()) == "NetworkTimeoutError";
  if (failures == 1 && !timed_out) {
    db_ = shards_->open();
    return;
  }
  std::vector<std::string> failed = shards_->probe_failures();
  if (failed.empty() || failures > static_cast<int>(shards_->size()) + 2)
    throw ShardError("a shard failed during the search: " + error.get_description());
  if (!shards_->partial())
    throw ShardError(failed.front() + ": " + error.get_description() +
                     " (searcher --partial answers from the other shards)");
  shards_->exclude(failed);
  db_ = shards_->open();
}

void Searcher::note_missing_shards(SearchResult& result) const {
  if (!shards_ || shards_->missing().empty()) return;
  result.missing_shards = shards_->missing();
  std::string names;
  for (auto& name : result.missing_shards) names += (names.empty() ? "" : "; ") + name;
  result.warnings.push_back("partial results: " + std::to_string(result.missing_shards.size()) +
                            " of " + std::to_string(shards_->size()) +
                            " shards did not answer and their statements are left out: " + names);
}

void Searcher::check_remote_support(const RankingParams& ranking) const {
  if (!shards_ || !shards_->has_remote()) return;
  // Xapian's remote servers run only Xapian's own weighting schemes and posting sources,
  // and Xapian 1.4 has no public API for a server that registers more (docs/DEPLOYMENT.md).
  if (!ranking.passage_stats && !ranking.lucene_idf) return;
  std::string knobs, options;
  for (auto [on, knob, option] :
       {std::tuple{ranking.passage_stats, "passage_stats", "passage-stats"},
        std::tuple{ranking.lucene_idf, "lucene_idf", "lucene-idf"}}) {
    if (!on) continue;
    knobs += std::string(knobs.empty() ? "" : " and ") + "ranking." + knob;
    options += std::string(options.empty() ? "" : " ") + "--" + option + " off";
  }
  const bool both = ranking.passage_stats && ranking.lucene_idf;
  throw ShardError(path_ + ": " + knobs + (both ? " need" : " needs") +
                   " polsearch's own BM25 weighting, which Xapian's remote servers "
                   "(xapian-tcpsrv, xapian-progsrv) cannot run: they know only Xapian's "
                   "built-in weights. Search local shards, or turn it off (searcher " +
                   options + ", or the schema's [ranking])");
}

StatementView Searcher::statement(const std::string& id) {
  for (int attempt = 0;; ++attempt) {
    try {
      StatementView view = load_statement(db_, schema_, id);
      view.fields = schema_.shown_fields();
      return view;
    } catch (const Xapian::DatabaseModifiedError&) {
      if (attempt >= 5) throw;
      db_.reopen();
    } catch (const Xapian::NetworkError& e) {
      if (!shards_) throw;
      recover_from_shard_failure(e, attempt + 1);
    }
  }
}

std::unique_ptr<Xapian::Weight> Searcher::weighting(const RankingParams& ranking) {
  if (ranking.passage_stats || ranking.lucene_idf) {
    if (ranking.passage_stats) update_record_stats();
    double excluded_docs = ranking.passage_stats ? record_count_ : 0;
    double excluded_length = ranking.passage_stats ? record_length_ : 0;
    return std::make_unique<PassageBM25Weight>(ranking.k1, ranking.b, ranking.min_normlen,
                                               ranking.lucene_idf, excluded_docs, excluded_length);
  }
  return std::make_unique<Xapian::BM25Weight>(ranking.k1, 0, 1, ranking.b, ranking.min_normlen);
}

Xapian::Query Searcher::like_query(const PassageRef& seed, unsigned max_terms, double& tier_bonus,
                                   SearchResult& result, std::vector<HighlightPattern>& highlights,
                                   std::vector<ExplainComponent>& explained) {
  using Q = Xapian::Query;
  StatementPassage passage = load_passage(db_, schema_, seed);
  result.like = seed;
  // The seed's most telling stems by Xapian's expansion weight over a relevance set of
  // one, chosen as for pseudo-relevance feedback (stems only, no common words, no numbers).
  Xapian::Enquire probe(db_);
  Xapian::RSet rset;
  rset.add_document(passage.docid);
  ExpansionDecider decider;
  // Exact term frequencies: over several shards Xapian would otherwise estimate them,
  // and the terms (and weights) would depend on the shards.
  Xapian::ESet eset =
      probe.get_eset(max_terms, rset, Xapian::Enquire::USE_EXACT_TERMFREQ, &decider);
  std::vector<QueryPlan> weighted;
  double top = eset.empty() ? 0 : eset.begin().get_weight();
  for (auto it = eset.begin(); it != eset.end() && top > 0; ++it) {
    std::string stem = (*it).substr(terms::kStem.size());
    weighted.push_back(QueryPlan::scaled(QueryPlan::part(Q(*it), {PartKind::Like, stem, stem}),
                                         it.get_weight() / top));
    result.like_terms.push_back(stem);
    HighlightPattern pattern;
    pattern.kind = HighlightPattern::Kind::Word;
    pattern.forms = {stem};
    pattern.stem = stem;
    pattern.label = stem;
    highlights.push_back(std::move(pattern));
  }
  if (weighted.empty()) {
    result.notes.push_back(seed.str() + " has no words to search by");
    return Q::MatchNothing;
  }
  QueryPlan similar = QueryPlan::combine(Q::OP_OR, std::move(weighted));
  // Other statements first: a constant weight above any similarity score (as for the
  // all-words tier), taken off again in the output.
  tier_bonus = 1000.0 * static_cast<double>(similar.parts().size() + 1);
  Q own_statement(terms::membership_term(schema_, seed.doc_id));
  Q bonus((new Xapian::FixedWeightPostingSource(tier_bonus))->release());
  QueryPlan others = QueryPlan::combine(
      Q::OP_AND_NOT, {QueryPlan::part(bonus, {PartKind::Tier, "", "other statement"}),
                      QueryPlan::selector(own_statement)});
  explained.push_back({similar});
  explained.push_back({others});
  return Q(Q::OP_AND_NOT, Q(Q::OP_AND_MAYBE, similar.query(), others.query()),
           seed_passage_query(seed, passage.docid));
}

Xapian::Query Searcher::seed_passage_query(const PassageRef& seed, Xapian::docid docid) const {
  if (!shards_ || !shards_->has_remote()) return single_document_query(db_, docid);
  // Remote servers run no posting source of ours: the seed is singled out by terms.
  std::optional<Xapian::Query> by_terms = passage_by_terms(db_, schema_, seed.doc_id, docid);
  if (!by_terms)
    throw ShardError(
        path_ + ": --like " + seed.str() +
        " over remote shards: another passage of that statement has exactly the "
        "same words, so the seed cannot be told apart by its terms (use local shards)");
  return *by_terms;
}

void Searcher::update_record_stats() {
  Xapian::doccount docs = db_.get_doccount();
  Xapian::totallength length = db_.get_total_length();
  if (stats_valid_ && docs == stats_doccount_ && length == stats_length_) return;
  double count = 0, total = 0;
  const std::string record(terms::kRecordType);
  for (auto it = db_.postlist_begin(record); it != db_.postlist_end(record); ++it) {
    ++count;
    total += static_cast<double>(it.get_doclength());
  }
  record_count_ = count;
  record_length_ = total;
  stats_doccount_ = docs;
  stats_length_ = length;
  stats_valid_ = true;
}

std::string Searcher::suggest_spelling(const QueryNode& tree, const std::string& query) {
  return SpellingCorrector(db_, tables_db(), analyzer_, concepts_).suggest(tree, query);
}

// One search under way: what the steps of run() hand each other.
struct Searcher::Run {
  Run(const SearchOptions& search_options, RankingParams effective)
      : options(search_options), ranking(std::move(effective)) {}
  const SearchOptions& options;
  RankingParams ranking;
  bool like_mode = false;   // --like: similar passages; the query, if any, only filters
  bool statements = false;  // rank statements, not passages
  SearchResult result;
  std::unique_ptr<QueryNode> tree;  // null for --like without a query
  BuiltQuery built;
  // Weighted pieces of the final query, for --explain; a tier's constant weight is
  // taken off in the output.
  std::vector<ExplainComponent> explained;
  double tier_bonus = 0;
  // A bound on the weight of a hit outside the tier, the same whatever the shards
  // (set_tier_offset). A tier hit's score is its weight less the (huge) bonus plus
  // this, so that scores fall as rank grows.
  double tier_offset = 0;
  std::unique_ptr<Xapian::Weight> scheme;
  std::unique_ptr<Xapian::KeyMaker> date_key;  // with a date order; must outlive the enquire
  // Remote shards, oldest first: the date slot, and the undated matches that follow the
  // dated ones (see set_sort).
  std::optional<Xapian::valueno> undated_last_slot;
  std::optional<Xapian::valueno> remote_date_sort;  // remote shards: sorted by this value
  Xapian::MSet undated;
  std::unordered_map<std::string, nlohmann::json> metadata;  // statement id -> its record's
  // Counting inside the ranked match, where it can (start_shared_count), and its counts.
  std::unique_ptr<SharedCount> shared_count;
  std::optional<MatchCounts> counts;
};

RankingParams Searcher::effective_ranking(const SearchOptions& options) const {
  RankingParams ranking = options.ranking.value_or(schema_.ranking);
  if (options.k1) ranking.k1 = *options.k1;
  if (options.b) ranking.b = *options.b;
  return ranking;
}

void Searcher::prepare_query(Run& run, const std::string& query) {
  const SearchOptions& options = run.options;
  bool plain = options.syntax == QuerySyntax::Plain;
  // With --like the query only selects among similar passages, and may be left out.
  if (!run.like_mode || query.find_first_not_of(" \t\r\n") != std::string::npos)
    run.tree = plain ? plain_query(query) : parse_query(query, schema_.field_names());
  QueryBuilderOptions builder_options;
  builder_options.exact_boost = run.ranking.exact_boost;
  builder_options.all_terms_first = run.ranking.all_terms_first;
  builder_options.stopwords = stop_list_named(run.ranking.stopwords);
  builder_options.shouted = plain && is_shouted(query);
  builder_options.proximity_weight = run.ranking.proximity_weight;
  builder_options.proximity_window = run.ranking.proximity_window;
  builder_options.proximity_near = run.ranking.proximity_near;
  builder_options.coverage_weight = run.ranking.coverage_weight;
  builder_options.coverage_min_words = run.ranking.coverage_min_words;
  builder_options.concepts = &concepts_;
  builder_options.expand_all = options.expand;
  builder_options.learned = options.learned_use;
  DatabaseLookups lookups(db_, tables_db(), schema_);
  // Over remote shards each statistic is a round trip to every shard: the shortcut for a
  // form with its stem's postings (a matter of speed only: scores differ in the last bits
  // at most) is not worth four per word.
  if (shards_ && shards_->has_remote()) lookups.compare_postings(false);
  // Only a query that expands reads the learned wordings (a '~' anywhere may be one).
  if (options.learned && (options.expand || query.find('~') != std::string::npos)) {
    lookups.set_learned(learned_wordings());
    if (!learned_problem_.empty()) run.result.warnings.push_back(learned_problem_);
  }
  QueryBuilder builder(lookups, schema_, analyzer_, builder_options);
  if (run.tree) run.built = builder.build(*run.tree);
  run.result.notes = run.built.notes;
  run.result.ranked = run.like_mode || run.built.ranked;
  run.tier_bonus = run.built.all_terms_bonus;
  if (run.like_mode) {
    Xapian::Query like = like_query(*options.like, options.like_terms, run.tier_bonus, run.result,
                                    run.built.highlights, run.explained);
    run.built.query = run.tree ? Xapian::Query(Xapian::Query::OP_FILTER, like, run.built.query)
                               : terms::without_records(like);
  } else {
    run.explained.push_back({run.built.plan});
  }
}

void Searcher::configure_enquire(Run& run, Xapian::Enquire& enquire) {
  enquire.set_query(run.built.query);
  run.scheme = weighting(run.ranking);
  enquire.set_weighting_scheme(*run.scheme);
  // MaxP: a statement ranks by its best passage, which collapsing to one passage
  // per statement gives directly.
  unsigned per_doc = collapse_per_doc(run);
  if (per_doc > 0) enquire.set_collapse_key(schema_.role(FieldRole::Id).value_slot, per_doc);
  if (run.options.time_limit_seconds > 0) {
    // Xapian's remote backend has no time limit: the shard timeout bounds a search there.
    if (shards_ && shards_->has_remote())
      run.result.notes.push_back("--time-limit does not apply to remote shards");
    else
      enquire.set_time_limit(run.options.time_limit_seconds);
  }
}

void Searcher::add_feedback(Run& run, Xapian::Enquire& enquire) {
  const RankingParams& ranking = run.ranking;
  if (run.like_mode || ranking.prf_docs == 0 || ranking.prf_terms == 0 || ranking.prf_weight <= 0)
    return;
  // Pseudo-relevance feedback (RM3-like): the top hits are taken as relevant and the
  // terms that best tell them apart are added, weighted by their expansion weight.
  Xapian::MSet first = enquire.get_mset(0, ranking.prf_docs);
  Xapian::RSet rset;
  for (auto it = first.begin(); it != first.end(); ++it) rset.add_document(*it);
  if (rset.empty()) return;
  ExpansionDecider decider;
  Xapian::ESet eset =
      enquire.get_eset(ranking.prf_terms, rset, Xapian::Enquire::USE_EXACT_TERMFREQ, &decider);
  std::vector<QueryPlan> extra;
  double top = eset.empty() ? 0 : eset.begin().get_weight();
  for (auto it = eset.begin(); it != eset.end() && top > 0; ++it)
    extra.push_back(
        QueryPlan::scaled(feedback_part(*it, run.built.highlights), it.get_weight() / top));
  if (extra.empty()) return;
  QueryPlan expansion = QueryPlan::scaled(
      QueryPlan::combine(Xapian::Query::OP_OR, std::move(extra)), ranking.prf_weight);
  // A query of ranked words only may widen; one with filters or required parts must
  // keep its matches, so there the expansion only adds weight.
  Xapian::Query::op op =
      ranked_words_only(*run.tree) ? Xapian::Query::OP_OR : Xapian::Query::OP_AND_MAYBE;
  run.built.query = terms::without_records(Xapian::Query(op, run.built.query, expansion.query()));
  enquire.set_query(run.built.query);
  run.explained.push_back({expansion});
}

void Searcher::set_sort(Run& run, Xapian::Enquire& enquire) {
  run.result.sort = run.options.sort;
  if (run.options.sort == SortOrder::Relevance) return;
  const FieldSpec* date = schema_.find_role(FieldRole::Date);
  if (!date || date->value_slot < 0) {
    run.result.notes.push_back("the schema has no date slot; sorted by relevance");
    return;
  }
  bool newest_first = run.options.sort == SortOrder::DateDescending;
  const auto slot = static_cast<Xapian::valueno>(date->value_slot);
  run.date_key = std::make_unique<DateKey>(slot, newest_first);
  if (shards_ && shards_->has_remote()) {
    // Xapian's remote backend runs no KeyMaker: the date value orders by itself. Newest
    // first, undated passages ("" sorts lowest) come last as with DateKey; oldest
    // first, the dated ones are matched first and the undated after them.
    enquire.set_sort_by_value_then_relevance(slot, newest_first);
    run.remote_date_sort = slot;
    if (!newest_first) run.undated_last_slot = slot;
    return;
  }
  // Newest first the date value orders by itself ("" sorts lowest: undated last), and a
  // value sort reads the value stream without a KeyMaker call and string per match.
  if (newest_first)
    enquire.set_sort_by_value_then_relevance(slot, true);
  else
    enquire.set_sort_by_key_then_relevance(run.date_key.get(), newest_first);
}

Xapian::MSet Searcher::match_undated_last(Run& run, Xapian::Enquire& enquire) {
  using Q = Xapian::Query;
  const SearchOptions& options = run.options;
  const Q query = run.built.query;
  const Q has_date(Q::OP_VALUE_GE, *run.undated_last_slot, "0");  // "" never matches
  enquire.set_query(Q(Q::OP_FILTER, query, has_date));
  // Every dated match is counted, so that the undated page starts at the right place.
  Xapian::MSet dated = enquire.get_mset(options.offset, options.limit, db_.get_doccount());
  const Xapian::doccount dated_count = dated.get_matches_estimated();
  const bool page_full = dated.size() >= options.limit;
  if (!page_full) {
    enquire.set_query(Q(Q::OP_AND_NOT, query, has_date));
    enquire.set_sort_by_relevance();
    const unsigned offset = options.offset > dated_count ? options.offset - dated_count : 0;
    run.undated = enquire.get_mset(offset, options.limit - dated.size());
  }
  enquire.set_query(query);
  return dated;
}

Hit Searcher::make_hit(Run& run, const Xapian::MSetIterator& it, double weight,
                       unsigned collapsed) {
  Hit hit;
  hit.docid = *it;
  hit.weight = weight;
  if (run.tier_bonus > 0 && weight >= run.tier_bonus) {
    hit.all_terms = !run.like_mode;
    weight += run.tier_offset - run.tier_bonus;
  }
  hit.score = weight;
  hit.collapsed = collapsed;
  Xapian::Document doc = it.get_document();
  hit.doc_id = doc.get_value(schema_.role(FieldRole::Id).value_slot);
  std::string data = doc.get_data();
  PassageData meta;
  std::string_view text;
  if (decode_passage_data(data, meta, text)) {
    hit.passage = meta.ordinal;
    hit.char_start = meta.char_start;
    hit.char_end = meta.char_end;
    hit.page = meta.page;
    hit.text = std::string(text);
  }
  if (run.options.highlight) {
    hit.highlights = find_highlights(hit.text, run.built.highlights, analyzer_);
    for (auto& span : hit.highlights)
      if (std::find(hit.matched.begin(), hit.matched.end(), span.label) == hit.matched.end())
        hit.matched.push_back(span.label);
    // Hits often share a statement: its record is read and parsed once per search.
    auto [known, added] = run.metadata.try_emplace(hit.doc_id);
    if (added) known->second = statement_metadata(hit.doc_id);
    hit.metadata = known->second;
  }
  return hit;
}

namespace {

// A statement under --unit statement with --other-passages: its best passage and the
// weight summed over the passages it has among the top matches.
struct RankedStatement {
  Xapian::MSetIterator best;
  double weight;
  unsigned others;
};

// Statement = best passage + other_passages x each other passage, in the order of each
// statement's best passage (the match order), then by summed weight.
std::vector<RankedStatement> sum_by_statement(const Xapian::MSet& mset, Xapian::valueno id_slot,
                                              double other_passages, double tier_bonus) {
  std::unordered_map<std::string, size_t> index;
  std::vector<RankedStatement> ranked;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    std::string id = it.get_document().get_value(id_slot);
    double weight = it.get_weight();
    auto [slot, inserted] = index.try_emplace(id, ranked.size());
    if (inserted) {
      ranked.push_back({it, weight, 0});
      continue;
    }
    // The all-words tier bonus counts once per statement, with its best passage.
    if (tier_bonus > 0 && weight >= tier_bonus) weight -= tier_bonus;
    ranked[slot->second].weight += other_passages * weight;
    ++ranked[slot->second].others;
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.weight > b.weight; });
  return ranked;
}

// The matches came in date order; statements keep it, ties by their weight.
void sort_by_date(std::vector<RankedStatement>& ranked, const Xapian::KeyMaker& date_key,
                  bool newest_first) {
  auto key = [&](const RankedStatement& s) { return date_key(s.best.get_document()); };
  std::stable_sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
    std::string ka = key(a), kb = key(b);
    if (ka != kb) return newest_first ? ka > kb : ka < kb;
    return a.weight > b.weight;
  });
}

}  // namespace

void Searcher::set_tier_offset(Run& run, const Xapian::MSet& mset) {
  // The tier is OR-ed in: a passage outside it weighs at most what the other parts of
  // the query can add, bounded from the collection statistics (see max_term_weight) so
  // that a tier hit's score is the same on one database and on any shards.
  if (run.tier_bonus <= 0) return;
  TermBoundStats stats;
  stats.docs = static_cast<double>(db_.get_doccount());
  if (run.ranking.passage_stats) stats.docs = std::max(1.0, stats.docs - record_count_);
  stats.k1 = run.ranking.k1;
  stats.lucene_idf = run.ranking.lucene_idf;
  auto termfreq = [&](const std::string& term) {
    return static_cast<double>(mset.get_termfreq(term));
  };
  auto part_bound = [&](const PlanPart& part, const Xapian::Query& query) {
    // Tiers are what is bounded away; acronyms and filters are indexed without weight.
    if (part.kind == PartKind::Tier || part.kind == PartKind::Acronym ||
        part.kind == PartKind::Filter)
      return 0.0;
    return part_query_bound(stats, termfreq, query, part.constant);
  };
  double bound = 0;
  for (const ExplainComponent& component : run.explained)
    bound += component.plan.weight_bound(part_bound);
  run.tier_offset = bound;
}

void Searcher::collect_statements(Run& run, Xapian::Enquire& enquire) {
  // Scored over the top passages (ten per statement asked for, at least 1000), not the
  // whole index.
  const SearchOptions& options = run.options;
  enquire.set_collapse_key(Xapian::BAD_VALUENO);
  Xapian::doccount depth = std::max<Xapian::doccount>(1000, 10 * (options.offset + options.limit));
  Xapian::MSet mset = enquire.get_mset(0, depth, options.check_at_least);
  auto id_slot = static_cast<Xapian::valueno>(schema_.role(FieldRole::Id).value_slot);
  std::vector<RankedStatement> ranked =
      sum_by_statement(mset, id_slot, run.ranking.other_passages, run.tier_bonus);
  if (run.date_key) sort_by_date(ranked, *run.date_key, options.sort == SortOrder::DateDescending);
  // A statement outside the tier may sum several passages: above one passage's bound.
  set_tier_offset(run, mset);
  for (auto& statement : ranked)
    if (statement.weight < run.tier_bonus)
      run.tier_offset = std::max(run.tier_offset, statement.weight);
  run.result.estimated_matches =
      mset.size() < depth ? static_cast<Xapian::doccount>(ranked.size())
                          : std::max<Xapian::doccount>(ranked.size(), mset.get_matches_estimated());
  unsigned rank = options.offset;
  for (size_t i = options.offset; i < ranked.size() && i < options.offset + options.limit; ++i) {
    Hit hit = make_hit(run, ranked[i].best, ranked[i].weight, ranked[i].others);
    hit.rank = ++rank;
    run.result.hits.push_back(std::move(hit));
  }
}

unsigned Searcher::collapse_per_doc(const Run& run) const {
  return run.statements ? 1 : run.options.per_doc.value_or(run.ranking.per_doc);
}

void Searcher::count_facet_sample(Run& run, Xapian::Enquire& enquire, FacetCollector& facets) {
  // The first facet_sample matches in result order, every passage (none collapsed):
  // with pruning this costs about what the page does, where every match costs ~20x.
  const SearchOptions& options = run.options;
  enquire.set_collapse_key(Xapian::BAD_VALUENO);
  Xapian::MSet sample = enquire.get_mset(0, options.facet_sample);
  facets.count(db_, sample);
  run.result.facet_sample = {sample.size(), sample.size() < options.facet_sample};
  // Facets without --per-doc show every passage; with it the page is collapsed again.
  unsigned per_doc = collapse_per_doc(run);
  if (options.per_doc && per_doc > 0)
    enquire.set_collapse_key(schema_.role(FieldRole::Id).value_slot, per_doc);
}

void Searcher::collect_passages(Run& run, Xapian::Enquire& enquire) {
  const SearchOptions& options = run.options;
  std::optional<FacetCollector> facets;
  Xapian::doccount check_at_least = options.check_at_least;
  // Remote shards sorted oldest first match in two parts (match_undated_last): there the
  // facets count every match.
  const bool exact_facets =
      options.exact_facets || options.facet_sample == 0 || run.undated_last_slot.has_value();
  if (options.facets) {
    facets.emplace(schema_, options.facet_values);
    if (exact_facets) {
      // Exact facets count every matching passage, so they need the whole match set,
      // and hits are not collapsed unless --per-doc asks for it.
      facets->attach(enquire);
      check_at_least = db_.get_doccount();
      if (!options.per_doc) enquire.set_collapse_key(Xapian::BAD_VALUENO);
    } else {
      count_facet_sample(run, enquire, *facets);
    }
  }
  if (facets && exact_facets && run.remote_date_sort) {
    // The spies see the whole query once, in relevance order: sorted by value, Xapian
    // 1.4's remote backend counts the returned items twice (measured), and with the
    // undated matched apart a spy would see two passes.
    const Xapian::valueno slot = *run.remote_date_sort;
    enquire.set_sort_by_relevance();
    enquire.get_mset(0, 1, check_at_least);
    enquire.clear_matchspies();
    enquire.set_sort_by_value_then_relevance(slot, options.sort == SortOrder::DateDescending);
  }
  // Xapian 1.4 over several shards with collapsing can leave a passage out of a short
  // MSet that a longer one ranks inside it (measured: "coalition of the willing" on 3
  // shards, per_doc 3, limit 10 lost the 7th hit), so there the page is taken from a
  // match of twice its depth.
  Xapian::doccount skip = 0;
  Xapian::MSet mset;
  // Counting in the ranked match sees every match below its check_at_least: exact facets
  // raise it to every passage, and the counts are then exact too.
  const Xapian::doccount shared_at_least = std::max(check_at_least, exact_up_to(run));
  if (start_shared_count(run, enquire, shared_at_least)) check_at_least = shared_at_least;
  if (run.undated_last_slot) {
    mset = match_undated_last(run, enquire);
  } else if (db_.size() > 1) {
    mset = enquire.get_mset(0, 2 * (options.offset + options.limit), check_at_least);
    skip = options.offset;
  } else if (options.offset > 0) {
    // One item more, the one before the page, to tell whether the page's first repeats it.
    mset = enquire.get_mset(options.offset - 1, options.limit + 1, check_at_least);
    skip = 1;
  } else {
    mset = enquire.get_mset(0, options.limit, check_at_least);
  }
  run.result.estimated_matches = mset.get_matches_estimated();
  // The spy stays attached (clearing would drop the facet spies too); the counts are
  // taken now, and the run outlives the enquire.
  if (run.shared_count) run.counts = run.shared_count->counts(mset, counter(run).statement_total());
  set_tier_offset(run, mset);
  if (facets) run.result.facets = facets->collect();
  if (facets && exact_facets)
    run.result.facet_sample = {run.result.facets.empty() ? 0 : run.result.facets[0].total, true};
  add_page(run, mset, skip);
}

void Searcher::add_page(Run& run, const Xapian::MSet& mset, Xapian::doccount skip) {
  const SearchOptions& options = run.options;
  RepeatFilter repeats(schema_.role(FieldRole::Id).value_slot);
  const Xapian::doccount first = std::min(skip, mset.size());
  if (first > 0) repeats.repeats_previous(mset[first - 1]);
  // Ranks count the repeats left out, so that pages follow on whatever they leave out.
  unsigned rank = options.offset;
  unsigned left_out = 0;
  const Xapian::MSet* parts[] = {&mset, &run.undated};
  for (const Xapian::MSet* part : parts) {
    for (auto it = (*part)[part == &mset ? first : 0];
         it != part->end() && rank - options.offset < options.limit; ++it) {
      ++rank;
      if (!options.show_repeats && repeats.repeats_previous(it)) {
        ++left_out;
        continue;
      }
      Hit hit = make_hit(run, it, it.get_weight(), it.get_collapse_count());
      hit.rank = rank;
      run.result.hits.push_back(std::move(hit));
    }
  }
  if (left_out == 1)
    run.result.notes.push_back(
        "1 passage left out: it repeats the passage ranked above it word for word (its "
        "statement holds that text twice)");
  else if (left_out > 1)
    run.result.notes.push_back(std::to_string(left_out) +
                               " passages left out: each repeats the passage ranked above it "
                               "word for word (their statements hold that text twice)");
}

Xapian::doccount Searcher::exact_up_to(const Run& run) const {
  return std::max<Xapian::doccount>(run.options.check_at_least, MatchCounter::kExactUpTo);
}

MatchCounter Searcher::counter(const Run& run) {
  return MatchCounter(db_, schema_.role(FieldRole::Id).value_slot, exact_up_to(run),
                      &statement_memo_);
}

bool Searcher::start_shared_count(Run& run, Xapian::Enquire& enquire,
                                  Xapian::doccount check_at_least) {
  // A time limit lowers check_at_least when it strikes, and remote shards or dates
  // matched in two parts see the matches elsewhere: there counting is a pass apart.
  // So it is when passages are folded per statement: Xapian then counts toward
  // check_at_least only the passages it keeps, and weighs many more matches before it
  // may prune (bench/features, per_doc 5: p50 10.8 ms shared, 8.9 ms apart).
  if (run.options.time_limit_seconds > 0 || run.undated_last_slot || db_.size() != 1 ||
      collapse_per_doc(run) > 0)
    return false;
  run.shared_count = SharedCount::start(db_, statement_memo_,
                                        schema_.role(FieldRole::Id).value_slot, check_at_least);
  if (run.shared_count) enquire.add_matchspy(run.shared_count->spy());
  return run.shared_count != nullptr;
}

void Searcher::count_matches(Run& run) {
  const SearchOptions& options = run.options;
  const Xapian::Query& query = run.built.query;
  MatchCounter counter = this->counter(run);
  SearchResult& result = run.result;
  result.counts = run.counts ? std::move(*run.counts) : counter.count(query);
  result.estimated_matches = result.counts.passages.estimate;
  // "+N more passages from this statement": those its shown passages leave out. Facets
  // without --per-doc show every passage.
  unsigned shown = run.statements ? 1 : options.per_doc.value_or(run.ranking.per_doc);
  if (options.facets && !run.statements && !options.per_doc) shown = 0;
  for (Hit& hit : result.hits) {
    hit.collapsed = 0;
    if (shown == 0) continue;
    Xapian::doccount matching = counter.count_in_statement(
        query, result.counts, hit.doc_id, terms::membership_term(schema_, hit.doc_id));
    hit.collapsed = matching - std::min<Xapian::doccount>(matching, shown);
  }
}

void Searcher::add_context(Hit& hit, unsigned n) {
  HitContext context;
  for (auto& p : load_neighbours(db_, schema_, hit.doc_id, hit.docid, hit.passage, n))
    (p.passage < hit.passage ? context.before : context.after)
        .push_back({p.passage, std::move(p.text)});
  hit.context = std::move(context);
}

DocumentScope Searcher::explain_scope(const std::vector<Hit>& hits) const {
  DocumentScope scope;
  std::vector<Xapian::Query> each;
  std::set<std::string> statements;
  const bool remote = shards_ && shards_->has_remote();
  for (const Hit& hit : hits) {
    scope.docids.push_back(hit.docid);
    if (!remote) {
      each.push_back(single_document_query(db_, hit.docid));
      ++scope.size;
      continue;
    }
    const std::string statement = terms::membership_term(schema_, hit.doc_id);
    if (!statements.insert(statement).second) continue;
    each.emplace_back(statement);
    scope.size += db_.get_termfreq(statement);
  }
  scope.containing = Xapian::Query(Xapian::Query::OP_OR, each.begin(), each.end());
  return scope;
}

void Searcher::add_explanations(const Run& run, std::vector<Hit>& hits) {
  // A statement's weight under --other-passages sums passages: no check for the parts.
  std::vector<double> weights;
  if (!run.statements || run.ranking.other_passages <= 0)
    for (const Hit& hit : hits) weights.push_back(hit.weight);
  std::vector<std::vector<ExplainPart>> parts =
      explain_weights(db_, *run.scheme, run.explained, explain_scope(hits), weights);
  for (size_t i = 0; i < hits.size(); ++i) {
    Hit& hit = hits[i];
    hit.explain = std::move(parts[i]);
    // The tier counts what the score shows for it (see Run::tier_offset), so the parts
    // add up to the score.
    for (auto& part : *hit.explain)
      if (part.kind == "tier") part.weight = run.tier_offset;
    // A statement's score also counts its other passages (--other-passages).
    if (!run.statements || run.ranking.other_passages <= 0) continue;
    double sum = 0;
    for (auto& part : *hit.explain) sum += part.weight;
    if (std::fabs(hit.score - sum) > 1e-9)
      hit.explain->push_back({"other passages", std::to_string(hit.collapsed) + " more passages",
                              "", hit.score - sum});
  }
}

SearchResult Searcher::run(const std::string& query, const SearchOptions& options) {
  auto started = std::chrono::steady_clock::now();
  analyzer_.set_language(options.language.empty() ? schema_.default_language : options.language);
  Run run{options, effective_ranking(options)};
  check_remote_support(run.ranking);
  run.like_mode = options.like.has_value();
  run.statements = options.unit == RankUnit::Statement;
  run.result.query = query;
  run.result.fields = schema_.shown_fields();
  prepare_query(run, query);
  Xapian::Enquire enquire(db_);
  configure_enquire(run, enquire);
  add_feedback(run, enquire);
  run.result.parsed = run.built.query.get_description();
  set_sort(run, enquire);
  if (run.statements && run.ranking.other_passages > 0)
    collect_statements(run, enquire);
  else
    collect_passages(run, enquire);
  count_matches(run);
  if (options.context > 0)
    for (Hit& hit : run.result.hits) add_context(hit, options.context);
  if (options.explain) add_explanations(run, run.result.hits);
  if (options.suggest && run.tree) run.result.suggestion = suggest_spelling(*run.tree, query);
  run.result.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return std::move(run.result);
}

}  // namespace polsearch
