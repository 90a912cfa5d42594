#include "passages.h"

#include <unicode/brkiter.h>
#include <unicode/filteredbrk.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace polsearch {
namespace {

// Abbreviations after which a period does not end a sentence, on top of ICU's `en` list.
const char* const kAbbreviations[] = {
    "U.S.",   "U.N.", "U.K.",  "E.U.",   "Art.",     "Arts.", "No.",  "Nos.",  "Mr.",  "Mrs.",
    "Ms.",    "Dr.",  "Prof.", "St.",    "Gen.",     "Sen.",  "Rep.", "Gov.",  "Amb.", "para.",
    "paras.", "Res.", "Vol.",  "p.",     "pp.",      "cf.",   "e.g.", "i.e.",  "etc.", "Jan.",
    "Feb.",   "Mar.", "Apr.",  "Jun.",   "Jul.",     "Aug.",  "Sep.", "Sept.", "Oct.", "Nov.",
    "Dec.",   "v.",   "vs.",   "U.S.A.", "U.S.S.R.", "Mt."};

// ASCII whitespace only: these are the bytes passages are trimmed of and words split at.
inline bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

uint32_t count_words(std::string_view text, uint32_t begin, uint32_t end) {
  uint32_t words = 0;
  bool in_word = false;
  for (uint32_t i = begin; i < end; ++i) {
    bool space = is_space(text[i]);
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

// True if a line's last visible character ends a sentence (. ! ? : ; …), looking through
// closing quotes and brackets.
bool ends_sentence(std::string_view line) {
  size_t n = line.size();
  while (n > 0) {
    unsigned char c = line[n - 1];
    if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '*' || c == '_') {
      --n;
    } else if (n >= 3 && line.compare(n - 3, 3, "\u201D") == 0) {  // ”
      n -= 3;
    } else if (n >= 3 && line.compare(n - 3, 3, "\u2019") == 0) {  // ’
      n -= 3;
    } else if (n >= 2 && line.compare(n - 2, 2, "\u00BB") == 0) {  // »
      n -= 2;
    } else {
      break;
    }
  }
  if (n == 0) return false;
  unsigned char c = line[n - 1];
  if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';') return true;
  return n >= 3 && line.compare(n - 3, 3, "\u2026") == 0;  // …
}

// A run of text passages are built from: a sentence (or a piece of an enormous one), or
// the short paragraphs riding along with a long one.
struct Item {
  uint32_t start, end;
  uint32_t words;
};

// Finds the line starting at `pos` (ending at LF, CRLF or CR); sets its trimmed bounds
// [start, end) (equal for a blank line) and moves `pos` past the line end.
void next_line(std::string_view text, uint32_t& pos, uint32_t& start, uint32_t& end) {
  const uint32_t size = static_cast<uint32_t>(text.size());
  uint32_t stop = pos;
  while (stop < size && text[stop] != '\n' && text[stop] != '\r') ++stop;
  start = pos;
  end = stop;
  while (start < end && is_space(text[start])) ++start;
  while (end > start && is_space(text[end - 1])) --end;
  pos = stop;
  if (pos < size && text[pos] == '\r') ++pos;
  if (pos < size && text[pos] == '\n' && (pos == stop || text[stop] == '\r')) ++pos;
}

// True if some blank line stands between two non-blank lines.
bool has_paragraph_break(std::string_view text) {
  bool content = false, blank_after_content = false;
  for (uint32_t pos = 0, s, e; pos < text.size();) {
    next_line(text, pos, s, e);
    if (s == e) {
      blank_after_content = content;
    } else {
      if (blank_after_content) return true;
      content = true;
    }
  }
  return false;
}

// Streams items into passages of about equal size: each at most max_words where the
// items allow, and never below min_words while there is a neighbour to join. Holds
// only the group being built and the one before (a short tail may still join it), so
// memory does not grow with the paragraph.
class Grouper {
 public:
  Grouper(std::string_view text, uint64_t total_words, uint64_t min, uint64_t max,
          std::vector<Passage>& out)
      : text_(text), total_(total_words), min_(min), max_(max), out_(out) {}

  void add(const Item& item) {
    if (!open_) {
      start(item);
      return;
    }
    uint64_t with_next = cur_words_ + item.words;
    bool take;
    if (item.words == 0 || cur_words_ < min_)
      take = true;  // never leave a scrap, even if the next item is long
    else if (with_next > max_)
      take = false;
    else if (static_cast<double>(with_next) <= target_)
      take = true;
    else
      take = static_cast<double>(with_next) - target_ < target_ - static_cast<double>(cur_words_);
    if (take) {
      cur_end_ = item.end;
      cur_words_ = with_next;
    } else {
      close();
      start(item);
    }
  }

  void finish() {
    if (open_ && cur_words_ < min_ && has_pending_) {  // a short tail joins the one before
      pending_end_ = cur_end_;
      open_ = false;
    }
    if (open_) close();
    if (has_pending_) emit(text_, pending_start_, pending_end_, out_);
    has_pending_ = false;
  }

  static void emit(std::string_view text, uint32_t begin, uint32_t end, std::vector<Passage>& out) {
    while (begin < end && is_space(text[begin])) ++begin;
    while (end > begin && is_space(text[end - 1])) --end;
    if (begin < end) out.push_back({static_cast<uint32_t>(out.size()), begin, end});
  }

 private:
  void start(const Item& item) {
    // Aim at an even share of what is left, so the last passage is not a scrap.
    uint64_t remaining = total_ > done_ ? total_ - done_ : item.words;
    uint64_t parts = std::max<uint64_t>(1, (remaining + max_ - 1) / max_);
    target_ = static_cast<double>(remaining) / static_cast<double>(parts);
    cur_start_ = item.start;
    cur_end_ = item.end;
    cur_words_ = item.words;
    open_ = true;
  }

  void close() {
    done_ += cur_words_;
    if (has_pending_) emit(text_, pending_start_, pending_end_, out_);
    pending_start_ = cur_start_;
    pending_end_ = cur_end_;
    has_pending_ = true;
    open_ = false;
  }

  std::string_view text_;
  uint64_t total_, min_, max_;
  std::vector<Passage>& out_;
  uint64_t done_ = 0;
  double target_ = 0;
  bool open_ = false, has_pending_ = false;
  uint32_t cur_start_ = 0, cur_end_ = 0, pending_start_ = 0, pending_end_ = 0;
  uint64_t cur_words_ = 0;
};

}  // namespace

struct PassageSplitter::Impl {
  PassageBounds bounds;
  std::unique_ptr<icu::BreakIterator> sentences;  // created on first use, then reused
  UText utext = UTEXT_INITIALIZER;
  std::string scratch;  // the paragraph being split, line breaks turned into spaces

  explicit Impl(const PassageBounds& b) : bounds(b) {
    bounds.max_words = std::max<uint32_t>(bounds.max_words, 1);
    bounds.min_words = std::min(bounds.min_words, bounds.max_words);
  }
  ~Impl() { utext_close(&utext); }

  void create_iterator() {
    UErrorCode status = U_ZERO_ERROR;
    icu::Locale en("en");
    std::unique_ptr<icu::FilteredBreakIteratorBuilder> builder(
        icu::FilteredBreakIteratorBuilder::createInstance(en, status));
    if (U_FAILURE(status)) throw std::runtime_error("ICU: cannot load sentence break exceptions");
    for (const char* abbr : kAbbreviations)
      builder->suppressBreakAfter(icu::UnicodeString::fromUTF8(abbr), status);
    icu::BreakIterator* base = icu::BreakIterator::createSentenceInstance(en, status);
    if (U_FAILURE(status)) {
      delete base;
      throw std::runtime_error("ICU: cannot create a sentence break iterator");
    }
    sentences.reset(builder->wrapIteratorWithFilter(base, status));  // adopts base
    if (U_FAILURE(status) || !sentences)
      throw std::runtime_error("ICU: cannot create a filtered sentence break iterator");
  }

  // ICU's filter misses abbreviations with inner periods ("U.S. President" breaks), so
  // check the token before each break against our list as well.
  static bool ends_with_abbreviation(std::string_view text, uint32_t begin, uint32_t pos) {
    uint32_t end = pos;
    while (end > begin && is_space(text[end - 1])) --end;
    uint32_t start = end;
    while (start > begin && !is_space(text[start - 1])) --start;
    // Look through opening brackets and quotes: "(Art. 5)".
    while (start < end && (text[start] == '(' || text[start] == '[' || text[start] == '"')) ++start;
    std::string_view token = text.substr(start, end - start);
    if (token.size() < 2 || token.back() != '.') return false;
    for (const char* abbr : kAbbreviations)
      if (token == abbr) return true;
    return false;
  }

  // Calls sink(Item) for each sentence of paragraph [begin, end), in order, cutting
  // enormous ones.
  template <typename Sink>
  void for_each_sentence(std::string_view text, uint32_t begin, uint32_t end, Sink&& sink) {
    if (!sentences) create_iterator();
    // Hard-wrapped lines: ICU breaks after every line feed, so hide them (same length).
    scratch.assign(text.substr(begin, end - begin));
    for (char& c : scratch)
      if (c == '\n' || c == '\r' || c == '\v' || c == '\f') c = ' ';
    UErrorCode status = U_ZERO_ERROR;
    utext_openUTF8(&utext, scratch.data(), static_cast<int64_t>(scratch.size()), &status);
    sentences->setText(&utext, status);
    if (U_FAILURE(status)) {
      // Cannot happen for an in-memory string; fall back to word cuts rather than fail.
      sentence(text, begin, end, sink);
      return;
    }
    uint32_t sentence_start = begin;
    for (int32_t b = sentences->next(); b != icu::BreakIterator::DONE; b = sentences->next()) {
      uint32_t pos = begin + static_cast<uint32_t>(b);
      if (pos >= end) break;
      if (ends_with_abbreviation(text, sentence_start, pos)) continue;
      sentence(text, sentence_start, pos, sink);
      sentence_start = pos;
    }
    sentence(text, sentence_start, end, sink);
  }

  template <typename Sink>
  void sentence(std::string_view text, uint32_t begin, uint32_t end, Sink& sink) {
    uint32_t words = count_words(text, begin, end);
    if (words <= 4ull * bounds.max_words) {
      sink(Item{begin, end, words});
      return;
    }
    // An enormous "sentence" (a table, a transcript without punctuation): cut it at word
    // boundaries into near-equal chunks of at most max_words.
    uint32_t chunks = (words + bounds.max_words - 1) / bounds.max_words;
    uint32_t emitted = 0, chunk_index = 0, chunk_start = begin, seen = 0;
    bool in_word = false;
    uint32_t next_cut = words / chunks;
    for (uint32_t i = begin; i < end; ++i) {
      bool space = is_space(text[i]);
      if (!space && !in_word) {
        if (seen == next_cut && chunk_index + 1 < chunks) {
          sink(Item{chunk_start, i, seen - emitted});
          emitted = seen;
          chunk_start = i;
          ++chunk_index;
          next_cut = static_cast<uint32_t>((uint64_t(words) * (chunk_index + 1)) / chunks);
        }
        ++seen;
      }
      in_word = !space;
    }
    sink(Item{chunk_start, end, seen - emitted});
  }

  // A paragraph plus the short paragraphs joined to it: `lead` ones before the core
  // (chained onto it), `tail` ones after it (a short end of the text). Only the core can
  // be long.
  struct Unit {
    uint32_t start, core_start, core_end, tail_start, end;
    uint32_t lead_words, core_words, tail_words;
    uint64_t words() const { return uint64_t(lead_words) + core_words + tail_words; }
  };

  void emit_unit(std::string_view text, const Unit& u, std::vector<Passage>& out) {
    if (u.core_words <= bounds.max_words) {
      Grouper::emit(text, u.start, u.end, out);
      return;
    }
    // Only a long core is split at sentences (the expensive part); its short
    // neighbours ride along with its first and last sentences.
    Grouper grouper(text, u.words(), bounds.min_words, bounds.max_words, out);
    if (u.start < u.core_start) grouper.add(Item{u.start, u.core_start, u.lead_words});
    for_each_sentence(text, u.core_start, u.core_end, [&](const Item& item) { grouper.add(item); });
    if (u.tail_start < u.end) grouper.add(Item{u.tail_start, u.end, u.tail_words});
    grouper.finish();
  }

  std::vector<Passage> split(std::string_view text);
};

std::vector<Passage> PassageSplitter::Impl::split(std::string_view text) {
  // Offsets are 32-bit; the input reader's record limit keeps texts far below 4 GiB.
  if (text.size() > std::numeric_limits<uint32_t>::max())
    text = text.substr(0, std::numeric_limits<uint32_t>::max());
  const uint32_t size = static_cast<uint32_t>(text.size());
  const uint64_t min = bounds.min_words;
  std::vector<Passage> out;

  // Units are built as paragraphs arrive. The previous unit is held back because a
  // short end of the text joins it.
  Unit prev{}, cur{};
  bool has_prev = false, has_cur = false;
  auto add_paragraph = [&](uint32_t start, uint32_t end, uint32_t words) {
    if (has_cur && cur.words() < min) {  // short so far: chain this paragraph on as the core
      cur.lead_words += cur.core_words;
      cur.core_start = start;
      cur.core_end = cur.tail_start = cur.end = end;
      cur.core_words = words;
      return;
    }
    if (has_prev) emit_unit(text, prev, out);
    prev = cur;
    has_prev = has_cur;
    cur = Unit{start, start, end, end, end, 0, words, 0};
    has_cur = true;
  };

  // A block of lines between blank lines is one paragraph (hard-wrapped lines), except:
  // with no blank line at all every line is a paragraph; and a block whose lines mostly
  // end a sentence is one paragraph per line (a title, a blank line, then an article
  // pasted one paragraph per line).
  const bool lines_are_paragraphs = !has_paragraph_break(text);
  for (uint32_t pos = 0; pos < size;) {
    uint32_t block_pos = pos, s, e;
    next_line(text, pos, s, e);
    if (s == e) continue;
    const uint32_t first_start = s;
    uint32_t last_end = e, lines = 1, ending = 0, block_end_pos = pos;
    bool prev_ends = !lines_are_paragraphs && ends_sentence(text.substr(s, e - s));
    while (pos < size) {
      next_line(text, pos, s, e);
      if (s == e) break;
      ending += prev_ends;
      prev_ends = !lines_are_paragraphs && ends_sentence(text.substr(s, e - s));
      ++lines;
      last_end = e;
      block_end_pos = pos;
    }
    if (lines_are_paragraphs || (lines > 1 && 2 * ending >= lines - 1)) {
      for (uint32_t p = block_pos; p < block_end_pos;) {
        next_line(text, p, s, e);
        add_paragraph(s, e, count_words(text, s, e));
      }
    } else {
      add_paragraph(first_start, last_end, count_words(text, first_start, last_end));
    }
  }

  if (has_cur && cur.words() < min && has_prev) {  // a short end joins the unit before
    prev.tail_start = cur.start;
    prev.tail_words += static_cast<uint32_t>(cur.words());
    prev.end = cur.end;
    has_cur = false;
  }
  if (has_prev) emit_unit(text, prev, out);
  if (has_cur) emit_unit(text, cur, out);
  return out;
}

PassageSplitter::PassageSplitter(const PassageBounds& bounds)
    : impl_(std::make_unique<Impl>(bounds)) {}

PassageSplitter::~PassageSplitter() = default;

std::vector<Passage> PassageSplitter::split(std::string_view text) { return impl_->split(text); }

}  // namespace polsearch
