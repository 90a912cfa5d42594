// Runs one engine's index and query phases in forked child processes and turns what
// they measured into figures. Engine-agnostic: it only uses the Engine interface.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine.h"

namespace bench {

// One number in the result table.
struct Figure {
  std::string key;    // stable id, used for JSON and for matching rows across engines
  std::string label;  // row label in the table
  double value = 0;
  int precision = 2;              // decimals printed
  bool higher_is_better = false;  // for reading ratios (throughput: higher; time, size: lower)
  bool ratio = true;              // whether a ratio to peers makes sense (not for counts)
};

struct EngineResult {
  std::string name;
  std::string description;
  std::vector<Figure> figures;     // in table order
  std::vector<std::string> notes;  // errors and remarks, printed under the table

  const Figure* find(const std::string& key) const;
};

struct RunOptions {
  size_t repeat = 5;      // query passes; the first is a warm-up and is not counted
  size_t k = 10;          // hits per query
  std::string work_dir;   // each engine gets work_dir/<name>/{index,scratch}
  std::string hits_path;  // if set, the first pass's hits are appended here (JSON Lines)
  bool progress = true;   // one line per phase on stderr
};

// Query classes in table order; a class not in this list is still reported, after them.
extern const std::vector<std::string> kQueryClasses;

EngineResult run_engine(Engine& engine, Corpus& corpus, const std::vector<Query>& queries,
                        const RunOptions& options);

// Disk usage of a folder like du(1): allocated blocks of every file below it.
uint64_t disk_usage(const std::string& path);

// Nearest-rank percentile of `sorted` (ascending), p in [0, 100].
double percentile(const std::vector<double>& sorted, double p);

}  // namespace bench
