// The small steps of the analysis pipeline used by Analyzer (analyzer.cc):
//   Segmenter  -> PieceSplitter -> (joins across segments, in analyzer.cc) -> Normaliser
// Internal to the library; exposed in a header so the tests can check each step.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class BreakIterator;
class Normalizer2;
U_NAMESPACE_END

namespace polsearch::analysis {

// UAX #29 word segments of UTF-8 text, as byte offsets. Whitespace-delimited chunks
// that contain non-ASCII bytes go through ICU's word BreakIterator (created once,
// reused); pure-ASCII chunks use a transcription of ICU's word rules restricted to
// ASCII, which is several times faster and gives the same segments (the tests
// compare both on random text). No UAX #29 rule joins across ASCII whitespace,
// which is what makes the chunking exact.
class Segmenter {
 public:
  explicit Segmenter(bool ascii_fast_path = true);
  ~Segmenter();
  Segmenter(const Segmenter&) = delete;
  Segmenter& operator=(const Segmenter&) = delete;

  // Texts over 2 GiB are cut there (ICU indexes are int32_t).
  void reset(std::string_view text);
  // Next word-like segment (letters, numbers, kana, ideographs): [start, end).
  bool next(uint32_t& start, uint32_t& end);

 private:
  bool next_icu(uint32_t& start, uint32_t& end);
  bool next_ascii(uint32_t& start, uint32_t& end);
  void start_icu_region(size_t from);

  std::unique_ptr<icu::BreakIterator> iter_;
  bool fast_;
  std::string_view text_;
  size_t pos_ = 0;        // scan position (fast mode)
  size_t chunk_end_ = 0;  // end of the pure-ASCII chunk being segmented, 0 if none
  bool in_icu_ = false;   // inside a region handed to ICU
  size_t icu_base_ = 0;   // byte offset of that region in text_
  size_t icu_end_ = 0;    // its end
  int32_t icu_pos_ = 0;   // last ICU boundary, relative to icu_base_
};

// A segment, or part of one, that becomes at most one token.
struct Piece {
  uint32_t start = 0, end = 0;  // byte span in the analysed text
  std::string_view raw;         // source text less dropped separators ("1,000" -> "1000")
  bool dotted = false;          // dotted acronym; raw holds just the letters ("US")
};

// Splits one segment into pieces: dotted acronyms ("U.S" -> "US"), thousands
// separators dropped ("1,000"), decimals kept ("3.5"), words glued by a dot split
// ("end.Next" -> "end", "Next"; OCR and missing spaces), list numbers split ("1,2,3").
class PieceSplitter {
 public:
  // The pieces stay valid until the next call.
  const std::vector<Piece>& split(std::string_view text, uint32_t start, uint32_t end);

 private:
  std::string buf_;
  std::vector<Piece> pieces_;
  std::vector<std::pair<uint32_t, uint32_t>> raw_spans_;  // into buf_ (it may reallocate)
};

// Form of one piece: NFKC case folding (ASCII lower-cased directly), ’ ‘ ʼ -> ',
// apostrophes at the edges dropped, possessive 's removed, cut to kMaxFormBytes at a
// character boundary. Pieces with no letter or digit give "".
class Normaliser {
 public:
  Normaliser();
  // Returns true if a possessive 's was removed.
  bool normalise(std::string_view raw, std::string& out) const;

 private:
  const icu::Normalizer2* nfkc_cf_;
};

// At least two letters, all upper case ("NATO", "US" of "U.S."); the s of a removed
// possessive is ignored ("NATO's"). Caseless scripts are never all caps.
bool is_all_caps(std::string_view raw, bool possessive);

// What lies between two neighbouring segments.
bool is_not_sign_gap(std::string_view gap);    // OCR line-break "¬" (then maybe spaces)
bool is_hyphen_gap(std::string_view gap);      // exactly one - U+2010 U+2011
bool is_apostrophe_gap(std::string_view gap);  // ' ’ ʼ

bool starts_with_letter(std::string_view s);
bool ends_with_letter(std::string_view s);
bool ends_with_digit(std::string_view s);
bool has_letter(std::string_view s);

}  // namespace polsearch::analysis
