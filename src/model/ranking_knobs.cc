#include "ranking_knobs.h"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <type_traits>

namespace polsearch {

namespace {

using R = RankingParams;

// Group 1 and 2: the two range checks (and messages) of [ranking] in the schema.
const RankingKnob kKnobs[] = {
    {"k1", &R::k1, 0, HUGE_VAL, "", 1, "--k1", "BM25 k1 for this query (default from schema)"},
    {"b", &R::b, 0, 1, "", 1, "--b", "BM25 b for this query (default from schema)"},
    {"exact_boost", &R::exact_boost, 0, HUGE_VAL, "", 1, "--exact-boost",
     "Weight of a word's exact form over its stem (default from schema)"},
    {"min_normlen", &R::min_normlen, 0, HUGE_VAL, "", 0, "--min-normlen",
     "BM25 floor on passage length / average (default from schema)"},
    {"all_terms_first", &R::all_terms_first, 0, 1, "", 0, "--all-terms-first",
     "on|off: passages with every bare word rank first"},
    {"stopwords", &R::stopwords, 0, 0, "none lucene common", 0, "--stopwords",
     "none|lucene|common: stop words dropped from plain queries (default from schema)"},
    {"passage_stats", &R::passage_stats, 0, 1, "", 0, "--passage-stats",
     "on|off: BM25 statistics over passages only (not statement records)"},
    {"lucene_idf", &R::lucene_idf, 0, 1, "", 0, "--lucene-idf",
     "on|off: idf log(1 + (N - n + 0.5) / (n + 0.5)) instead of Xapian's"},
    // Set together by --proximity W[:WINDOW][:near] and --prf DOCS:TERMS[:WEIGHT].
    {"proximity_weight", &R::proximity_weight, 0, HUGE_VAL, "", 2, "", ""},
    {"proximity_window", &R::proximity_window, 2, 1000, "", 2, "", ""},
    {"proximity_near", &R::proximity_near, 0, 1, "", 0, "", ""},
    {"coverage_weight", &R::coverage_weight, 0, HUGE_VAL, "", 0, "--coverage",
     "Each query word a passage holds adds W x its idf (long questions; default from schema)"},
    {"coverage_min_words", &R::coverage_min_words, 2, 1000, "", 0, "", ""},
    {"prf_docs", &R::prf_docs, 0, 1000, "", 2, "", ""},
    {"prf_terms", &R::prf_terms, 0, 1000, "", 2, "", ""},
    {"prf_weight", &R::prf_weight, 0, HUGE_VAL, "", 2, "", ""},
    {"other_passages", &R::other_passages, 0, HUGE_VAL, "", 2, "--other-passages",
     "--unit statement: add W x each further passage's score to the best one's"},
    // --per-doc is a search option of its own (the schema value is only its default).
    {"per_doc", &R::per_doc, 0, HUGE_VAL, "", 0, "", ""},
};

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

std::span<const RankingKnob> ranking_knobs() { return kKnobs; }

const RankingKnob& ranking_knob(std::string_view name) {
  for (const RankingKnob& knob : kKnobs)
    if (knob.name == name) return knob;
  throw std::out_of_range("no ranking knob '" + std::string(name) + "'");
}

std::string knob_range_text(const RankingKnob& knob) {
  std::string name(knob.name);
  if (std::isinf(knob.max)) return name + " >= " + number_text(knob.min);
  return number_text(knob.min) + " <= " + name + " <= " + number_text(knob.max);
}

bool knob_in_range(const RankingKnob& knob, double value) {
  return value >= knob.min && value <= knob.max;
}

double knob_number(const RankingParams& params, const RankingKnob& knob) {
  return std::visit(
      [&](auto member) -> double {
        using T = std::remove_cvref_t<decltype(params.*member)>;
        if constexpr (std::is_same_v<T, std::string>)
          return std::nan("");
        else
          return static_cast<double>(params.*member);
      },
      knob.member);
}

std::string knob_default_text(const RankingKnob& knob) {
  const RankingParams defaults;
  if (auto* member = std::get_if<std::string RankingParams::*>(&knob.member))
    return defaults.**member;
  if (std::holds_alternative<bool RankingParams::*>(knob.member))
    return knob_number(defaults, knob) != 0 ? "true" : "false";
  return number_text(knob_number(defaults, knob));
}

}  // namespace polsearch
