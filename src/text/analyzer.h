// Text analysis shared by indexer and searcher: ICU word segmentation (UAX #29),
// NFKC case folding, and the small normalising filters that make policy text
// searchable (apostrophes, possessives, dotted acronyms, digit grouping, hyphenated
// compounds, over-long words), plus Snowball stemming through Xapian::Stem.
//
// Index and query text go through this same code, so the terms always agree.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace polsearch {

// Longest exact form kept, in bytes. Xapian rejects terms over 245 bytes including
// the prefix, so forms are cut (at a UTF-8 character boundary) to leave room for
// the longest prefix we use. Index and query cut the same way, so a long word is
// still found by its own (cut) form.
inline constexpr size_t kMaxFormBytes = 200;

struct Token {
  std::string form;    // normalised exact form: NFKC-casefolded, ’ -> ', possessive 's
                       // removed, dots of a dotted acronym removed, "1,000" -> "1000"
  uint32_t start = 0;  // byte offsets [start, end) of the source word in the analysed text
  uint32_t end = 0;
  uint32_t position = 0;        // word position; consecutive words get consecutive positions
  bool dotted_acronym = false;  // written like "U.S." / "U.N" (single letters with dots)
  bool all_caps = false;        // written in capitals, at least 2 letters ("US", "NATO")
};

// Words joined by hyphens with no space ("cease-fire", "long-term", "Russia-Ukraine").
// The analyser still emits each part as a Token; a Compound records the join so the
// indexer can also index the joined form ("ceasefire") and the query side can find
// "cease fire" / "cease-fire" / "ceasefire" from any one of them.
struct Compound {
  std::string joined;           // parts' forms concatenated without hyphens: "ceasefire"
  std::string split;            // parts' forms joined by one space: "cease fire"
  uint32_t start = 0, end = 0;  // byte span of the whole compound
  uint32_t first_position = 0;  // position of the first part
  uint32_t parts = 0;           // number of parts (>= 2)
};

struct AnalyzerOptions {
  // ISO 639-1 code or Xapian stemmer name; "" or unknown = no stemming.
  std::string language = "en";
  size_t stem_cache_entries = 1 << 16;  // memo of form -> stem (stemming dominates otherwise)
};

class Analyzer {
 public:
  explicit Analyzer(const AnalyzerOptions& options = {});
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Appends the tokens of `text` (UTF-8) to `tokens`, positions starting at
  // `first_position`; appends hyphenated compounds to `compounds` if non-null.
  // Returns the position after the last token. Invalid UTF-8 never crashes: bad
  // bytes are treated as U+FFFD (callers validate input earlier and report it).
  uint32_t analyze(std::string_view text, std::vector<Token>& tokens,
                   std::vector<Compound>* compounds = nullptr, uint32_t first_position = 0);

  // The Snowball stem of a normalised form in the current language ("" when no
  // stemmer applies or the form has no letters, e.g. "2022"). The reference is valid
  // until the next stem() or set_language() call (the memo may be cleared).
  const std::string& stem(const std::string& form);

  // Switch the stemming language (statements carry their own `lang`). Cheap when
  // unchanged. Returns false (and disables stemming) if no stemmer exists for it.
  bool set_language(const std::string& language);
  const std::string& language() const;

  // True for very common English function words ("us", "it", "who", "an", ...).
  // The query side uses this to decide that a capitalised "US"/"WHO"/"IT" means the
  // acronym, not the pronoun.
  static bool is_common_word(std::string_view form);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Language code ("en", "english", "fr", "ru", ...) to the Xapian stemmer name, or ""
// if Xapian has none for it.
std::string stemmer_name_for(const std::string& language);

}  // namespace polsearch
