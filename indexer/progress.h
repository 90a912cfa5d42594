// The indexer's progress line on stderr (statements, passages, rate, % done, ETA) and the
// messages that must clear it first. Printing only: the numbers come from the Indexer.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "indexing.h"

namespace polsearch {

class ProgressLine {
 public:
  using Clock = std::chrono::steady_clock;
  ProgressLine(bool shown, uint64_t total_bytes, Clock::time_point started)
      : shown_(shown), total_bytes_(total_bytes), started_(started), last_(started) {}

  // At most twice a second, when shown.
  void update(const InputProgress& progress, const IndexStats& stats);
  // Removes the line (before a message, and at the end).
  void clear();
  // The callbacks that print errors and warnings (over a cleared line) and the progress.
  Indexer::Callbacks callbacks();

 private:
  bool shown_;
  uint64_t total_bytes_;
  Clock::time_point started_, last_;
  bool on_screen_ = false;
};

// "42s", "3m07s", "2h05m".
std::string human_duration(double seconds);

}  // namespace polsearch
