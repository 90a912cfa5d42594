#include "polsearch_engine.h"

#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "indexing.h"
#include "input.h"
#include "output.h"
#include "searcher.h"

namespace bench {

namespace {

class PolsearchEngine final : public Engine {
 public:
  // jobs 0: what the plain `indexer` command picks for this input (default_jobs).
  explicit PolsearchEngine(unsigned jobs) : jobs_(jobs) {}

  std::string name() const override { return "polsearch"; }
  std::string description() const override {
    return "polsearch (this project): ICU analysis, exact + stem terms, positions, " +
           (jobs_ ? std::to_string(jobs_) : "the indexer's default number of") +
           " indexing thread(s); passages = the same paragraphs (splitting bounds off); "
           "top 10 with whole passages highlighted";
  }

  // Statements go in as JSON Lines with their paragraphs, and a schema whose passage
  // bounds neither join nor split paragraphs, so our passages are the peers' passages.
  void prepare(const Corpus& corpus, IndexContext& ctx) override {
    input_ = ctx.scratch_dir + "/statements.jsonl";
    std::ofstream out(input_, std::ios::binary);
    for (size_t s = 0; s < corpus.statement_starts.size(); ++s) {
      size_t first = corpus.statement_starts[s];
      size_t last =
          s + 1 < corpus.statement_starts.size() ? corpus.statement_starts[s + 1] : corpus.size();
      if (first == last) continue;
      std::string text;
      for (size_t p = first; p < last; ++p) {
        if (p > first) text += "\n\n";
        text.append(corpus.passage(p));
      }
      // The id carries the statement's first corpus passage, to map hits back.
      out << nlohmann::json{{"id", "p" + std::to_string(first)}, {"text", text}}.dump(
                 -1, ' ', false, nlohmann::json::error_handler_t::replace)
          << '\n';
    }
    std::string toml = polsearch::Schema::builtin().toml;
    toml = std::regex_replace(toml, std::regex("min_words = [0-9]+"), "min_words = 0");
    toml = std::regex_replace(toml, std::regex("max_words = [0-9]+"), "max_words = 1000000");
    schema_ = std::make_unique<polsearch::Schema>(polsearch::Schema::parse(toml, "bench schema"));
  }

  void index(const Corpus&, IndexContext& ctx) override {
    polsearch::IndexerOptions options;
    options.jobs = jobs_ ? jobs_ : polsearch::default_jobs(polsearch::total_input_bytes({input_}));
    ctx.counters["threads"] = options.jobs;
    polsearch::Indexer indexer(ctx.index_dir, schema_.get(), options);
    indexer.index({input_}, {});
    const auto& stats = indexer.stats();
    ctx.counters["passages"] = static_cast<double>(stats.passages);
    ctx.counters["errors"] = static_cast<double>(stats.errors);
  }

  void open(const std::string& index_dir) override {
    searcher_ = std::make_unique<polsearch::Searcher>(index_dir);
  }

  void query(const Query& q, size_t k, std::vector<Hit>& hits) override {
    polsearch::SearchOptions options;
    options.limit = static_cast<unsigned>(k);
    options.per_doc = 0;  // the peers do not collapse per statement either
    polsearch::SearchResult result = searcher_->search(q.xapian, options);
    hits.clear();
    for (auto& hit : result.hits) {
      Hit out;
      // Statement "p<first>" passage n is corpus passage first + n.
      out.passage = std::stoull(hit.doc_id.substr(1)) + hit.passage;
      out.score = hit.score;
      out.snippet = polsearch::marked_text(hit, polsearch::HighlightStyle::Markers);
      hits.push_back(std::move(out));
    }
  }

 private:
  unsigned jobs_;
  std::string input_;
  std::unique_ptr<polsearch::Schema> schema_;
  std::unique_ptr<polsearch::Searcher> searcher_;
};

}  // namespace

std::unique_ptr<Engine> make_polsearch(unsigned jobs) {
  return std::make_unique<PolsearchEngine>(jobs);
}

}  // namespace bench
