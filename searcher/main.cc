// searcher: answers queries over a polsearch database with ranked, highlighted
// passages. A thin command-line layer over polsearch::Searcher; see README.md. The
// options are declared and checked in src/present/searcher_cli.*.
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <string>

#include "cli_hints.h"
#include "crash_guard.h"
#include "exit_status.h"
#include "output.h"
#include "query_file.h"
#include "searcher.h"
#include "searcher_cli.h"

namespace {

using polsearch::SearcherCommand;

// Points at the problem: the query, then a caret under the offending character.
void report_syntax_error(const std::string& query, const polsearch::QuerySyntaxError& e) {
  size_t offset = std::min(e.offset(), query.size());
  uint64_t column = polsearch::code_point_offset(query, offset);
  std::cerr << "searcher: query syntax error at character " << column + 1 << ": " << e.what()
            << "\n  " << query << "\n  " << std::string(column, ' ') << "^\n";
}

void print(const SearcherCommand& cmd, const polsearch::SearchResult& result) {
  if (cmd.format == "json") {
    polsearch::print_json(std::cout, result);
  } else if (cmd.format == "trec") {
    polsearch::print_trec(std::cout, result, cmd.options.unit == polsearch::RankUnit::Passage,
                          cmd.tag);
  } else {
    bool ansi = cmd.color == "always" || (cmd.color == "auto" && isatty(1));
    polsearch::print_text(
        std::cout, result,
        ansi ? polsearch::HighlightStyle::Ansi : polsearch::HighlightStyle::Markers);
  }
}

int show(polsearch::Searcher& searcher, const SearcherCommand& cmd) {
  polsearch::StatementView statement = searcher.statement(*cmd.show_id);
  if (cmd.format == "json")
    polsearch::print_statement_json(std::cout, statement);
  else
    polsearch::print_statement_text(std::cout, statement);
  std::cout.flush();
  return polsearch::kExitOk;
}

// --related WORD: the wordings learned near it; 1 if it was not learned, 3 if none were.
int related(polsearch::Searcher& searcher, const SearcherCommand& cmd) {
  polsearch::RelatedWordings found;
  try {
    found = searcher.related(cmd.related);
  } catch (const polsearch::NoLearnedWordings& e) {
    std::cerr << "searcher: " << e.what() << '\n';
    return polsearch::kExitDatabase;
  }
  if (found.neighbours.empty()) {
    std::cerr << "searcher: --related: '" << cmd.related
              << "' has no learned wordings (not in the corpus, too rare, or a common word)\n";
    return polsearch::kExitPartial;
  }
  if (cmd.format == "json")
    polsearch::print_related_json(std::cout, cmd.related, found);
  else
    polsearch::print_related_text(std::cout, cmd.related, found);
  std::cout.flush();
  return polsearch::kExitOk;
}

// --queries FILE: every query in one process; a query that cannot run is reported and
// the rest go on.
int run_batch(polsearch::Searcher& searcher, const SearcherCommand& cmd,
              const polsearch::SearchOptions& options) {
  size_t failed_queries = 0;
  size_t failed = polsearch::read_query_file(
      cmd.queries_path,
      [&](polsearch::BatchQuery&& q) {
        try {
          polsearch::SearchResult result = searcher.search(q.text, options);
          result.qid = q.qid;
          if (cmd.format == "text") std::cout << "# query " << q.qid << ": " << q.text << '\n';
          print(cmd, result);
        } catch (const polsearch::QuerySyntaxError& e) {
          std::cerr << q.where.str() << ": query " << q.qid << ": ";
          report_syntax_error(q.text, e);
          ++failed_queries;
        }
      },
      [&](const polsearch::SourceLocation& where, const std::string& message) {
        std::cerr << where.str() << ": error: " << message << '\n';
      });
  std::cout.flush();
  return failed + failed_queries ? polsearch::kExitPartial : polsearch::kExitOk;
}

int run(const polsearch::SearcherCli& cli) {
  const SearcherCommand& cmd = cli.command();
  polsearch::Searcher searcher(cmd.db_path, cmd.shards);
  if (cmd.show_id) return show(searcher, cmd);
  if (!cmd.related.empty()) return related(searcher, cmd);
  polsearch::SearchOptions options = cmd.options;
  options.ranking = cli.ranking(searcher.schema().ranking);
  if (!cmd.queries_path.empty()) return run_batch(searcher, cmd, options);
  print(cmd, searcher.search(cmd.query, options));
  std::cout.flush();
  return polsearch::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  polsearch::SearcherCli cli;
  try {
    cli.parse(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const CLI::ParseError& e) {
    int code = cli.app().exit(e);
    std::string hint = polsearch::dashed_query_hint(
        std::vector<std::string>(argv + 1, argv + argc),
        [&](const std::string& arg) { return cli.app().get_option_no_throw(arg) != nullptr; });
    if (code != 0 && !hint.empty()) std::cerr << "searcher: " << hint << '\n';
    return code == 0 ? 0 : polsearch::kExitUsage;
  }
  const std::string& db_path = cli.command().db_path;
  polsearch::exit_cleanly_on_crash(
      "searcher: " + db_path +
          ": crashed reading the database: it is damaged; `indexer --check --db " + db_path +
          "` names the damaged table\n",
      polsearch::kExitDatabase);
  try {
    return run(cli);
  } catch (const polsearch::QuerySyntaxError& e) {
    report_syntax_error(cli.command().query, e);
    return polsearch::kExitUsage;
  } catch (const polsearch::NotFoundError& e) {
    std::cerr << "searcher: " << e.what() << '\n';
    return polsearch::kExitUsage;
  } catch (const polsearch::DatabaseError& e) {
    std::cerr << "searcher: " << e.what() << '\n';
    return polsearch::kExitDatabase;
  } catch (const Xapian::DatabaseError& e) {
    // Reading failed half-way (truncated or damaged tables): never a partial answer.
    std::cerr << "searcher: " << db_path << ": cannot read the database, it is damaged or "
              << "was changed too often under the search (" << e.get_description()
              << "); `indexer --check --db " << db_path << "` names the damaged table\n";
    return polsearch::kExitDatabase;
  } catch (const Xapian::Error& e) {
    std::cerr << "searcher: " << e.get_description() << '\n';
    return polsearch::kExitFailed;
  } catch (const std::exception& e) {
    std::cerr << "searcher: " << e.what() << '\n';
    return polsearch::kExitFailed;
  }
}
