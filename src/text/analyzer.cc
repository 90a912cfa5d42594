// Analyzer: runs the steps of analysis_filters.h over a text and does the joins that
// need two neighbouring segments (OCR "com¬munity", "1990's", hyphenated compounds),
// plus stemming and the language map.
#include "analyzer.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <unordered_map>

#include <xapian.h>

#include "analysis_filters.h"
#include "utf8.h"

namespace polsearch {
namespace {

// ---- Language names -----------------------------------------------------------

constexpr std::array<std::pair<std::string_view, std::string_view>, 26> kIsoToStemmer{{
    {"ar", "arabic"},     {"ca", "catalan"},  {"da", "danish"},     {"de", "german"},
    {"en", "english"},    {"es", "spanish"},  {"eu", "basque"},     {"fi", "finnish"},
    {"fr", "french"},     {"ga", "irish"},    {"hu", "hungarian"},  {"hy", "armenian"},
    {"id", "indonesian"}, {"it", "italian"},  {"lt", "lithuanian"}, {"nb", "norwegian"},
    {"ne", "nepali"},     {"nl", "dutch"},    {"nn", "norwegian"},  {"no", "norwegian"},
    {"pt", "portuguese"}, {"ro", "romanian"}, {"ru", "russian"},    {"sv", "swedish"},
    {"ta", "tamil"},      {"tr", "turkish"},
}};

// Sorted (checked at compile time) for binary search.
constexpr std::string_view kCommonWords[] = {
    "a",         "about",      "above",   "after",  "again",   "against", "all",        "also",
    "am",        "an",         "and",     "any",    "are",     "as",      "at",         "be",
    "because",   "been",       "before",  "being",  "below",   "between", "both",       "but",
    "by",        "can",        "could",   "did",    "do",      "does",    "doing",      "don't",
    "down",      "during",     "each",    "either", "even",    "ever",    "every",      "few",
    "for",       "from",       "further", "go",     "had",     "has",     "have",       "having",
    "he",        "her",        "here",    "hers",   "herself", "him",     "himself",    "his",
    "how",       "however",    "i",       "if",     "in",      "into",    "is",         "it",
    "it's",      "its",        "itself",  "just",   "let",     "many",    "may",        "me",
    "might",     "more",       "most",    "much",   "must",    "my",      "myself",     "neither",
    "no",        "nor",        "not",     "now",    "of",      "off",     "often",      "on",
    "once",      "one",        "only",    "or",     "other",   "ought",   "our",        "ours",
    "ourselves", "out",        "over",    "own",    "per",     "quite",   "rather",     "same",
    "shall",     "she",        "should",  "since",  "so",      "some",    "still",      "such",
    "than",      "that",       "the",     "their",  "theirs",  "them",    "themselves", "then",
    "there",     "these",      "they",    "this",   "those",   "though",  "through",    "thus",
    "to",        "too",        "under",   "until",  "up",      "upon",    "us",         "very",
    "was",       "we",         "we've",   "well",   "were",    "what",    "when",       "where",
    "whether",   "which",      "while",   "who",    "whom",    "whose",   "why",        "will",
    "with",      "within",     "without", "would",  "yet",     "you",     "your",       "yours",
    "yourself",  "yourselves",
};
static_assert(std::is_sorted(std::begin(kCommonWords), std::end(kCommonWords)));

}  // namespace

std::string stemmer_name_for(const std::string& language) {
  std::string lang;
  for (char ch : language) {
    if (ch == '-' || ch == '_') break;  // "en-GB", "pt_BR"
    lang.push_back(static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch));
  }
  if (lang.empty()) return "";
  for (const auto& [iso, name] : kIsoToStemmer) {
    if (lang == iso) return std::string(name);
  }
  // A full stemmer name ("english", "german2") is accepted as is if Xapian has it.
  std::string available = " " + Xapian::Stem::get_available_languages() + " ";
  if (available.find(" " + lang + " ") != std::string::npos) return lang;
  return "";
}

using analysis::Piece;

struct Analyzer::Impl {
  analysis::Segmenter segmenter;
  analysis::PieceSplitter splitter;
  analysis::Normaliser normaliser;

  // The last piece seen, held back until we know the next segment does not join it.
  struct Pending {
    bool active = false;
    uint32_t start = 0, end = 0;
    std::string_view raw;  // into the text, or into own
    std::string own;
    bool dotted = false;
    bool hyphen_before = false;  // a lone hyphen separates it from the previous piece
  } pending;

  // The hyphenated run being built, as indexes into the output tokens.
  struct Chain {
    size_t first = 0;
    uint32_t parts = 0;
  } chain;
  bool last_piece_emitted = false;

  std::string language;
  bool language_set = false;
  Xapian::Stem stemmer;
  bool stemming = false;
  size_t cache_limit;
  std::unordered_map<std::string, std::string> stem_cache;
  std::string uncached_stem;

  explicit Impl(const AnalyzerOptions& options) : cache_limit(options.stem_cache_entries) {}

  void flush_chain(std::vector<Token>& tokens, std::vector<Compound>* compounds) {
    if (chain.parts >= 2 && compounds) {
      Compound c;
      bool letters = false;
      for (size_t i = chain.first; i < chain.first + chain.parts; ++i) {
        const std::string& f = tokens[i].form;
        letters = letters || analysis::has_letter(f);
        c.joined += f;
        if (!c.split.empty()) c.split += ' ';
        c.split += f;
      }
      // "2015-2030" or "1-2" joined would only make false matches for numbers.
      if (letters) {
        utf8::cut(c.joined, kMaxFormBytes);
        c.start = tokens[chain.first].start;
        c.end = tokens[chain.first + chain.parts - 1].end;
        c.first_position = tokens[chain.first].position;
        c.parts = chain.parts;
        compounds->push_back(std::move(c));
      }
    }
    chain.parts = 0;
  }

  void emit_pending(std::vector<Token>& tokens, std::vector<Compound>* compounds,
                    uint32_t& position) {
    if (!pending.active) return;
    pending.active = false;
    Token& t = tokens.emplace_back();
    bool possessive = normaliser.normalise(pending.raw, t.form);
    if (t.form.empty()) {
      tokens.pop_back();
      last_piece_emitted = false;
      return;
    }
    t.start = pending.start;
    t.end = pending.end;
    t.position = position++;
    t.dotted_acronym = pending.dotted;
    t.all_caps = analysis::is_all_caps(pending.raw, possessive);
    if (pending.hyphen_before && last_piece_emitted && chain.parts > 0) {
      ++chain.parts;
    } else {
      flush_chain(tokens, compounds);
      chain.first = tokens.size() - 1;
      chain.parts = 1;
    }
    last_piece_emitted = true;
  }

  void take_piece(std::string_view text, const Piece& p, bool first_in_segment, bool whole_segment,
                  std::vector<Token>& tokens, std::vector<Compound>* compounds,
                  uint32_t& position) {
    bool hyphen = false;
    if (pending.active && first_in_segment && pending.end <= p.start) {
      std::string_view gap = text.substr(pending.end, p.start - pending.end);
      if (analysis::is_not_sign_gap(gap) && !pending.dotted && !p.dotted &&
          analysis::ends_with_letter(pending.raw) && analysis::starts_with_letter(p.raw)) {
        if (pending.raw.data() != pending.own.data()) pending.own.assign(pending.raw);
        pending.own.append(p.raw);
        pending.raw = pending.own;
        pending.end = p.end;
        return;
      }
      // "1990's", "U.S.'s": ICU splits the s off after a number or a dot.
      if (whole_segment && (p.raw == "s" || p.raw == "S") && analysis::is_apostrophe_gap(gap) &&
          (pending.dotted || analysis::ends_with_digit(pending.raw))) {
        pending.end = p.end;
        return;
      }
      hyphen = analysis::is_hyphen_gap(gap);
    }
    emit_pending(tokens, compounds, position);
    pending.active = true;
    pending.start = p.start;
    pending.end = p.end;
    if (p.raw.data() >= text.data() && p.raw.data() < text.data() + text.size()) {
      pending.raw = p.raw;  // plain words point into the text: no copy
    } else {
      pending.own.assign(p.raw);
      pending.raw = pending.own;
    }
    pending.dotted = p.dotted;
    pending.hyphen_before = hyphen;
  }
};

Analyzer::Analyzer(const AnalyzerOptions& options) : impl_(std::make_unique<Impl>(options)) {
  set_language(options.language);
}

Analyzer::~Analyzer() = default;

uint32_t Analyzer::analyze(std::string_view text, std::vector<Token>& tokens,
                           std::vector<Compound>* compounds, uint32_t first_position) {
  Impl& im = *impl_;
  uint32_t position = first_position;
  im.pending.active = false;
  im.chain.parts = 0;
  im.last_piece_emitted = false;
  im.segmenter.reset(text);
  uint32_t start, end;
  while (im.segmenter.next(start, end)) {
    const std::vector<Piece>& pieces = im.splitter.split(text, start, end);
    for (size_t k = 0; k < pieces.size(); ++k) {
      im.take_piece(text, pieces[k], k == 0, pieces.size() == 1, tokens, compounds, position);
    }
  }
  im.emit_pending(tokens, compounds, position);
  im.flush_chain(tokens, compounds);
  return position;
}

const std::string& Analyzer::stem(const std::string& form) {
  static const std::string kEmpty;
  Impl& im = *impl_;
  if (!im.stemming || form.empty() || !analysis::has_letter(form)) return kEmpty;
  if (im.cache_limit == 0) {
    im.uncached_stem = im.stemmer(form);
    return im.uncached_stem;
  }
  auto it = im.stem_cache.find(form);
  if (it != im.stem_cache.end()) return it->second;
  if (im.stem_cache.size() >= im.cache_limit) im.stem_cache.clear();  // simple bound
  return im.stem_cache.emplace(form, im.stemmer(form)).first->second;
}

bool Analyzer::set_language(const std::string& language) {
  Impl& im = *impl_;
  if (im.language_set && language == im.language) return im.stemming;
  im.language_set = true;
  im.language = language;
  im.stem_cache.clear();
  std::string name = stemmer_name_for(language);
  im.stemming = false;
  im.stemmer = Xapian::Stem();
  if (name.empty()) return false;
  try {
    im.stemmer = Xapian::Stem(name);
    im.stemming = true;
  } catch (const Xapian::Error&) {
    im.stemming = false;
  }
  return im.stemming;
}

const std::string& Analyzer::language() const { return impl_->language; }

bool Analyzer::is_common_word(std::string_view form) {
  return std::binary_search(std::begin(kCommonWords), std::end(kCommonWords), form);
}

}  // namespace polsearch
