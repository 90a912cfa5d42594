// indexer: reads policy statements and writes them into a polsearch database.
// A thin command-line layer over polsearch::Indexer; see README.md for usage and
// exit statuses.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "check.h"
#include "database.h"
#include "exit_status.h"
#include "index_summary.h"
#include "indexing.h"

namespace {

using Clock = std::chrono::steady_clock;

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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Index policy statements (JSON Lines, .jsonl.gz, .txt, .md; files, folders or - for stdin)",
      "indexer"};
  app.footer(
      "Exit status: 0 all indexed; 1 finished, but some records or files were skipped\n"
      "(each reported as FILE:LINE: reason) or a --delete id was not found; 2 usage or\n"
      "schema error, or an input file of an unsupported type (.html, .pdf, ...); 3 database\n"
      "error (cannot open or create, locked, other schema, too new); 4 failed during\n"
      "indexing (the database keeps its last commit); 5 --check found problems.");
  std::string db_path, schema_path, progress = "auto";
  std::vector<std::string> inputs, deletes;
  double commit_mb = 2;
  unsigned jobs = 1;
  bool quiet = false;
  app.add_option("--db", db_path, "Database folder (created if missing)")
      ->required()
      ->envname("POLSEARCH_DB");
  app.add_option("--schema", schema_path,
                 "Schema TOML for a new database (default: the built-in schema/policy.toml)")
      ->check(CLI::ExistingFile);
  app.add_option("--commit-mb", commit_mb, "Commit after this many MB of statement text")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--delete", deletes, "Remove the statement with this id (repeatable)");
  app.add_option("-j,--jobs", jobs,
                 "Build a NEW database with this many threads (shards merged at the end; a "
                 "crash then loses the whole run). Ignored for a database that has documents")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  double wait_seconds = 0;
  app.add_option("--wait", wait_seconds,
                 "If another indexer holds the database, wait up to this many seconds for it "
                 "(default: stop at once with exit status 3)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--progress", progress,
                 "Progress line on stderr: auto (on a terminal), always, never")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_flag("-q,--quiet", quiet, "Only errors and warnings, no summary");
  app.add_option("inputs", inputs, "Files, folders, or - for JSON Lines on stdin");
  // --check: verify the database and exit (0 clean, 5 problems found); see src/ingest/check.h.
  bool check = false;
  app.add_flag("--check", check,
               "Check the database (Xapian structure, passage counts, metadata) and exit: 0 "
               "clean, 5 problems found");
  try {
    app.parse(argc, argv);
    if (check && !(inputs.empty() && deletes.empty()))
      throw CLI::ValidationError("--check", "takes no inputs and no --delete");
    if (inputs.empty() && deletes.empty() && !check)
      throw CLI::ValidationError("INPUT", "give at least one input, or --delete ID");
    for (auto& input : inputs)
      if (std::string why = polsearch::unsupported_input(input); !why.empty())
        throw CLI::ValidationError(input, why);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : polsearch::kExitUsage;
  }
  if (check) return polsearch::run_check(db_path, std::cerr);

  std::unique_ptr<polsearch::Schema> schema;
  if (!schema_path.empty()) {
    try {
      schema = std::make_unique<polsearch::Schema>(polsearch::Schema::load_file(schema_path));
    } catch (const polsearch::SchemaError& e) {
      std::cerr << "indexer: " << e.what() << '\n';
      return polsearch::kExitUsage;
    }
  }

  auto started = Clock::now();
  bool show_progress = progress == "always" || (progress == "auto" && isatty(2) && !quiet);
  uint64_t total_bytes = polsearch::total_input_bytes(inputs);
  try {
    polsearch::IndexerOptions options;
    options.commit_bytes = static_cast<uint64_t>(commit_mb * 1024 * 1024);
    options.wait_seconds = wait_seconds;
    options.jobs = jobs;
    polsearch::Indexer indexer(db_path, schema.get(), options);
    int status = polsearch::kExitOk;
    for (auto& id : deletes) {
      if (indexer.remove(id)) {
        if (!quiet) std::cerr << "indexer: deleted " << id << '\n';
      } else {
        std::cerr << "indexer: --delete " << id << ": no such statement\n";
        status = polsearch::kExitPartial;
      }
    }
    if (!deletes.empty()) indexer.commit();

    auto last_progress = Clock::now();
    bool progress_shown = false;
    polsearch::Indexer::Callbacks callbacks;
    auto clear_progress = [&] {
      if (progress_shown) std::cerr << "\r\x1b[K";
      progress_shown = false;
    };
    callbacks.on_error = [&](const polsearch::SourceLocation& where, const std::string& message) {
      clear_progress();
      std::cerr << where.str() << ": error: " << message << '\n';
    };
    callbacks.on_warning = [&](const polsearch::SourceLocation& where, const std::string& message) {
      clear_progress();
      std::cerr << where.str() << ": warning: " << message << '\n';
    };
    callbacks.on_progress = [&](const polsearch::InputProgress& p, const polsearch::IndexStats& s) {
      if (!show_progress) return;
      auto now = Clock::now();
      if (now - last_progress < std::chrono::milliseconds(500)) return;
      last_progress = now;
      double seconds = std::chrono::duration<double>(now - started).count();
      uint64_t statements = s.added + s.replaced;
      char line[200];
      int n =
          std::snprintf(line, sizeof line, "%llu statements, %llu passages, %.0f st/s, %.1f MB/s",
                        (unsigned long long)statements, (unsigned long long)s.passages,
                        statements / seconds, p.bytes_read / seconds / 1e6);
      if (total_bytes > 0 && p.bytes_read > 0 && n > 0) {
        double fraction = double(p.bytes_read) / double(total_bytes);
        std::snprintf(line + n, sizeof line - n, ", %.0f%%, ETA %s", fraction * 100,
                      human_duration(seconds / fraction - seconds).c_str());
      }
      std::cerr << "\r\x1b[K" << line << std::flush;
      progress_shown = true;
    };
    if (!inputs.empty()) indexer.index(inputs, callbacks);
    clear_progress();
    const auto& s = indexer.stats();
    double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (!quiet) std::cerr << polsearch::index_summary(s, seconds);
    if (s.errors > 0 || s.skipped > 0) status = polsearch::kExitPartial;
    return status;
  } catch (const polsearch::DatabaseError& e) {
    std::cerr << "indexer: " << e.what() << '\n';
    return polsearch::kExitDatabase;
  } catch (const Xapian::Error& e) {
    std::cerr << "indexer: " << db_path << ": " << e.get_description()
              << " (the database keeps its last commit)\n";
    return polsearch::kExitFailed;
  } catch (const std::exception& e) {
    std::cerr << "indexer: " << e.what() << " (the database keeps its last commit)\n";
    return polsearch::kExitFailed;
  }
}
