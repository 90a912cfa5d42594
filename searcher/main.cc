// searcher: answers queries over a polsearch database with ranked, highlighted
// passages. A thin command-line layer over polsearch::Searcher; see README.md.
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli_hints.h"
#include "exit_status.h"
#include "output.h"
#include "query_file.h"
#include "searcher.h"

namespace {

// Points at the problem: the query, then a caret under the offending character.
void report_syntax_error(const std::string& query, const polsearch::QuerySyntaxError& e) {
  size_t offset = std::min(e.offset(), query.size());
  uint64_t column = polsearch::code_point_offset(query, offset);
  std::cerr << "searcher: query syntax error at character " << column + 1 << ": " << e.what()
            << "\n  " << query << "\n  " << std::string(column, ' ') << "^\n";
}

// A ranking override from the command line: "on"/"off" (or true/false, 1/0).
bool parse_switch(const std::string& value) {
  return value == "on" || value == "true" || value == "1";
}

// "A:B[:C]" into numbers; throws CLI::ValidationError naming the option.
std::vector<double> parse_numbers(const std::string& option, const std::string& value,
                                  size_t min_parts, size_t max_parts) {
  std::vector<double> parts;
  size_t start = 0;
  for (;;) {
    size_t colon = value.find(':', start);
    std::string part = value.substr(start, colon == std::string::npos ? colon : colon - start);
    try {
      size_t used = 0;
      parts.push_back(std::stod(part, &used));
      if (used != part.size() || parts.back() < 0) throw std::invalid_argument(part);
    } catch (const std::exception&) {
      throw CLI::ValidationError(option, "'" + value + "' is not " + "numbers separated by ':'");
    }
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (parts.size() < min_parts || parts.size() > max_parts)
    throw CLI::ValidationError(option, "'" + value + "' has the wrong number of parts");
  return parts;
}

// Ranking overrides for one run (see the [ranking] keys in schema/policy.toml).
struct RankingFlags {
  std::optional<double> exact_boost, min_normlen, other_passages;
  std::string all_terms_first, stopwords, passage_stats, lucene_idf, proximity, prf;
  bool any() const {
    return exact_boost || min_normlen || other_passages || !all_terms_first.empty() ||
           !stopwords.empty() || !passage_stats.empty() || !lucene_idf.empty() ||
           !proximity.empty() || !prf.empty();
  }
  void apply(polsearch::RankingParams& r) const {
    if (exact_boost) r.exact_boost = *exact_boost;
    if (min_normlen) r.min_normlen = *min_normlen;
    if (other_passages) r.other_passages = *other_passages;
    if (!all_terms_first.empty()) r.all_terms_first = parse_switch(all_terms_first);
    if (!stopwords.empty()) r.stopwords = stopwords;
    if (!passage_stats.empty()) r.passage_stats = parse_switch(passage_stats);
    if (!lucene_idf.empty()) r.lucene_idf = parse_switch(lucene_idf);
    if (proximity == "off") {
      r.proximity_weight = 0;
    } else if (!proximity.empty()) {
      std::string numbers = proximity;
      bool near = numbers.size() > 5 && numbers.compare(numbers.size() - 5, 5, ":near") == 0;
      if (near) numbers.resize(numbers.size() - 5);
      auto p = parse_numbers("--proximity", numbers, 1, 2);
      r.proximity_weight = p[0];
      if (p.size() > 1) r.proximity_window = static_cast<unsigned>(std::max(2.0, p[1]));
      r.proximity_near = near;
    }
    if (prf == "off") {
      r.prf_docs = 0;
    } else if (!prf.empty()) {
      auto p = parse_numbers("--prf", prf, 2, 3);
      r.prf_docs = static_cast<unsigned>(std::min(1000.0, p[0]));
      r.prf_terms = static_cast<unsigned>(std::min(1000.0, p[1]));
      if (p.size() > 2) r.prf_weight = p[2];
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Search a polsearch database: ranked, highlighted passages", "searcher"};
  app.footer(
      "Query syntax: words (ranked; passages with all words first), \"a phrase\", \"word\" (that\n"
      "exact form), +required, -excluded, AND, OR, NOT, ( ), a NEAR/5 b, word*, and field\n"
      "filters from the schema: speaker:, country:UKR, source:, lang:, id:, date:2014..2024.\n"
      "Quote the whole query for the shell: searcher --db DIR '\"Article 5\" backstop'.\n"
      "Batch: --queries FILE (BEIR queries.jsonl or qid<TAB>query) answers every query in one\n"
      "process; their text is read as plain words unless --query-syntax full.\n"
      "Ranking options (--k1 ... --other-passages) override the database schema's [ranking]\n"
      "for this run; docs/EVALUATION.md measures each of them.\n"
      "Analyst options: --sort date|-date (relevance within dates: add date:A..B to the query),\n"
      "--like DOC_ID#N (passages like that one; a query then only filters), --context N,\n"
      "--explain. `searcher show DOC_ID` prints one statement and all its passages (to search\n"
      "for the word show, write: searcher -- show).\n"
      "Exit status: 0 searched (with or without hits); 1 batch mode: some queries could not\n"
      "be run (each reported); 2 usage or query syntax error, or an id (show, --like) that the\n"
      "database does not have; 3 database missing, unreadable or too new; 4 unexpected failure.");
  std::string db_path, format = "text", color = "auto", language, queries_path, unit = "passage",
                       syntax, tag = "polsearch";
  std::vector<std::string> words;
  std::string sort = "relevance", like;
  int context = 0;
  polsearch::SearchOptions options;
  unsigned per_doc = 0;
  double k1 = -1, b = -1;
  app.add_option("--db", db_path, "Database folder")->required()->envname("POLSEARCH_DB");
  app.add_option("-n,--limit", options.limit, "Passages to show")->capture_default_str();
  app.add_option("--offset", options.offset, "Skip this many passages (paging)");
  auto* per_doc_opt = app.add_option(
      "--per-doc", per_doc, "At most K passages per statement (0 = no limit; default from schema)");
  app.add_option("--format", format, "text, json (JSON Lines) or trec (a TREC run)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json", "trec"}));
  app.add_option("--queries", queries_path,
                 "Answer every query in FILE (.jsonl or TSV; - = stdin)");
  app.add_option("--unit", unit,
                 "What is ranked: passage, or statement (scored by its best passage, MaxP)")
      ->capture_default_str()
      ->check(CLI::IsMember({"passage", "statement"}));
  app.add_option("--query-syntax", syntax,
                 "full (operators, phrases, fields) or plain (words only); default: full, or "
                 "plain for --queries")
      ->check(CLI::IsMember({"full", "plain"}));
  app.add_option("--tag", tag, "Run tag in --format trec")->capture_default_str();
  app.add_flag("--facets", options.facets,
               "Count all matching passages by speaker, country, source and year");
  app.add_option("--facet-values", options.facet_values, "Values listed per facet")
      ->capture_default_str();
  app.add_flag("--expand", options.expand,
               "Expand every word or phrase that names a concept (schema/concepts.toml), as ~word");
  app.add_option("--sort", sort,
                 "relevance, date (oldest first) or -date (newest first); undated passages last")
      ->capture_default_str()
      ->check(CLI::IsMember({"relevance", "date", "-date"}));
  app.add_option("--like", like,
                 "DOC_ID#N: passages like passage N of statement DOC_ID (the query, if any, "
                 "filters them)");
  app.add_option("--like-terms", options.like_terms, "Terms taken from the --like passage")
      ->capture_default_str()
      ->check(CLI::Range(1, 200));
  app.add_option("--context", context, "Also print N passages before and after each hit")
      ->check(CLI::Range(0, 1000));
  app.add_flag("--explain", options.explain,
               "Show each hit's weight split into its query parts (stem, exact form, phrase, "
               "expansion, tier, ...)");
  app.add_option("--color", color, "Bold highlights: auto (on a terminal), always, never")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("--k1", k1, "BM25 k1 for this query (default from schema)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--b", b, "BM25 b for this query (default from schema)")
      ->check(CLI::Range(0.0, 1.0));
  RankingFlags ranking;
  const auto on_off = CLI::IsMember({"on", "off", "true", "false", "1", "0"});
  app.add_option("--exact-boost", ranking.exact_boost,
                 "Weight of a word's exact form over its stem (default from schema)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--min-normlen", ranking.min_normlen,
                 "BM25 floor on passage length / average (default from schema)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--all-terms-first", ranking.all_terms_first,
                 "on|off: passages with every bare word rank first")
      ->check(on_off);
  app.add_option("--stopwords", ranking.stopwords,
                 "none|lucene|common: stop words dropped from plain queries (default from schema)")
      ->check(CLI::IsMember({"none", "lucene", "common"}));
  app.add_option("--passage-stats", ranking.passage_stats,
                 "on|off: BM25 statistics over passages only (not statement records)")
      ->check(on_off);
  app.add_option("--lucene-idf", ranking.lucene_idf,
                 "on|off: idf log(1 + (N - n + 0.5) / (n + 0.5)) instead of Xapian's")
      ->check(on_off);
  app.add_option("--proximity", ranking.proximity,
                 "W[:WINDOW][:near] or off: adjacent query words also as a phrase within "
                 "WINDOW (or NEAR), adding W x their weight");
  app.add_option("--prf", ranking.prf,
                 "DOCS:TERMS[:WEIGHT] or off: pseudo-relevance feedback from the top DOCS hits");
  app.add_option("--other-passages", ranking.other_passages,
                 "--unit statement: add W x each further passage's score to the best one's")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--lang", language, "Query language for stemming (default from schema)");
  app.add_option("--time-limit", options.time_limit_seconds,
                 "Stop matching after this many seconds (0 = none)");
  app.add_option("query", words, "The query (several arguments are joined with spaces)");
  // "--sort -date": CLI11 would take "-date" for an option, so it is joined as "--sort=-date".
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i + 1 < args.size() && args[i] != "--"; ++i)
    if (args[i] == "--sort" && args[i + 1] == "-date") {
      args[i] = "--sort=-date";
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    }
  // `searcher show DOC_ID`: the first word, unless written after "--".
  auto dashes = std::find(args.begin(), args.end(), "--");
  bool show_before_dashes = std::find(args.begin(), dashes, "show") != dashes;
  bool show = false;
  try {
    std::reverse(args.begin(), args.end());  // CLI11 takes them in reverse order
    app.parse(args);
    show = show_before_dashes && !words.empty() && words[0] == "show";
    if (show) {
      if (words.size() != 2)
        throw CLI::ValidationError("show", "give one statement id: show DOC_ID");
      if (!queries_path.empty() || !like.empty())
        throw CLI::ValidationError("show", "show takes no --queries or --like");
    } else if (!like.empty()) {
      auto ref = polsearch::parse_passage_ref(like);
      if (!ref)
        throw CLI::ValidationError("--like", "'" + like +
                                                 "' is not DOC_ID#N (a statement id, '#', and a "
                                                 "passage number as printed)");
      if (!queries_path.empty())
        throw CLI::ValidationError("--like", "cannot be combined with --queries");
      options.like = *ref;
    } else if (words.empty() == queries_path.empty()) {
      throw CLI::ValidationError("QUERY", "give a query or --queries FILE (not both)");
    }
    polsearch::RankingParams probe;
    ranking.apply(probe);  // reports a malformed --proximity / --prf as a usage error
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    std::string hint = polsearch::dashed_query_hint(
        std::vector<std::string>(argv + 1, argv + argc),
        [&](const std::string& arg) { return app.get_option_no_throw(arg) != nullptr; });
    if (code != 0 && !hint.empty()) std::cerr << "searcher: " << hint << '\n';
    return code == 0 ? 0 : polsearch::kExitUsage;
  }
  if (per_doc_opt->count()) options.per_doc = per_doc;
  options.sort = polsearch::sort_order_named(sort).value_or(polsearch::SortOrder::Relevance);
  options.context = static_cast<unsigned>(context);
  if (k1 >= 0) options.k1 = k1;
  if (b >= 0) options.b = b;
  options.language = language;
  options.unit =
      unit == "statement" ? polsearch::RankUnit::Statement : polsearch::RankUnit::Passage;
  if (syntax.empty()) syntax = queries_path.empty() ? "full" : "plain";
  options.syntax = syntax == "plain" ? polsearch::QuerySyntax::Plain : polsearch::QuerySyntax::Full;
  options.highlight = format != "trec";
  bool ansi = color == "always" || (color == "auto" && isatty(1));
  auto print = [&](const polsearch::SearchResult& result) {
    if (format == "json")
      polsearch::print_json(std::cout, result);
    else if (format == "trec")
      polsearch::print_trec(std::cout, result, options.unit == polsearch::RankUnit::Passage, tag);
    else
      polsearch::print_text(
          std::cout, result,
          ansi ? polsearch::HighlightStyle::Ansi : polsearch::HighlightStyle::Markers);
  };

  std::string query;
  for (auto& w : words) query += (query.empty() ? "" : " ") + w;

  try {
    polsearch::Searcher searcher(db_path);
    if (show) {
      polsearch::StatementView statement = searcher.statement(words[1]);
      if (format == "json")
        polsearch::print_statement_json(std::cout, statement);
      else
        polsearch::print_statement_text(std::cout, statement);
      std::cout.flush();
      return polsearch::kExitOk;
    }
    if (ranking.any()) {
      polsearch::RankingParams params = searcher.schema().ranking;
      ranking.apply(params);
      options.ranking = params;
    }
    if (!queries_path.empty()) {
      size_t failed_queries = 0;
      size_t failed = polsearch::read_query_file(
          queries_path,
          [&](polsearch::BatchQuery&& q) {
            try {
              polsearch::SearchResult result = searcher.search(q.text, options);
              result.qid = q.qid;
              if (format == "text") std::cout << "# query " << q.qid << ": " << q.text << '\n';
              print(result);
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
    polsearch::SearchResult result = searcher.search(query, options);
    print(result);
    std::cout.flush();
    return polsearch::kExitOk;
  } catch (const polsearch::QuerySyntaxError& e) {
    report_syntax_error(query, e);
    return polsearch::kExitUsage;
  } catch (const polsearch::NotFoundError& e) {
    std::cerr << "searcher: " << e.what() << '\n';
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
