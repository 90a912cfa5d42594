#include "searcher_cli.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <variant>

#include "ranking_knobs.h"
#include "statement_view.h"

namespace polsearch {

namespace {

const char* const kFooter =
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
    "for the word show, write: searcher -- show). --related WORD lists the wordings learned\n"
    "near WORD (indexer --db DIR --learn-wordings), which ~word and --expand also search.\n"
    "Exit status: 0 searched (with or without hits); 1 batch mode: some queries could not\n"
    "be run (each reported), or --related: the word was not learned; 2 usage or query syntax "
    "error, or an id (show, --like) that the\n"
    "database does not have; 3 database missing, unreadable or too new, or --related: no\n"
    "wordings learned (or their table is unreadable); 4 unexpected failure.";

// A ranking switch from the command line: "on"/"off" (or true/false, 1/0).
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

// --proximity W[:WINDOW][:near] or off.
void apply_proximity(const std::string& value, RankingParams& r) {
  if (value == "off") {
    r.proximity_weight = 0;
    return;
  }
  std::string numbers = value;
  bool near = numbers.size() > 5 && numbers.compare(numbers.size() - 5, 5, ":near") == 0;
  if (near) numbers.resize(numbers.size() - 5);
  auto p = parse_numbers("--proximity", numbers, 1, 2);
  r.proximity_weight = p[0];
  if (p.size() > 1) r.proximity_window = static_cast<unsigned>(std::max(2.0, p[1]));
  r.proximity_near = near;
}

// --prf DOCS:TERMS[:WEIGHT] or off.
void apply_prf(const std::string& value, RankingParams& r) {
  if (value == "off") {
    r.prf_docs = 0;
    return;
  }
  auto p = parse_numbers("--prf", value, 2, 3);
  r.prf_docs = static_cast<unsigned>(std::min(1000.0, p[0]));
  r.prf_terms = static_cast<unsigned>(std::min(1000.0, p[1]));
  if (p.size() > 2) r.prf_weight = p[2];
}

// CLI11 takes "-date" after --sort for an option, so "--sort -date" is joined as
// "--sort=-date" (before a "--" only).
void join_sort_date(std::vector<std::string>& args) {
  for (size_t i = 0; i + 1 < args.size() && args[i] != "--"; ++i)
    if (args[i] == "--sort" && args[i + 1] == "-date") {
      args[i] = "--sort=-date";
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    }
}

}  // namespace

SearcherCli::SearcherCli()
    : app_("Search a polsearch database: ranked, highlighted passages", "searcher") {
  app_.footer(kFooter);
  add_result_options();
  add_ranking_options();
  app_.add_option("--lang", command_.options.language,
                  "Query language for stemming (default from schema)");
  app_.add_option("--time-limit", command_.options.time_limit_seconds,
                  "Stop matching after this many seconds (0 = none)");
  app_.add_option("--shard-timeout", command_.shards.timeout_ms,
                  "Remote shards: give up on an answer after this many milliseconds (a hung "
                  "shard is then an error naming it, exit status 3)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 3600000u));
  app_.add_option("--connect-timeout", command_.shards.connect_timeout_ms,
                  "Remote shards: give up connecting after this many milliseconds")
      ->capture_default_str()
      ->check(CLI::Range(1u, 3600000u));
  app_.add_flag("--partial", command_.shards.partial,
                "Sharded database: answer from the shards that respond, with a warning naming "
                "the others (default: a shard that fails is an error, exit status 3)");
  app_.add_option("query", words_, "The query (several arguments are joined with spaces)");
}

void SearcherCli::add_result_options() {
  SearchOptions& o = command_.options;
  app_.add_option("--db", command_.db_path,
                  "Database folder, sharded database folder or stub file (local and remote shards)")
      ->required()
      ->envname("POLSEARCH_DB");
  app_.add_option("-n,--limit", o.limit, "Passages to show")->capture_default_str();
  app_.add_option("--offset", o.offset, "Skip this many passages (paging)");
  app_.add_flag("--show-repeats", o.show_repeats,
                "Keep passages that repeat the passage ranked above them word for word (a "
                "statement holding its text twice); by default they are left out, with a note");
  per_doc_option_ =
      app_.add_option("--per-doc", per_doc_,
                      "At most K passages per statement (0 = no limit; default from schema)");
  app_.add_option("--format", command_.format, "text, json (JSON Lines) or trec (a TREC run)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json", "trec"}));
  app_.add_option("--queries", command_.queries_path,
                  "Answer every query in FILE (.jsonl or TSV; - = stdin)");
  app_.add_option("--unit", unit_,
                  "What is ranked: passage, or statement (scored by its best passage, MaxP)")
      ->capture_default_str()
      ->check(CLI::IsMember({"passage", "statement"}));
  app_.add_option("--query-syntax", syntax_,
                  "full (operators, phrases, fields) or plain (words only); default: full, or "
                  "plain for --queries")
      ->check(CLI::IsMember({"full", "plain"}));
  app_.add_option("--tag", command_.tag, "Run tag in --format trec")->capture_default_str();
  app_.add_flag("--facets", o.facets,
                "Count matching passages by speaker, country, source and year (the first "
                "--facet-sample matches in result order; the output says how many)");
  app_.add_flag("--exact-facets", o.exact_facets,
                "With --facets: count every matching passage (slower: the whole match set)");
  app_.add_option("--facet-sample", o.facet_sample,
                  "With --facets: count this many matches (0 = every match, as --exact-facets)")
      ->capture_default_str();
  app_.add_option("--facet-values", o.facet_values, "Values listed per facet")
      ->capture_default_str();
  app_.add_flag("--expand", o.expand,
                "Expand every word or phrase that names a concept (schema/concepts.toml) or has "
                "learned wordings, as ~word");
  app_.add_flag("!--no-learned", o.learned,
                "~word and --expand leave out the wordings learned from the corpus");
  app_.add_option("--learned-use", learned_use_,
                  "SIM:MAX[:WEIGHT]: ~word and --expand add at most MAX learned wordings at least "
                  "SIM similar, counting WEIGHT (default 0.8:2:0.15)");
  app_.add_option("--related", command_.related,
                  "List the wordings learned near WORD (indexer --learn-wordings) with their "
                  "similarity and passage counts, and exit");
  app_.add_option("--sort", sort_,
                  "relevance, date (oldest first) or -date (newest first); undated passages last")
      ->capture_default_str()
      ->check(CLI::IsMember({"relevance", "date", "-date"}));
  app_.add_option("--like", like_,
                  "DOC_ID#N: passages like passage N of statement DOC_ID (the query, if any, "
                  "filters them)");
  app_.add_option("--like-terms", o.like_terms, "Terms taken from the --like passage")
      ->capture_default_str()
      ->check(CLI::Range(1, 200));
  app_.add_option("--context", context_, "Also print N passages before and after each hit")
      ->check(CLI::Range(0, 1000));
  app_.add_flag("--explain", o.explain,
                "Show each hit's weight split into its query parts (stem, exact form, phrase, "
                "expansion, tier, ...)");
  app_.add_option("--color", command_.color, "Bold highlights: auto (on a terminal), always, never")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "always", "never"}));
}

void SearcherCli::add_knob_option(const RankingKnob& knob) {
  std::string option(knob.option), name(knob.name);
  std::string help(knob.help);
  if (!knob.choices.empty() || std::holds_alternative<bool RankingParams::*>(knob.member)) {
    std::vector<std::string> allowed = {"on", "off", "true", "false", "1", "0"};
    if (!knob.choices.empty()) {
      std::istringstream in{std::string(knob.choices)};
      allowed.clear();
      for (std::string w; in >> w;) allowed.push_back(w);
    }
    app_.add_option(option, knob_texts_[name], help)->check(CLI::IsMember(allowed));
    return;
  }
  CLI::Option* opt = app_.add_option(option, knob_numbers_[name], help);
  if (std::isinf(knob.max))
    opt->check(CLI::NonNegativeNumber);
  else
    opt->check(CLI::Range(knob.min, knob.max));
}

// One option per knob the table gives an option, in the table's order; the knobs that
// --proximity and --prf set together come just before --other-passages.
void SearcherCli::add_ranking_options() {
  for (const RankingKnob& knob : ranking_knobs()) {
    if (knob.name == "other_passages") {
      app_.add_option("--proximity", proximity_,
                      "W[:WINDOW][:near] or off: adjacent query words also as a phrase within "
                      "WINDOW (or NEAR), adding W x their weight");
      app_.add_option("--prf", prf_,
                      "DOCS:TERMS[:WEIGHT] or off: pseudo-relevance feedback from the top DOCS "
                      "hits");
    }
    if (!knob.option.empty()) add_knob_option(knob);
  }
}

std::optional<RankingParams> SearcherCli::ranking(const RankingParams& schema_ranking) const {
  RankingParams r = schema_ranking;
  bool any = !proximity_.empty() || !prf_.empty();
  for (const RankingKnob& knob : ranking_knobs()) {
    if (knob.option.empty() || !app_.get_option(std::string(knob.option))->count()) continue;
    any = true;
    std::string name(knob.name);
    std::visit(
        [&](auto member) {
          using T = std::remove_cvref_t<decltype(r.*member)>;
          if constexpr (std::is_same_v<T, std::string>)
            r.*member = knob_texts_.at(name);
          else if constexpr (std::is_same_v<T, bool>)
            r.*member = parse_switch(knob_texts_.at(name));
          else
            r.*member = static_cast<T>(knob_numbers_.at(name));
        },
        knob.member);
  }
  if (!proximity_.empty()) apply_proximity(proximity_, r);
  if (!prf_.empty()) apply_prf(prf_, r);
  if (!any) return std::nullopt;
  return r;
}

void SearcherCli::parse(std::vector<std::string> args) {
  join_sort_date(args);
  // `searcher show DOC_ID`: the first word, unless written after "--".
  auto dashes = std::find(args.begin(), args.end(), "--");
  bool show_before_dashes = std::find(args.begin(), dashes, "show") != dashes;
  std::reverse(args.begin(), args.end());  // CLI11 takes them in reverse order
  app_.parse(args);
  if (show_before_dashes && !words_.empty() && words_[0] == "show") {
    if (words_.size() != 2)
      throw CLI::ValidationError("show", "give one statement id: show DOC_ID");
    command_.show_id = words_[1];
  }
  check_combinations();
  ranking(RankingParams{});  // reports a malformed --proximity / --prf as a usage error
  fill_options();
}

void SearcherCli::check_combinations() {
  if (!command_.related.empty()) {
    if (command_.show_id || !command_.queries_path.empty() || !like_.empty() || !words_.empty())
      throw CLI::ValidationError("--related", "takes no query, show, --queries or --like");
  } else if (command_.show_id) {
    if (!command_.queries_path.empty() || !like_.empty())
      throw CLI::ValidationError("show", "show takes no --queries or --like");
  } else if (!like_.empty()) {
    auto ref = parse_passage_ref(like_);
    if (!ref)
      throw CLI::ValidationError("--like", "'" + like_ +
                                               "' is not DOC_ID#N (a statement id, '#', and a "
                                               "passage number as printed)");
    if (!command_.queries_path.empty())
      throw CLI::ValidationError("--like", "cannot be combined with --queries");
    command_.options.like = *ref;
  } else if (words_.empty() == command_.queries_path.empty()) {
    throw CLI::ValidationError("QUERY", "give a query or --queries FILE (not both)");
  }
}

void SearcherCli::fill_options() {
  SearchOptions& o = command_.options;
  if (!learned_use_.empty()) {
    auto p = parse_numbers("--learned-use", learned_use_, 2, 3);
    o.learned_use.min_similarity = p[0];
    o.learned_use.max = static_cast<unsigned>(std::min(100.0, p[1]));
    if (p.size() > 2) o.learned_use.weight = p[2];
  }
  if (per_doc_option_->count()) o.per_doc = per_doc_;
  o.sort = sort_order_named(sort_).value_or(SortOrder::Relevance);
  o.context = static_cast<unsigned>(context_);
  o.unit = unit_ == "statement" ? RankUnit::Statement : RankUnit::Passage;
  if (syntax_.empty()) syntax_ = command_.queries_path.empty() ? "full" : "plain";
  o.syntax = syntax_ == "plain" ? QuerySyntax::Plain : QuerySyntax::Full;
  o.highlight = command_.format != "trec";
  for (auto& w : words_) command_.query += (command_.query.empty() ? "" : " ") + w;
}

}  // namespace polsearch
