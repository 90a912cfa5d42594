// Each ranking knob described once: its [ranking] key, the RankingParams member it
// sets, its range, the searcher option that overrides it alone and that option's help.
// Schema parsing, the searcher's command line and --explain all read this table, so a
// new knob is one row here plus its member (and default) in RankingParams.
#pragma once

#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "schema.h"

namespace polsearch {

using KnobMember = std::variant<double RankingParams::*, unsigned RankingParams::*,
                                bool RankingParams::*, std::string RankingParams::*>;

struct RankingKnob {
  std::string_view name;  // the [ranking] key
  KnobMember member;
  double min = 0;  // numbers and counts: the allowed range
  double max = std::numeric_limits<double>::infinity();
  std::string_view choices;  // strings: the allowed values, separated by spaces
  // The schema checks the range of the knobs of one group together and names them all in
  // one message (0: the range is not checked in the schema).
  int schema_group = 0;
  std::string_view option;  // searcher option setting this knob alone ("" = none)
  std::string_view help;    // that option's help
};

// Every knob, in the order the searcher lists its options.
std::span<const RankingKnob> ranking_knobs();
const RankingKnob& ranking_knob(std::string_view name);  // throws std::out_of_range

// "k1 >= 0", "0 <= b <= 1": the range as the schema's messages state it.
std::string knob_range_text(const RankingKnob& knob);
bool knob_in_range(const RankingKnob& knob, double value);
std::string knob_default_text(const RankingKnob& knob);  // RankingParams{}'s value, as text

// The knob's value in `params` as a number (switches 0 or 1; strings NaN).
double knob_number(const RankingParams& params, const RankingKnob& knob);

}  // namespace polsearch
