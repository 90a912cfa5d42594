// searcher: answers queries over a polsearch database with ranked, highlighted
// passages. A thin command-line layer over polsearch::Searcher; see README.md.
#include <unistd.h>

#include <iostream>

#include <CLI/CLI.hpp>

#include "exit_status.h"
#include "output.h"
#include "search.h"

namespace {

// Points at the problem: the query, then a caret under the offending character.
void report_syntax_error(const std::string& query, const polsearch::QuerySyntaxError& e) {
  size_t offset = std::min(e.offset(), query.size());
  uint64_t column = polsearch::code_point_offset(query, offset);
  std::cerr << "searcher: query syntax error at character " << column + 1 << ": " << e.what()
            << "\n  " << query << "\n  " << std::string(column, ' ') << "^\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Search a polsearch database: ranked, highlighted passages"};
  app.footer(
      "Query syntax: words (ranked; passages with all words first), \"a phrase\", \"word\" (that\n"
      "exact form), +required, -excluded, AND, OR, NOT, ( ), a NEAR/5 b, word*, and field\n"
      "filters from the schema: speaker:, country:UKR, source:, lang:, id:, date:2014..2024.\n"
      "Quote the whole query for the shell: searcher --db DIR '\"Article 5\" backstop'.\n"
      "Exit status: 0 searched (with or without hits); 2 usage or query syntax error; 3\n"
      "database missing, unreadable or too new; 4 unexpected failure.");
  std::string db_path, format = "text", color = "auto", language;
  std::vector<std::string> words;
  polsearch::SearchOptions options;
  unsigned per_doc = 0;
  double k1 = -1, b = -1;
  app.add_option("--db", db_path, "Database folder")->required()->envname("POLSEARCH_DB");
  app.add_option("-n,--limit", options.limit, "Passages to show")->capture_default_str();
  app.add_option("--offset", options.offset, "Skip this many passages (paging)");
  auto* per_doc_opt = app.add_option(
      "--per-doc", per_doc, "At most K passages per statement (0 = no limit; default from schema)");
  app.add_option("--format", format, "text or json (JSON Lines)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--color", color, "Bold highlights: auto (on a terminal), always, never")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("--k1", k1, "BM25 k1 for this query (default from schema)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--b", b, "BM25 b for this query (default from schema)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--lang", language, "Query language for stemming (default from schema)");
  app.add_option("--time-limit", options.time_limit_seconds,
                 "Stop matching after this many seconds (0 = none)");
  app.add_option("query", words, "The query (several arguments are joined with spaces)")
      ->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : polsearch::kExitUsage;
  }
  if (per_doc_opt->count()) options.per_doc = per_doc;
  if (k1 >= 0) options.k1 = k1;
  if (b >= 0) options.b = b;
  options.language = language;

  std::string query;
  for (auto& w : words) query += (query.empty() ? "" : " ") + w;

  try {
    polsearch::Searcher searcher(db_path);
    polsearch::SearchResult result = searcher.search(query, options);
    if (format == "json") {
      polsearch::print_json(std::cout, result);
    } else {
      bool ansi = color == "always" || (color == "auto" && isatty(1));
      polsearch::print_text(
          std::cout, result,
          ansi ? polsearch::HighlightStyle::Ansi : polsearch::HighlightStyle::Markers);
    }
    std::cout.flush();
    return polsearch::kExitOk;
  } catch (const polsearch::QuerySyntaxError& e) {
    report_syntax_error(query, e);
    return polsearch::kExitUsage;
  } catch (const polsearch::DatabaseError& e) {
    std::cerr << "searcher: " << e.what() << '\n';
    return polsearch::kExitDatabase;
  } catch (const Xapian::DatabaseError& e) {
    std::cerr << "searcher: " << db_path << ": " << e.get_description() << '\n';
    return polsearch::kExitDatabase;
  } catch (const Xapian::Error& e) {
    std::cerr << "searcher: " << e.get_description() << '\n';
    return polsearch::kExitFailed;
  } catch (const std::exception& e) {
    std::cerr << "searcher: " << e.what() << '\n';
    return polsearch::kExitFailed;
  }
}
