// indexer: reads policy statements and writes them into a polsearch database.
// A thin command-line layer over polsearch::Indexer; see README.md for usage and
// exit statuses. Options: src/present/indexer_cli.*; the progress line: progress.*.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "backup.h"
#include "check.h"
#include "crash_guard.h"
#include "database.h"
#include "exit_status.h"
#include "index_summary.h"
#include "indexer_cli.h"
#include "indexing.h"
#include "progress.h"
#include "sharded_indexing.h"
#include "shards.h"
#include "wording_training.h"

namespace {

using polsearch::IndexerCommand;

// Deletes, then indexes; returns the exit status. `Writer` is an Indexer or a
// ShardedIndexer.
template <class Writer>
int index_with(Writer& indexer, const IndexerCommand& cmd,
               polsearch::ProgressLine::Clock::time_point started) {
  bool show_progress =
      cmd.progress == "always" || (cmd.progress == "auto" && isatty(2) && !cmd.quiet);
  polsearch::ProgressLine progress(show_progress, polsearch::total_input_bytes(cmd.inputs),
                                   started);
  int status = polsearch::kExitOk;
  for (auto& id : cmd.deletes) {
    if (indexer.remove(id)) {
      if (!cmd.quiet) std::cerr << "indexer: deleted " << id << '\n';
    } else {
      std::cerr << "indexer: --delete " << id << ": no such statement\n";
      status = polsearch::kExitPartial;
    }
  }
  if (!cmd.deletes.empty()) indexer.commit();
  if (!cmd.inputs.empty()) indexer.index(cmd.inputs, progress.callbacks());
  progress.clear();
  const auto& s = indexer.stats();
  double seconds =
      std::chrono::duration<double>(polsearch::ProgressLine::Clock::now() - started).count();
  if (!cmd.quiet) std::cerr << polsearch::index_summary(s, seconds);
  if (s.errors > 0 || s.skipped > 0) status = polsearch::kExitPartial;
  return status;
}

// --learn-wordings: after any indexing, train on the database as it now is.
int learn(const IndexerCommand& cmd) {
  polsearch::LearnOptions options;
  options.threads = static_cast<int>(cmd.options.jobs);
  try {
    polsearch::LearnSummary summary = polsearch::learn_wordings(cmd.db_path, options);
    if (!cmd.quiet) std::cerr << "indexer: " << polsearch::learn_summary(summary);
    return polsearch::kExitOk;
  } catch (const polsearch::LearnError& e) {
    std::cerr << "indexer: --learn-wordings: " << e.what() << '\n';
    return polsearch::kExitFailed;
  }
}

int index(const IndexerCommand& cmd, const polsearch::Schema* schema) {
  if (cmd.inputs.empty() && cmd.deletes.empty()) return learn(cmd);
  auto started = polsearch::ProgressLine::Clock::now();
  if (cmd.options.shards > 0 || polsearch::is_sharded_folder(cmd.db_path)) {
    int status;
    {
      polsearch::ShardedIndexer indexer(cmd.db_path, schema, cmd.options);
      status = index_with(indexer, cmd, started);
    }
    // Says that a sharded database cannot learn wordings yet.
    return cmd.learn_wordings ? std::max(status, learn(cmd)) : status;
  }
  int status;
  {
    polsearch::Indexer indexer(cmd.db_path, schema, cmd.options);
    status = index_with(indexer, cmd, started);
  }  // closed: learning opens the database for writing its metadata
  if (cmd.learn_wordings && status != polsearch::kExitFailed) status = std::max(status, learn(cmd));
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  polsearch::IndexerCli cli;
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = cli.app().exit(e);
    return code == 0 ? 0 : polsearch::kExitUsage;
  }
  const IndexerCommand& cmd = cli.command();
  if (cmd.check) {
    polsearch::exit_cleanly_on_crash(
        "indexer: check: " + cmd.db_path + ": crashed reading the database: it is damaged\n",
        polsearch::kExitCheckFailed);
    return polsearch::run_check(cmd.db_path, std::cerr);
  }
  if (!cmd.backup.empty()) return polsearch::run_backup(cmd.db_path, cmd.backup, std::cerr);
  std::unique_ptr<polsearch::Schema> schema;
  try {
    if (!cmd.schema_path.empty())
      schema = std::make_unique<polsearch::Schema>(polsearch::Schema::load_file(cmd.schema_path));
  } catch (const polsearch::SchemaError& e) {
    std::cerr << "indexer: " << e.what() << '\n';
    return polsearch::kExitUsage;
  }
  try {
    return index(cmd, schema.get());
  } catch (const polsearch::DatabaseError& e) {
    std::cerr << "indexer: " << e.what() << '\n';
    return polsearch::kExitDatabase;
  } catch (const Xapian::Error& e) {
    std::cerr << "indexer: " << cmd.db_path << ": " << e.get_description()
              << " (the database keeps its last commit)\n";
    return polsearch::kExitFailed;
  } catch (const std::exception& e) {
    std::cerr << "indexer: " << e.what() << " (the database keeps its last commit)\n";
    return polsearch::kExitFailed;
  }
}
