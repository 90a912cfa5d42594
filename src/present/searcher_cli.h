// The searcher's command line as data: every option declared on a CLI11 app, parsed
// and checked into a SearcherCommand. The binary (searcher/main.cc) keeps what is
// about the process: printing, the batch loop and exit statuses. Tested on argument
// lists without a database (test/searcher_cli_test.cc).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "schema.h"
#include "searcher.h"

namespace polsearch {

struct RankingKnob;

struct SearcherCommand {
  std::string db_path;
  std::string format = "text";  // text, json, trec
  std::string color = "auto";   // auto, always, never
  std::string queries_path;     // --queries FILE: batch mode
  std::string tag = "polsearch";
  std::string query;                   // the query words, joined by spaces
  std::optional<std::string> show_id;  // `searcher show DOC_ID`
  std::string related;                 // --related WORD: its learned wordings
  SearchOptions options;               // ranking overrides: see SearcherCli::ranking
  ShardOptions shards;                 // a sharded database or stub: timeouts, --partial
};

class SearcherCli {
 public:
  SearcherCli();  // declares every option
  SearcherCli(const SearcherCli&) = delete;
  SearcherCli& operator=(const SearcherCli&) = delete;

  // Parses the arguments after the program name. Throws CLI::ParseError (also for
  // --help, which CLI::App::exit prints) for anything the command line gets wrong.
  void parse(std::vector<std::string> args);

  CLI::App& app() { return app_; }
  const SearcherCommand& command() const { return command_; }

  // The schema's [ranking] with this run's ranking options applied; nullopt when the
  // command line gives none. Throws CLI::ValidationError for a malformed value.
  std::optional<RankingParams> ranking(const RankingParams& schema_ranking) const;

 private:
  void add_result_options();
  void add_ranking_options();
  void add_knob_option(const RankingKnob& knob);
  void check_combinations();
  void fill_options();

  CLI::App app_;
  SearcherCommand command_;
  // Raw option values, filled by CLI11 (map nodes stay put, so CLI11 may bind to them).
  std::vector<std::string> words_;
  std::string unit_ = "passage", syntax_, sort_ = "relevance", like_;
  int context_ = 0;
  unsigned per_doc_ = 0;
  CLI::Option* per_doc_option_ = nullptr;
  std::map<std::string, double, std::less<>> knob_numbers_;     // by knob name
  std::map<std::string, std::string, std::less<>> knob_texts_;  // by knob name; "" = not given
  std::string proximity_, prf_, learned_use_;
};

}  // namespace polsearch
