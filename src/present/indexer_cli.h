// The indexer's command line as data: every option declared on a CLI11 app, parsed and
// checked into an IndexerCommand. The binary (indexer/main.cc) keeps what is about the
// process: progress, messages and exit statuses.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "indexing.h"

namespace polsearch {

struct IndexerCommand {
  std::string db_path, schema_path;
  std::string progress = "auto";  // auto, always, never
  std::vector<std::string> inputs, deletes;
  bool quiet = false;
  bool check = false;           // --check: verify the database and exit
  std::string backup;           // --backup DEST: copy the last commit there and exit
  bool learn_wordings = false;  // --learn-wordings: train after indexing (wording_training.h)
  IndexerOptions options;
};

class IndexerCli {
 public:
  IndexerCli();  // declares every option
  IndexerCli(const IndexerCli&) = delete;
  IndexerCli& operator=(const IndexerCli&) = delete;

  // Parses argv; throws CLI::ParseError (also for --help, which CLI::App::exit prints).
  void parse(int argc, const char* const* argv);

  CLI::App& app() { return app_; }
  const IndexerCommand& command() const { return command_; }

 private:
  CLI::App app_;
  IndexerCommand command_;
  double commit_mb_ = 2;
  unsigned jobs_ = 0;  // --jobs; 0 = default_jobs() of the input size
};

}  // namespace polsearch
