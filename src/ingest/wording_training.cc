#include "wording_training.h"

#include <fasttext/fasttext.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "analyzer.h"
#include "database.h"
#include "learned_wordings.h"
#include "shards.h"
#include "terms.h"

namespace polsearch {

namespace {

namespace fs = std::filesystem;

// Training's temporary files, removed however training ends.
struct TempFiles {
  std::string folder, forms, corpus, table;
  ~TempFiles() {
    std::error_code ignored;
    for (auto* f : {&forms, &corpus, &table})
      if (!f->empty()) fs::remove(*f, ignored);
    fs::remove(folder, ignored);  // only if empty: training failed before its first table
  }
};

// Pass 1: each passage's analysed forms on a line of `out`, counted for phrases.
uint64_t write_forms(const Xapian::Database& db, Analyzer& analyzer, std::ostream& out,
                     PhraseCounter& counter) {
  uint64_t passages = 0;
  std::vector<Token> tokens;
  std::vector<std::string> forms;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    std::string data = db.get_document(*it).get_data();
    PassageData meta;
    std::string_view text;
    if (!decode_passage_data(data, meta, text)) continue;  // a statement record
    tokens.clear();
    analyzer.analyze(text, tokens);
    forms.clear();
    for (auto& t : tokens) forms.push_back(t.form);
    counter.add(forms);
    for (size_t i = 0; i < forms.size(); ++i) out << (i ? " " : "") << forms[i];
    out << '\n';
    ++passages;
  }
  return passages;
}

std::vector<std::string> split_spaces(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(std::move(w));
  return words;
}

// Pass 2: the forms with phrases joined, for fastText; counts each token's passages.
uint64_t write_corpus(std::istream& forms, const std::set<std::string>& phrases, std::ostream& out,
                      std::unordered_map<std::string, uint64_t>& passages) {
  uint64_t tokens = 0;
  for (std::string line; std::getline(forms, line);) {
    std::vector<std::string> joined = join_phrases(split_spaces(line), phrases);
    std::unordered_set<std::string_view> seen;
    for (size_t i = 0; i < joined.size(); ++i) {
      out << (i ? " " : "") << joined[i];
      if (seen.insert(joined[i]).second) ++passages[joined[i]];
    }
    out << '\n';
    tokens += joined.size();
  }
  return tokens;
}

fasttext::Args fasttext_args(const std::string& corpus, const LearnOptions& options) {
  fasttext::Args args;
  args.input = corpus;
  args.model = fasttext::model_name::sg;
  args.loss = fasttext::loss_name::ns;
  args.dim = options.dim;
  args.epoch = options.epoch;
  args.ws = options.window;
  args.minCount = options.min_count;
  args.thread = options.threads;
  args.seed = options.seed;
  args.t = options.sampling;
  // No character n-grams: stems already join inflections, and without them the model
  // holds only word vectors (no 2M-bucket table).
  args.minn = 0;
  args.maxn = 0;
  args.bucket = 0;
  args.verbose = 0;
  return args;
}

// The wordings that get neighbours and may be one: frequent, with a letter, not a
// common word; fastText's dictionary lists words by falling count.
std::vector<std::string> candidate_wordings(const fasttext::FastText& model, unsigned limit) {
  auto dict = model.getDictionary();
  std::vector<std::string> words;
  for (int32_t i = 0; i < dict->nwords() && words.size() < limit; ++i) {
    std::string w = dict->getWord(i);
    if (w != "</s>" && may_join(w)) words.push_back(std::move(w));
  }
  return words;
}

// The candidates' vectors, each scaled to length 1, row after row.
std::vector<float> unit_vectors(const fasttext::FastText& model,
                                const std::vector<std::string>& words, int dim) {
  std::vector<float> rows(words.size() * dim);
  fasttext::Vector v(dim);
  for (size_t i = 0; i < words.size(); ++i) {
    model.getWordVector(v, words[i]);
    float norm = v.norm();
    for (int d = 0; d < dim; ++d) rows[i * dim + d] = norm > 0 ? v[d] / norm : 0;
  }
  return rows;
}

struct Scored {
  float similarity;
  uint32_t index;
};

// Eight running sums, so the compiler can use vector instructions without -ffast-math
// (the table is all-pairs: most of the time after training goes here).
float dot(const float* a, const float* b, int dim) {
  float sums[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int d = 0;
  for (; d + 8 <= dim; d += 8)
    for (int k = 0; k < 8; ++k) sums[k] += a[d + k] * b[d + k];
  float total = 0;
  for (; d < dim; ++d) total += a[d] * b[d];
  for (float s : sums) total += s;
  return total;
}

// The `k` rows most similar to row `i` (cosines of unit vectors), best first. `all` is
// the caller's scratch space for every row's score; only the k best are returned, in a
// vector of their own: a vector resized down keeps its capacity, and a table that kept
// every row's scores (20,000 x 20,000 x 8 bytes) peaked at 2.7 GB.
std::vector<Scored> nearest(const std::vector<float>& rows, size_t count, int dim, size_t i,
                            unsigned k, std::vector<Scored>& all) {
  all.clear();
  all.reserve(count);
  const float* a = &rows[i * dim];
  for (size_t j = 0; j < count; ++j) {
    if (j == i) continue;
    all.push_back({dot(a, &rows[j * dim], dim), static_cast<uint32_t>(j)});
  }
  size_t keep = std::min<size_t>(k, all.size());
  std::partial_sort(all.begin(), all.begin() + keep, all.end(),
                    [](const Scored& x, const Scored& y) { return x.similarity > y.similarity; });
  return std::vector<Scored>(all.begin(), all.begin() + keep);
}

std::string as_key(std::string token) {
  std::replace(token.begin(), token.end(), '_', ' ');
  return token;
}

// Every candidate's neighbours, rows shared out among `threads`.
LearnedWordings neighbour_table(const fasttext::FastText& model, const LearnOptions& options,
                                const std::unordered_map<std::string, uint64_t>& passages) {
  std::vector<std::string> words = candidate_wordings(model, options.max_wordings);
  std::vector<float> rows = unit_vectors(model, words, options.dim);
  std::vector<std::vector<Scored>> found(words.size());
  auto work = [&](size_t first) {
    std::vector<Scored> scratch;
    for (size_t i = first; i < words.size(); i += std::max(1, options.threads))
      found[i] = nearest(rows, words.size(), options.dim, i, options.neighbours, scratch);
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < options.threads; ++t) threads.emplace_back(work, t);
  work(0);
  for (auto& t : threads) t.join();
  LearnedWordings table;
  auto df = [&](const std::string& w) {
    auto it = passages.find(w);
    return it == passages.end() ? uint64_t{0} : it->second;
  };
  for (size_t i = 0; i < words.size(); ++i) {
    std::vector<LearnedNeighbour> neighbours;
    for (const Scored& s : found[i])
      if (s.similarity >= options.min_similarity)
        neighbours.push_back({as_key(words[s.index]), s.similarity, df(words[s.index])});
    if (!neighbours.empty()) table.add(as_key(words[i]), df(words[i]), std::move(neighbours));
  }
  return table;
}

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void record_training(const std::string& db_path, const LearnOptions& o, const LearnSummary& s) {
  nlohmann::json j = {{"trained", utc_now()},
                      {"file", "wordings/neighbours.tsv"},
                      {"passages", s.passages},
                      {"tokens", s.tokens},
                      {"phrases", s.phrases},
                      {"vocabulary", s.vocabulary},
                      {"wordings", s.wordings},
                      {"seconds", std::round(s.seconds * 10) / 10},
                      {"model", "fastText skipgram"},
                      {"parameters",
                       {{"dim", o.dim},
                        {"epoch", o.epoch},
                        {"window", o.window},
                        {"min_count", o.min_count},
                        {"threads", o.threads},
                        {"seed", o.seed},
                        {"sampling", o.sampling},
                        {"neighbours", o.neighbours},
                        {"max_wordings", o.max_wordings},
                        {"min_similarity", o.min_similarity},
                        {"phrase_min_count", o.phrases.min_count},
                        {"phrase_threshold", o.phrases.threshold}}}};
  Xapian::WritableDatabase db(db_path, Xapian::DB_OPEN);
  db.set_metadata(std::string(kMetaWordings), j.dump());
  db.commit();
}

// Reads the passages into `temp`'s two corpus files; returns the passages' count.
uint64_t prepare_corpus(const std::string& db_path, const LearnOptions& options, TempFiles& temp,
                        LearnSummary& summary,
                        std::unordered_map<std::string, uint64_t>& passages) {
  OpenedDatabase opened = open_for_search(db_path);
  Analyzer analyzer(AnalyzerOptions{opened.schema.default_language});
  PhraseCounter counter;
  {
    std::ofstream forms(temp.forms);
    summary.passages = write_forms(opened.db, analyzer, forms, counter);
    if (!forms.flush()) throw LearnError(temp.forms + ": cannot write");
  }
  if (summary.passages == 0)
    throw LearnError(db_path + ": the database has no passages; index statements first");
  if (summary.passages < options.min_passages)
    throw LearnError(db_path + ": only " + std::to_string(summary.passages) +
                     " passages; learning wordings needs at least " +
                     std::to_string(options.min_passages));
  std::set<std::string> phrases = counter.phrases(options.phrases);
  summary.phrases = phrases.size();
  std::ifstream forms(temp.forms);
  std::ofstream corpus(temp.corpus);
  summary.tokens = write_corpus(forms, phrases, corpus, passages);
  if (!corpus.flush()) throw LearnError(temp.corpus + ": cannot write");
  return summary.passages;
}

}  // namespace

LearnSummary learn_wordings(const std::string& db_path, const LearnOptions& options) {
  auto started = std::chrono::steady_clock::now();
  if (is_sharded_folder(db_path))
    throw LearnError(db_path + ": a sharded database; --learn-wordings needs a single database");
  LearnSummary summary;
  std::string folder = wordings_folder(db_path);
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) throw LearnError(folder + ": cannot create: " + error.message());
  std::string pid = std::to_string(getpid());
  TempFiles temp{folder, folder + "/.forms." + pid, folder + "/.corpus." + pid,
                 folder + "/.neighbours.tsv." + pid};
  std::unordered_map<std::string, uint64_t> passages;
  prepare_corpus(db_path, options, temp, summary, passages);
  fasttext::FastText model;
  try {
    model.train(fasttext_args(temp.corpus, options));
  } catch (const std::invalid_argument& e) {  // e.g. "Empty vocabulary"
    throw LearnError(db_path + ": too little text to learn wordings (fastText: " + e.what() + ")");
  }
  summary.vocabulary = model.getDictionary()->nwords();
  LearnedWordings table = neighbour_table(model, options, passages);
  summary.wordings = table.size();
  if (table.size() == 0)
    throw LearnError(db_path + ": too little text to learn wordings (no wording has a neighbour)");
  {
    std::ofstream out(temp.table);
    table.write(out);
    if (!out.flush()) throw LearnError(temp.table + ": cannot write");
  }
  summary.file = wordings_file(db_path);
  fs::rename(temp.table, summary.file, error);
  if (error) throw LearnError(summary.file + ": cannot replace: " + error.message());
  temp.table.clear();
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  record_training(db_path, options, summary);
  return summary;
}

std::string learn_summary(const LearnSummary& s) {
  char line[400];
  std::snprintf(line, sizeof line,
                "learned wordings from %llu passages (%llu words, %llu phrases joined, "
                "vocabulary %llu) in %.1fs: neighbours of %llu wordings in %s\n",
                (unsigned long long)s.passages, (unsigned long long)s.tokens,
                (unsigned long long)s.phrases, (unsigned long long)s.vocabulary, s.seconds,
                (unsigned long long)s.wordings, s.file.c_str());
  return line;
}

}  // namespace polsearch
