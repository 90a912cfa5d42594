#include "search.h"

#include <chrono>

#include "terms.h"

namespace polsearch {

Searcher::Searcher(const std::string& path) : Searcher(open_for_search(path)) { path_ = path; }

Searcher::Searcher(OpenedDatabase opened)
    : db_(std::move(opened.db)),
      schema_(std::move(opened.schema)),
      analyzer_(AnalyzerOptions{schema_.default_language}) {}

nlohmann::json Searcher::statement_metadata(const std::string& id) {
  std::string unique = std::string(terms::kUnique) + id;
  auto it = db_.postlist_begin(unique);
  if (it == db_.postlist_end(unique)) return nlohmann::json::object();
  auto parsed = nlohmann::json::parse(db_.get_document(*it).get_data(), nullptr, false);
  return parsed.is_discarded() ? nlohmann::json::object() : parsed;
}

SearchResult Searcher::search(const std::string& query, const SearchOptions& options) {
  // A reader can see DatabaseModifiedError when an indexer commits twice during
  // one search; reopening moves to the newest committed state.
  for (int attempt = 0;; ++attempt) {
    try {
      return run(query, options);
    } catch (const Xapian::DatabaseModifiedError&) {
      if (attempt >= 5) throw;
      db_.reopen();
    }
  }
}

SearchResult Searcher::run(const std::string& query, const SearchOptions& options) {
  auto started = std::chrono::steady_clock::now();
  SearchResult result;
  result.query = query;
  analyzer_.set_language(options.language.empty() ? schema_.default_language : options.language);

  auto tree = parse_query(query, schema_.field_names());
  QueryBuilderOptions builder_options;
  builder_options.exact_boost = schema_.ranking.exact_boost;
  builder_options.all_terms_first = schema_.ranking.all_terms_first;
  QueryBuilder builder(db_, schema_, analyzer_, builder_options);
  BuiltQuery built = builder.build(*tree);
  result.notes = built.notes;
  result.parsed = built.query.get_description();

  Xapian::Enquire enquire(db_);
  enquire.set_query(built.query);
  enquire.set_weighting_scheme(Xapian::BM25Weight(options.k1.value_or(schema_.ranking.k1), 0, 1,
                                                  options.b.value_or(schema_.ranking.b),
                                                  schema_.ranking.min_normlen));
  unsigned per_doc = options.per_doc.value_or(schema_.ranking.per_doc);
  const FieldSpec& id_field = schema_.role(FieldRole::Id);
  if (per_doc > 0) enquire.set_collapse_key(id_field.value_slot, per_doc);
  if (options.time_limit_seconds > 0) enquire.set_time_limit(options.time_limit_seconds);
  Xapian::MSet mset = enquire.get_mset(options.offset, options.limit, options.check_at_least);
  result.estimated_matches = mset.get_matches_estimated();

  unsigned rank = options.offset;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    Hit hit;
    hit.rank = ++rank;
    hit.docid = *it;
    double weight = it.get_weight();
    if (built.all_terms_bonus > 0 && weight >= built.all_terms_bonus) {
      hit.all_terms = true;
      weight -= built.all_terms_bonus;
    }
    hit.score = weight;
    hit.collapsed = it.get_collapse_count();
    Xapian::Document doc = it.get_document();
    hit.doc_id = doc.get_value(id_field.value_slot);
    std::string data = doc.get_data();
    PassageData meta;
    std::string_view text;
    if (decode_passage_data(data, meta, text)) {
      hit.passage = meta.ordinal;
      hit.char_start = meta.char_start;
      hit.char_end = meta.char_end;
      hit.text = std::string(text);
    }
    hit.highlights = find_highlights(hit.text, built.highlights, analyzer_);
    for (auto& span : hit.highlights)
      if (std::find(hit.matched.begin(), hit.matched.end(), span.label) == hit.matched.end())
        hit.matched.push_back(span.label);
    hit.metadata = statement_metadata(hit.doc_id);
    result.hits.push_back(std::move(hit));
  }
  result.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace polsearch
