#include "analysis_filters.h"

#include <algorithm>
#include <array>
#include <climits>
#include <stdexcept>

#include <unicode/brkiter.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include "analyzer.h"
#include "utf8.h"

namespace polsearch::analysis {
namespace {

// ---- UTF-8 helpers ----------------------------------------------------------

// Decodes the code point at byte i (negative if ill-formed) and advances i past it,
// by at least one byte, so loops always progress.
inline UChar32 next_cp(std::string_view s, size_t& i) {
  int32_t j = static_cast<int32_t>(i);
  UChar32 c;
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), j, static_cast<int32_t>(s.size()), c);
  i = static_cast<size_t>(j);
  return c;
}

inline UChar32 first_cp(std::string_view s) {
  size_t i = 0;
  return s.empty() ? -1 : next_cp(s, i);
}

inline UChar32 last_cp(std::string_view s) {
  if (s.empty()) return -1;
  int32_t j = static_cast<int32_t>(s.size());
  UChar32 c;
  U8_PREV(reinterpret_cast<const uint8_t*>(s.data()), 0, j, c);
  return c;
}

inline bool is_letter(UChar32 c) { return c >= 0 && u_isalpha(c); }
inline bool is_digit(UChar32 c) { return c >= 0 && u_isdigit(c); }
inline bool is_ascii_alnum(unsigned char b) {
  return (b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z');
}

inline bool is_apostrophe(UChar32 c) {
  return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC || c == 0xFF07;
}
inline bool is_dot(UChar32 c) { return c == '.' || c == 0xFF0E || c == 0xFE52 || c == 0x2024; }
// Thousands separators ICU keeps inside a number ("1,000", Arabic "١٬٠٠٠").
inline bool is_group_comma(UChar32 c) {
  return c == ',' || c == 0x066C || c == 0xFF0C || c == 0xFE50;
}
// UAX #29 MidLetter characters that belong inside words (Catalan "l·l", Hebrew ״).
inline bool is_mid_letter(UChar32 c) {
  return c == 0x00B7 || c == 0x0387 || c == 0x05F3 || c == 0x05F4 || c == 0x2027;
}

// ---- ASCII word-break classes, as ICU 72 assigns them ---------------------------

enum Wb : uint8_t {
  kOther,
  kALetter,       // A-Z a-z, and @ (ICU adds it so e-mail addresses stay whole)
  kNumeric,       // 0-9
  kExtendNumLet,  // _
  kMidNumLet,     // .
  kSingleQuote,   // '
  kMidNum,        // , ;
  kSpace,         // space \t \n \r \v \f: chunk boundaries, never inside a word
};

constexpr std::array<uint8_t, 128> kWbClass = [] {
  std::array<uint8_t, 128> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 32] = kALetter;
  for (int c = '0'; c <= '9'; ++c) t[c] = kNumeric;
  t['@'] = kALetter;
  t['_'] = kExtendNumLet;
  t['.'] = kMidNumLet;
  t['\''] = kSingleQuote;
  t[','] = t[';'] = kMidNum;
  for (char c : {' ', '\t', '\n', '\r', '\v', '\f'}) t[static_cast<unsigned char>(c)] = kSpace;
  return t;
}();

inline bool is_space(unsigned char b) { return b < 0x80 && kWbClass[b] == kSpace; }
inline bool is_word_class(uint8_t c) {
  return c == kALetter || c == kNumeric || c == kExtendNumLet;
}

// What to do with a separator ICU left inside a segment.
enum class SepAction { kKeep, kDrop, kSplit };

SepAction separator_action(std::string_view seg, size_t after, UChar32 prev, UChar32 c) {
  size_t j = after;
  UChar32 next = next_cp(seg, j);
  if (is_digit(prev) && is_digit(next)) {
    if (is_dot(c)) return SepAction::kKeep;  // decimal point: "3.5"
    if (is_group_comma(c) || is_apostrophe(c)) {
      // A thousands group has exactly three digits: "1,000" -> "1000"; "1,2,3" splits.
      size_t k = after, n = 0;
      while (k < seg.size()) {
        size_t m = k;
        if (!is_digit(next_cp(seg, m))) break;
        k = m;
        ++n;
      }
      return n == 3 ? SepAction::kDrop : SepAction::kSplit;
    }
    return SepAction::kSplit;
  }
  if (is_apostrophe(c) || is_mid_letter(c)) return SepAction::kKeep;  // "don't", "l·l"
  return SepAction::kSplit;  // "end.Next" (missing space), "www.un.org", "a@b"
}

// "U.S" / "e.g" / "С.Ш.А": single letters separated by dots. Appends the letters.
bool dotted_acronym(std::string_view seg, std::string& letters) {
  size_t i = 0, count = 0;
  while (true) {
    size_t from = i;
    if (i >= seg.size() || !is_letter(next_cp(seg, i))) return false;
    letters.append(seg.substr(from, i - from));
    ++count;
    if (i == seg.size()) return count >= 2;
    if (!is_dot(next_cp(seg, i))) return false;
  }
}

// In place: curly and modifier apostrophes -> ', ill-formed bytes dropped.
// Returns whether a letter, digit or ideograph remains.
bool clean_utf8(std::string& s) {
  size_t w = 0;
  bool alnum = false;
  for (size_t i = 0; i < s.size();) {
    size_t from = i;
    UChar32 c = next_cp(s, i);
    if (c < 0) continue;
    if (is_apostrophe(c)) {
      s[w++] = '\'';
      continue;
    }
    alnum = alnum || u_isalnum(c);
    for (size_t k = from; k < i; ++k) s[w++] = s[k];
  }
  s.resize(w);
  return alnum;
}

}  // namespace

// ---- Segmenter ----------------------------------------------------------------

Segmenter::Segmenter(bool ascii_fast_path) : fast_(ascii_fast_path) {
  UErrorCode status = U_ZERO_ERROR;
  iter_.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || !iter_) throw std::runtime_error("ICU word break iterator unavailable");
}

Segmenter::~Segmenter() = default;

void Segmenter::reset(std::string_view text) {
  text_ = text.substr(0, std::min<size_t>(text.size(), INT32_MAX));
  pos_ = 0;
  chunk_end_ = 0;
  in_icu_ = false;
  if (!fast_) start_icu_region(text_.size());
}

void Segmenter::start_icu_region(size_t end) {
  UErrorCode status = U_ZERO_ERROR;
  UText ut = UTEXT_INITIALIZER;
  utext_openUTF8(&ut, text_.data() + pos_, static_cast<int64_t>(end - pos_), &status);
  iter_->setText(&ut, status);  // shallow-clones the UText, so ours can go
  utext_close(&ut);
  in_icu_ = U_SUCCESS(status);
  icu_base_ = pos_;
  icu_end_ = end;
  icu_pos_ = in_icu_ ? iter_->first() : 0;
  if (!in_icu_) pos_ = end;
}

bool Segmenter::next(uint32_t& start, uint32_t& end) {
  const size_t n = text_.size();
  while (true) {
    if (in_icu_) {
      if (next_icu(start, end)) return true;
      in_icu_ = false;
      pos_ = icu_end_;
      if (!fast_) return false;
    }
    if (chunk_end_ > pos_) {
      if (next_ascii(start, end)) return true;
      continue;
    }
    // Next whitespace-delimited chunk: pure ASCII is segmented here, anything else
    // (with following non-ASCII chunks, to save ICU restarts) by ICU.
    while (pos_ < n && is_space(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    if (pos_ >= n) return false;
    auto chunk_end = [&](size_t from, bool& ascii) {
      ascii = true;
      for (; from < n; ++from) {
        unsigned char b = static_cast<unsigned char>(text_[from]);
        if (b >= 0x80) {
          ascii = false;
        } else if (kWbClass[b] == kSpace) {
          break;
        }
      }
      return from;
    };
    bool ascii;
    size_t e = chunk_end(pos_, ascii);
    if (ascii) {
      chunk_end_ = e;
      continue;
    }
    while (true) {
      size_t k = e;
      while (k < n && is_space(static_cast<unsigned char>(text_[k]))) ++k;
      if (k >= n) break;
      size_t m = chunk_end(k, ascii);
      if (ascii) break;
      e = m;
    }
    start_icu_region(e);
  }
}

bool Segmenter::next_icu(uint32_t& start, uint32_t& end) {
  const int32_t len = static_cast<int32_t>(icu_end_ - icu_base_);
  while (true) {
    int32_t b = iter_->next();
    if (b == icu::BreakIterator::DONE || b <= icu_pos_ || b > len) return false;
    int32_t a = icu_pos_;
    icu_pos_ = b;
    if (iter_->getRuleStatus() >= UBRK_WORD_NONE_LIMIT) {
      start = static_cast<uint32_t>(icu_base_ + a);
      end = static_cast<uint32_t>(icu_base_ + b);
      return true;
    }
  }
}

// UAX #29 on ASCII (WB5-WB13b; WB4 has nothing to skip in ASCII): letters, digits and
// _ run together; . and ' join letter to letter or digit to digit; , and ; join digits.
bool Segmenter::next_ascii(uint32_t& start, uint32_t& end) {
  const char* t = text_.data();
  size_t i = pos_;
  const size_t e = chunk_end_;
  while (i < e) {
    uint8_t c = kWbClass[static_cast<unsigned char>(t[i])];
    if (!is_word_class(c)) {
      ++i;
      continue;
    }
    size_t s = i;
    bool alnum = c != kExtendNumLet;
    uint8_t last = c;
    ++i;
    while (i < e) {
      uint8_t c2 = kWbClass[static_cast<unsigned char>(t[i])];
      if (is_word_class(c2)) {
        alnum = alnum || c2 != kExtendNumLet;
        last = c2;
        ++i;
        continue;
      }
      if ((c2 == kMidNumLet || c2 == kSingleQuote || c2 == kMidNum) && i + 1 < e) {
        uint8_t c3 = kWbClass[static_cast<unsigned char>(t[i + 1])];
        bool letters = last == kALetter && c3 == kALetter && c2 != kMidNum;
        bool digits = last == kNumeric && c3 == kNumeric;
        if (letters || digits) {
          last = c3;
          i += 2;
          continue;
        }
      }
      break;
    }
    // ICU calls a lone "_" no word; runs of only _ never hold a letter or digit anyway.
    if (alnum) {
      pos_ = i;
      start = static_cast<uint32_t>(s);
      end = static_cast<uint32_t>(i);
      return true;
    }
  }
  pos_ = e;
  return false;
}

// ---- PieceSplitter --------------------------------------------------------------

const std::vector<Piece>& PieceSplitter::split(std::string_view text, uint32_t start,
                                               uint32_t end) {
  pieces_.clear();
  std::string_view seg = text.substr(start, end - start);
  bool plain = true;  // fast path: a plain ASCII word or number
  for (char ch : seg) {
    if (!is_ascii_alnum(static_cast<unsigned char>(ch))) {
      plain = false;
      break;
    }
  }
  if (plain) {
    pieces_.push_back(Piece{start, end, seg, false});
    return pieces_;
  }
  buf_.clear();
  if (seg.find_first_of(".\xEF\xE2") != std::string_view::npos && dotted_acronym(seg, buf_)) {
    // Take in the final dot of "U.S." so the span shows the whole abbreviation.
    uint32_t e = end < text.size() && text[end] == '.' ? end + 1 : end;
    pieces_.push_back(Piece{start, e, buf_, true});
    return pieces_;
  }
  buf_.clear();
  raw_spans_.clear();
  size_t piece_from = 0, raw_from = 0;
  UChar32 prev = -1;
  for (size_t i = 0; i < seg.size();) {
    size_t at = i;
    UChar32 c = next_cp(seg, i);
    bool punct = c >= 0 && (u_ispunct(c) || u_charType(c) == U_MATH_SYMBOL);
    bool interior = at > 0 && i < seg.size();
    SepAction action = SepAction::kKeep;
    if (interior && (punct || is_apostrophe(c))) {
      action = separator_action(seg, i, prev, c);
    } else if (punct && !is_apostrophe(c)) {
      action = SepAction::kDrop;  // "_x", "@x": ICU word characters that are no use alone
    }
    if (action == SepAction::kKeep) {
      buf_.append(seg.substr(at, i - at));
    } else if (action == SepAction::kSplit) {
      if (buf_.size() > raw_from) {
        pieces_.push_back(Piece{start + static_cast<uint32_t>(piece_from),
                                start + static_cast<uint32_t>(at),
                                {},
                                false});
        raw_spans_.emplace_back(raw_from, buf_.size() - raw_from);
      }
      raw_from = buf_.size();
      piece_from = i;
    }
    prev = c;
  }
  if (buf_.size() > raw_from) {
    pieces_.push_back(Piece{start + static_cast<uint32_t>(piece_from), end, {}, false});
    raw_spans_.emplace_back(raw_from, buf_.size() - raw_from);
  }
  for (size_t k = 0; k < pieces_.size(); ++k) {
    pieces_[k].raw = std::string_view(buf_).substr(raw_spans_[k].first, raw_spans_[k].second);
  }
  return pieces_;
}

// ---- Normaliser -------------------------------------------------------------------

Normaliser::Normaliser() {
  UErrorCode status = U_ZERO_ERROR;
  nfkc_cf_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU NFKC_Casefold unavailable");
}

bool Normaliser::normalise(std::string_view raw, std::string& out) const {
  bool ascii = true, alnum = false;
  out.resize(raw.size());
  char* o = out.data();
  for (size_t i = 0; i < raw.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(raw[i]);
    if (ch >= 0x80) {
      ascii = false;
      break;
    }
    alnum = alnum || is_ascii_alnum(ch);
    o[i] = static_cast<char>((ch >= 'A' && ch <= 'Z') ? ch + 32 : ch);
  }
  if (!ascii) {
    out.clear();
    UErrorCode status = U_ZERO_ERROR;
    icu::StringByteSink<std::string> sink(&out);
    nfkc_cf_->normalizeUTF8(0, icu::StringPiece(raw.data(), static_cast<int32_t>(raw.size())), sink,
                            nullptr, status);
    if (U_FAILURE(status)) out.assign(raw);
    alnum = clean_utf8(out);
  }
  if (!alnum) {  // "@", "__": nothing to search for
    out.clear();
    return false;
  }
  // Apostrophes at the edges are quotes, not part of the word.
  size_t b = out.find_first_not_of('\'');
  out.erase(0, b);
  while (!out.empty() && out.back() == '\'') out.pop_back();
  bool possessive = out.size() > 2 && out.ends_with("'s");
  if (possessive) {
    out.resize(out.size() - 2);
    while (!out.empty() && out.back() == '\'') out.pop_back();
  }
  utf8::cut(out, kMaxFormBytes);
  return possessive;
}

// ---- Small predicates -----------------------------------------------------------------

bool is_all_caps(std::string_view raw, bool possessive) {
  if (possessive && !raw.empty() && (raw.back() == 's' || raw.back() == 'S')) raw.remove_suffix(1);
  int letters = 0;
  for (size_t i = 0; i < raw.size();) {
    unsigned char b = static_cast<unsigned char>(raw[i]);
    if (b < 0x80) {
      if (b >= 'a' && b <= 'z') return false;
      if (b >= 'A' && b <= 'Z') ++letters;
      ++i;
      continue;
    }
    UChar32 c = next_cp(raw, i);
    if (!is_letter(c)) continue;
    if (!u_isupper(c)) return false;  // lower case, or a caseless script
    ++letters;
  }
  return letters >= 2;
}

bool is_not_sign_gap(std::string_view gap) {
  if (gap.size() < 2 || gap[0] != '\xC2' || gap[1] != '\xAC') return false;
  return gap.find_first_not_of(" \t\r\n", 2) == std::string_view::npos;
}

bool is_hyphen_gap(std::string_view gap) {
  return gap == "-" || gap == "\xE2\x80\x90" || gap == "\xE2\x80\x91";
}

bool is_apostrophe_gap(std::string_view gap) {
  return gap == "'" || gap == "\xE2\x80\x99" || gap == "\xCA\xBC";
}

bool starts_with_letter(std::string_view s) { return is_letter(first_cp(s)); }
bool ends_with_letter(std::string_view s) { return is_letter(last_cp(s)); }
bool ends_with_digit(std::string_view s) { return is_digit(last_cp(s)); }

bool has_letter(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') return true;
      ++i;
    } else if (is_letter(next_cp(s, i))) {
      return true;
    }
  }
  return false;
}

}  // namespace polsearch::analysis
