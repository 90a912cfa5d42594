// Helpers shared by the test suites: temporary folders, the ../shared data folder,
// and running the real binaries.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace polsearch::testing {

// A fresh folder under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// ../shared beside the repository (or $POLSEARCH_SHARED). Returns "" if missing.
std::filesystem::path shared_dir();

// For tests that need ../shared: fails loudly when $CI is set and it is missing,
// otherwise skips with a message. Use as: REQUIRE_SHARED(path_inside_shared);
#define REQUIRE_SHARED(relative)                                                                  \
  do {                                                                                            \
    auto _p = ::polsearch::testing::shared_dir();                                                 \
    if (_p.empty() || !std::filesystem::exists(_p / (relative))) {                                \
      if (std::getenv("CI")) FAIL() << "CI is set but ../shared/" << (relative) << " is missing"; \
      GTEST_SKIP() << "../shared/" << (relative) << " not found; skipping";                       \
    }                                                                                             \
  } while (0)

struct CommandResult {
  int exit_status = -1;  // exit code, or 128+signal if killed
  std::string out;       // stdout
  std::string err;       // stderr
};

// Runs a program with arguments (no shell), optional stdin text, capturing output.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_text = "");

// Paths of the built binaries.
std::string indexer_path();
std::string searcher_path();

// `searcher --db DB --format json [EXTRA...] -- QUERY` (no query argument when QUERY is
// empty): its hits and its summary line, parsed, and the raw command result.
struct Results {
  std::vector<nlohmann::json> hits;
  nlohmann::json summary;
  CommandResult raw;
};
Results search(const std::string& db, const std::string& query,
               std::vector<std::string> extra = {});

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& content);

}  // namespace polsearch::testing
