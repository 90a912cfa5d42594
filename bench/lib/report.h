// The comparison table: one column per engine, one row per figure, then the ratio of
// each engine's figures to each peer's. Knows nothing about particular engines.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness.h"

namespace bench {

struct Report {
  std::vector<std::pair<std::string, std::string>> meta;  // printed above the table
  std::vector<EngineResult> engines;
};

std::string format_text(const Report& report);
std::string format_markdown(const Report& report);
std::string format_json(const Report& report);

}  // namespace bench
