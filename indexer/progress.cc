#include "progress.h"

#include <cstdio>
#include <iostream>

namespace polsearch {

std::string human_duration(double seconds) {
  char buf[32];
  if (seconds < 60)
    std::snprintf(buf, sizeof buf, "%.0fs", seconds);
  else if (seconds < 3600)
    std::snprintf(buf, sizeof buf, "%dm%02ds", int(seconds) / 60, int(seconds) % 60);
  else
    std::snprintf(buf, sizeof buf, "%dh%02dm", int(seconds) / 3600, int(seconds) % 3600 / 60);
  return buf;
}

void ProgressLine::update(const InputProgress& p, const IndexStats& s) {
  if (!shown_) return;
  auto now = Clock::now();
  if (now - last_ < std::chrono::milliseconds(500)) return;
  last_ = now;
  double seconds = std::chrono::duration<double>(now - started_).count();
  uint64_t statements = s.added + s.replaced;
  char line[200];
  int n = std::snprintf(line, sizeof line, "%llu statements, %llu passages, %.0f st/s, %.1f MB/s",
                        (unsigned long long)statements, (unsigned long long)s.passages,
                        statements / seconds, p.bytes_read / seconds / 1e6);
  if (total_bytes_ > 0 && p.bytes_read > 0 && n > 0) {
    double fraction = double(p.bytes_read) / double(total_bytes_);
    std::snprintf(line + n, sizeof line - n, ", %.0f%%, ETA %s", fraction * 100,
                  human_duration(seconds / fraction - seconds).c_str());
  }
  std::cerr << "\r\x1b[K" << line << std::flush;
  on_screen_ = true;
}

void ProgressLine::clear() {
  if (on_screen_) std::cerr << "\r\x1b[K";
  on_screen_ = false;
}

Indexer::Callbacks ProgressLine::callbacks() {
  Indexer::Callbacks callbacks;
  callbacks.on_error = [this](const SourceLocation& where, const std::string& message) {
    clear();
    std::cerr << where.str() << ": error: " << message << '\n';
  };
  callbacks.on_warning = [this](const SourceLocation& where, const std::string& message) {
    clear();
    std::cerr << where.str() << ": warning: " << message << '\n';
  };
  callbacks.on_progress = [this](const InputProgress& p, const IndexStats& s) { update(p, s); };
  return callbacks;
}

}  // namespace polsearch
