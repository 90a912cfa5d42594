#include "indexer_cli.h"

#include "input.h"

#include <cstdlib>

namespace polsearch {

namespace {

const char* const kFooter =
    "Exit status: 0 all indexed; 1 finished, but some records or files were skipped\n"
    "(each reported as FILE:LINE: reason) or a --delete id was not found; 2 usage or\n"
    "schema error, or an input file of an unsupported type (.html, .pdf, ...); 3 database\n"
    "error (cannot open or create, locked, other schema, too new); 4 failed during\n"
    "indexing (the database keeps its last commit), --backup failed, or --learn-wordings\n"
    "failed (an empty database or one too small to learn from); 5 --check found problems.";

}  // namespace

IndexerCli::IndexerCli()
    : app_(
          "Index policy statements (JSON Lines, .jsonl.gz, .txt, .md; files, folders or - for "
          "stdin)",
          "indexer") {
  app_.footer(kFooter);
  IndexerCommand& c = command_;
  app_.add_option("--db", c.db_path, "Database folder (created if missing)")
      ->required()
      ->envname("POLSEARCH_DB");
  app_.add_option("--schema", c.schema_path,
                  "Schema TOML for a new database (default: the built-in schema/policy.toml)")
      ->check(CLI::ExistingFile);
  app_.add_option("--commit-mb", commit_mb_, "Commit after this many MB of statement text")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app_.add_option("--delete", c.deletes, "Remove the statement with this id (repeatable)");
  app_.add_option("-j,--jobs", jobs_,
                  "Build a NEW database with this many threads (shards merged at the end; a "
                  "crash then loses the whole run). Default: every core for 16 MB of input or "
                  "more, else 1. Ignored for a database that has documents")
      ->check(CLI::Range(1, 64));
  app_.add_option("--shards", c.options.shards,
                  "Create DIR as a sharded database of this many shards (DIR/shard0.. and the "
                  "stub DIR/XAPIANDB; statements placed by a hash of their id, shards written in "
                  "parallel). A sharded DIR is detected on later runs without it")
      ->check(CLI::Range(1, 256));
  app_.add_option("--changesets", c.options.max_changesets,
                  "Keep this many changesets for read replicas (sets XAPIAN_MAX_CHANGESETS; "
                  "see docs/DEPLOYMENT.md)")
      ->check(CLI::Range(1, 100000));
  app_.add_option("--wait", c.options.wait_seconds,
                  "If another indexer holds the database, wait up to this many seconds for it "
                  "(default: stop at once with exit status 3)")
      ->check(CLI::NonNegativeNumber);
  app_.add_option("--progress", c.progress,
                  "Progress line on stderr: auto (on a terminal), always, never")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app_.add_flag("-q,--quiet", c.quiet, "Only errors and warnings, no summary");
  app_.add_option("inputs", c.inputs, "Files, folders, or - for JSON Lines on stdin");
  // --check: verify the database and exit (0 clean, 5 problems found); see src/ingest/check.h.
  app_.add_flag("--check", c.check,
                "Check the database (Xapian structure, passage counts, metadata) and exit: 0 "
                "clean, 5 problems found");
  // --backup: a compacted, checked copy of the last commit; see src/ingest/backup.h.
  app_.add_option("--backup", c.backup,
                  "Copy the database's last commit (compacted and checked) into this new folder "
                  "and exit; safe while searchers read and an indexer writes");
  // --learn-wordings: fastText neighbours for ~word and --expand; see
  // src/ingest/wording_training.h.
  app_.add_flag("--learn-wordings", c.learn_wordings,
                "After indexing the inputs (if any), learn related wordings from the database's "
                "passages (fastText; -j N threads, default 1 is reproducible) into "
                "DIR/wordings/neighbours.tsv, replacing an earlier one");
}

void IndexerCli::parse(int argc, const char* const* argv) {
  app_.parse(argc, argv);
  IndexerCommand& c = command_;
  if (c.check && !(c.inputs.empty() && c.deletes.empty() && !c.learn_wordings))
    throw CLI::ValidationError("--check", "takes no inputs, no --delete and no --learn-wordings");
  if (!c.backup.empty() &&
      !(c.inputs.empty() && c.deletes.empty() && !c.check && !c.learn_wordings))
    throw CLI::ValidationError("--backup",
                               "takes no inputs, no --delete, --check or --learn-wordings");
  if (c.inputs.empty() && c.deletes.empty() && !c.check && c.backup.empty() && !c.learn_wordings)
    throw CLI::ValidationError("INPUT", "give at least one input, --delete ID or --learn-wordings");
  for (auto& input : c.inputs)
    if (std::string why = unsupported_input(input); !why.empty())
      throw CLI::ValidationError(input, why);
  c.options.commit_bytes = static_cast<uint64_t>(commit_mb_ * 1024 * 1024);
  c.options.jobs = jobs_ > 0 ? jobs_ : default_jobs(total_input_bytes(c.inputs));
  // The concurrency test's hook (IndexerOptions::swap_delay) comes from the environment
  // like POLSEARCH_DB, but is no option: it is not for users.
  if (const char* delay = std::getenv("POLSEARCH_TEST_SWAP_DELAY_MS"))
    c.options.swap_delay = std::chrono::milliseconds(std::atoi(delay));
}

}  // namespace polsearch
