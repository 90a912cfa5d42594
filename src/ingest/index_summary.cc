#include "index_summary.h"

#include <cstdio>

#include "plural.h"

namespace polsearch {
namespace {

constexpr size_t kFilesNamed = 10;  // beyond this a folder's skipped files are only counted

std::string skipped_files_line(const std::vector<std::string>& files) {
  std::string line = "indexer: " + counted(files.size(), "file") + " of other types skipped (" +
                     std::string(kSupportedTypes) + " are read): ";
  for (size_t i = 0; i < files.size() && i < kFilesNamed; ++i) line += (i ? ", " : "") + files[i];
  if (files.size() > kFilesNamed)
    line += ", and " + std::to_string(files.size() - kFilesNamed) + " more";
  return line + '\n';
}

}  // namespace

std::string index_summary(const IndexStats& stats, double seconds) {
  char time[32];
  std::snprintf(time, sizeof time, "%.1f s", seconds);
  std::string out = "indexer: " + counted(stats.added, "statement") + " added, " +
                    std::to_string(stats.replaced) + " replaced, " + std::to_string(stats.skipped) +
                    " skipped; " + counted(stats.passages, "passage") + "; " +
                    counted(stats.errors, "error") + ", " + counted(stats.warnings, "warning") +
                    "; " + (stats.threads > 1 ? counted(stats.threads, "thread") + "; " : "") +
                    time + '\n';
  if (!stats.files_skipped_by_type.empty()) out += skipped_files_line(stats.files_skipped_by_type);
  return out;
}

}  // namespace polsearch
