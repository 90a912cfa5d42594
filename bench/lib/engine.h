// The engine interface of bench/compare: every engine measured side by side (ICU
// tokenising floor, SQLite FTS5, stock Xapian, omega scriptindex, and later our own
// polsearch) implements this, and the harness and the tables know nothing else about
// them.
//
// Life of an engine in one `compare` run (each phase in its own forked child process,
// so peak RSS is per engine and per phase and memory is given back afterwards):
//   index child:  prepare() [untimed] -> index() [timed] -> each extra step [timed]
//   query child:  open() [timed] -> query() for every query, `repeat` passes [timed]
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

// The passages of the corpus, held in one buffer (so a forked child can drop them
// with one free, and the harness's own memory stays small and predictable).
struct Corpus {
  std::string text;                                  // passages back to back, no separators
  std::vector<std::pair<uint64_t, uint32_t>> spans;  // (offset, length) of each passage
  uint64_t statements = 0;                           // statements the passages came from
  std::vector<uint64_t> statement_starts;            // index of each statement's first passage
  std::vector<std::string> sources;                  // corpus files read, in order

  size_t size() const { return spans.size(); }
  std::string_view passage(size_t i) const {
    return std::string_view(text).substr(spans[i].first, spans[i].second);
  }
  uint64_t bytes() const { return text.size(); }
  void release() {
    std::string().swap(text);
    std::vector<std::pair<uint64_t, uint32_t>>().swap(spans);
    std::vector<uint64_t>().swap(statement_starts);
  }
};

// One benchmark query, in each syntax we have for it. An engine uses the column it
// understands (FTS5 MATCH syntax, Xapian QueryParser syntax, or the plain text a
// person types, which is what our own engine takes).
struct Query {
  std::string id;      // "q001"
  std::string cls;     // term | and | or | phrase | policy
  std::string plain;   // queries.tsv column (may be empty if that file is absent)
  std::string xapian;  // queries_syntax.tsv column 3
  std::string fts5;    // queries_syntax.tsv column 4
};

struct Hit {
  uint64_t passage = 0;  // index into Corpus (0-based), as given to index()
  double score = 0;      // engine's own score (bm25 is negative in FTS5: lower is better)
  std::string snippet;   // highlighted snippet text, matches marked with [ ]
};

// What index() and the extra steps get from the harness.
struct IndexContext {
  std::string index_dir;    // empty folder for the engine's index; its du is "index size"
  std::string scratch_dir;  // empty folder for anything else (input files, copies); not counted
  // Engine-specific counts reported as figures ("tokens", ...): name -> value.
  std::map<std::string, double> counters;
};

class Engine {
 public:
  virtual ~Engine() = default;

  // Short id used by --engines and as the table column ("fts5").
  virtual std::string name() const = 0;
  // One line for the legend under the table (library version, settings).
  virtual std::string description() const = 0;

  // False for engines measured on the index phase only (the ICU floor, scriptindex).
  virtual bool searchable() const { return true; }
  // False if index() leaves nothing on disk (the ICU floor): no size figures.
  virtual bool has_index() const { return true; }
  // True if index() runs the work in a subprocess: CPU time and peak RSS are then
  // taken from the children's rusage instead of the process's own.
  virtual bool runs_subprocess() const { return false; }

  // Untimed preparation in the index child, e.g. writing an input file.
  virtual void prepare(const Corpus& /*corpus*/, IndexContext& /*ctx*/) {}
  // Builds a committed, searchable index of every passage of `corpus`: passage i
  // must come back from query() as Hit::passage == i.
  virtual void index(const Corpus& corpus, IndexContext& ctx) = 0;

  // Optional steps after index(), each timed and reported separately (FTS5
  // 'optimize', Xapian compact). run_extra_step returns the folder whose size is
  // reported after the step (normally ctx.index_dir).
  virtual std::vector<std::string> extra_steps() const { return {}; }
  virtual std::string run_extra_step(const std::string& step, IndexContext& ctx) {
    (void)step;
    return ctx.index_dir;
  }

  // Opens the index built in `index_dir` for searching (in a fresh child process).
  virtual void open(const std::string& index_dir) { (void)index_dir; }
  // Top-k hits for `q`, best first, each with its highlighted snippet. Throws on a
  // query error (counted and reported, the run goes on).
  virtual void query(const Query& q, size_t k, std::vector<Hit>& hits) {
    (void)q;
    (void)k;
    hits.clear();
  }
};

}  // namespace bench
