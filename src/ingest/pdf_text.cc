#include "pdf_text.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

namespace polsearch {
namespace {

constexpr double kMarginShare = 0.12;   // headers and footers sit in the page's outer 12%
constexpr size_t kMaxRunningLines = 2;  // lines dropped at most at each end of a page
constexpr size_t kMaxTitleBytes = 300;

struct Line {
  std::string text;
  double top = 0, bottom = 0, left = 0, right = 0;
  bool starts_paragraph = false;
};

struct PageLines {
  std::vector<Line> lines;
  double height = 0;
  bool has_text = false;  // before running lines are dropped
};

std::string utf8_of(const poppler::ustring& s) {
  poppler::byte_array bytes = s.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

// Poppler's words in its reading order, grouped into lines by position.
std::vector<Line> lines_of(poppler::page& page) {
  std::vector<Line> lines;
  bool space_after = false;
  for (const poppler::text_box& box : page.text_list()) {
    std::string word = utf8_of(box.text());
    if (is_blank(word)) continue;
    poppler::rectf r = box.bbox();
    double top = r.top(), bottom = r.bottom(), height = std::max(bottom - top, 1.0);
    bool same_line = !lines.empty() && std::abs(top - lines.back().top) < 0.5 * height &&
                     r.left() >= lines.back().right - 0.5 * height;
    if (same_line) {
      Line& l = lines.back();
      if (space_after || r.left() > l.right + 0.15 * height) l.text += ' ';
      l.text += word;
      l.right = r.right();
      l.bottom = std::max(l.bottom, bottom);
    } else {
      lines.push_back(Line{word, top, bottom, r.left(), r.right(), false});
    }
    space_after = box.has_space_after();
  }
  return lines;
}

// A paragraph starts at a page's first line, after a gap wider than the line spacing,
// and where the text goes back up the page (the next column).
void mark_paragraphs(std::vector<Line>& lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == 0) {
      lines[i].starts_paragraph = true;
      continue;
    }
    const Line& prev = lines[i - 1];
    double height = std::max(prev.bottom - prev.top, 1.0);
    double gap = lines[i].top - prev.bottom;
    lines[i].starts_paragraph = gap > 0.7 * height || lines[i].top < prev.top - 0.5 * height;
  }
}

// A line's text with digits as '#' and case folded: "Page 3 of 5" and "Page 4 of 5"
// are the same running line.
std::string running_key(std::string_view text) {
  std::string key;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      if (key.empty() || key.back() != '#') key += '#';
    } else if (!std::isspace(static_cast<unsigned char>(c))) {
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return key;
}

// "3", "- 3 -", "Page 3", "page 3 of 12", "3/12", "iv": a page number alone.
bool is_page_number(std::string_view text) {
  std::string key = running_key(text);
  for (std::string_view word : {"page", "of", "p."}) {
    for (size_t at = key.find(word); at != std::string::npos; at = key.find(word))
      key.erase(at, word.size());
  }
  key.erase(std::remove_if(
                key.begin(), key.end(),
                [](char c) { return c == '-' || c == '/' || c == '.' || c == '|' || c == '#'; }),
            key.end());
  if (key.empty()) return running_key(text).find('#') != std::string::npos;
  return key.size() <= 6 && key.find_first_not_of("ivxlc") == std::string::npos;
}

bool in_top_margin(const Line& l, double height) { return l.bottom < height * kMarginShare; }
bool in_bottom_margin(const Line& l, double height) { return l.top > height * (1 - kMarginShare); }

// Drops page numbers and lines repeated at the same end of other pages.
void drop_running_lines(std::vector<PageLines>& pages) {
  std::vector<std::string> top_keys, bottom_keys;  // candidates of every page
  for (const PageLines& p : pages) {
    for (size_t i = 0; i < std::min(kMaxRunningLines, p.lines.size()); ++i) {
      if (in_top_margin(p.lines[i], p.height)) top_keys.push_back(running_key(p.lines[i].text));
      const Line& b = p.lines[p.lines.size() - 1 - i];
      if (in_bottom_margin(b, p.height)) bottom_keys.push_back(running_key(b.text));
    }
  }
  auto recurs = [](const std::vector<std::string>& keys, const std::string& key) {
    return std::count(keys.begin(), keys.end(), key) >= 2;
  };
  for (PageLines& p : pages) {
    auto running = [&](const Line& l, bool top) {
      if (top ? !in_top_margin(l, p.height) : !in_bottom_margin(l, p.height)) return false;
      return is_page_number(l.text) || recurs(top ? top_keys : bottom_keys, running_key(l.text));
    };
    for (size_t n = 0; n < kMaxRunningLines && !p.lines.empty() && running(p.lines.front(), true);
         ++n)
      p.lines.erase(p.lines.begin());
    for (size_t n = 0; n < kMaxRunningLines && !p.lines.empty() && running(p.lines.back(), false);
         ++n)
      p.lines.pop_back();
    if (!p.lines.empty()) p.lines.front().starts_paragraph = true;
  }
}

bool is_ascii_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Every word of the document (lower case, hyphens kept), for evidence of how a word
// broken at a line end is written elsewhere.
std::unordered_set<std::string> words_of(const std::vector<PageLines>& pages) {
  std::unordered_set<std::string> words;
  for (const PageLines& p : pages)
    for (const Line& l : p.lines)
      for (size_t i = 0; i < l.text.size();) {
        size_t end = i;
        while (end < l.text.size() && (is_ascii_alpha(l.text[end]) || l.text[end] == '-')) ++end;
        if (end > i) words.insert(lower(std::string_view(l.text).substr(i, end - i)));
        i = end + 1;
      }
  return words;
}

// Words that keep their hyphen when a line break falls after it.
bool takes_hyphen(const std::string& first) {
  static constexpr std::string_view kHyphenated[] = {
      "cease", "self", "well", "all",    "half",  "cross", "long",  "short",
      "full",  "high", "low",  "large",  "small", "world", "state", "so",
      "ex",    "vice", "non",  "follow", "top",   "mid"};
  return std::find(std::begin(kHyphenated), std::end(kHyphenated), first) != std::end(kHyphenated);
}

// Joins `next` to `text`, which ends a line: rejoining a hyphenated word or adding a space.
void append_line(std::string& text, std::string_view next,
                 const std::unordered_set<std::string>& words) {
  size_t n = text.size();
  bool broken = n >= 2 && text[n - 1] == '-' && is_ascii_alpha(text[n - 2]) && !next.empty() &&
                std::isalpha(static_cast<unsigned char>(next[0]));
  if (!broken) {
    text += ' ';
    text += next;
    return;
  }
  size_t start = n - 1;
  while (start > 0 && is_ascii_alpha(text[start - 1])) --start;
  std::string first = lower(std::string_view(text).substr(start, n - 1 - start));
  size_t end = 0;
  while (end < next.size() && is_ascii_alpha(next[end])) ++end;
  std::string second = lower(next.substr(0, end));
  bool keep =
      !words.count(first + second) && (words.count(first + "-" + second) || takes_hyphen(first) ||
                                       !std::islower(static_cast<unsigned char>(next[0])));
  if (!keep) text.pop_back();
  text += next;
}

// Pages' lines as text: paragraphs separated by blank lines, page by page.
void compose(const std::vector<PageLines>& pages, ExtractedText& out) {
  std::unordered_set<std::string> words = words_of(pages);
  for (const PageLines& p : pages) {
    out.page_starts.push_back(out.text.empty() ? 0 : out.text.size() + 2);
    for (const Line& l : p.lines) {
      if (l.starts_paragraph) {
        if (!out.text.empty()) out.text += "\n\n";
        out.text += l.text;
      } else {
        append_line(out.text, l.text, words);
      }
    }
  }
  // A page without text starts where the next text does.
  for (uint64_t& start : out.page_starts) start = std::min<uint64_t>(start, out.text.size());
}

std::string creation_date(const poppler::document& doc) {
  time_t when = doc.info_date_t("CreationDate");
  if (when <= 0) return {};
  std::tm tm{};
  if (!gmtime_r(&when, &tm)) return {};
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string clip(std::string s) {
  if (s.size() <= kMaxTitleBytes) return s;
  size_t cut = kMaxTitleBytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return s + "...";
}

void read_info(const poppler::document& doc, const std::vector<PageLines>& pages,
               ExtractedText& out) {
  std::string title = nfc_utf8(utf8_of(doc.info_key("Title")));
  for (std::string_view junk : {"Microsoft Word - "})
    if (title.compare(0, junk.size(), junk) == 0) title.erase(0, junk.size());
  if (is_blank(title)) {
    title.clear();
    for (const PageLines& p : pages)
      if (!p.lines.empty()) {
        title = p.lines.front().text;
        break;
      }
  }
  if (!title.empty()) out.fields["title"] = clip(title);
  std::string date = creation_date(doc);
  if (!date.empty()) out.fields["date"] = date;
}

// Poppler reports damaged files on stderr; the reader reports them itself, once.
void quiet_poppler() {
  static std::once_flag once;
  std::call_once(
      once, [] { poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr); });
}

}  // namespace

ExtractedText pdf_to_text(std::string_view bytes) {
  quiet_poppler();
  ExtractedText out;
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!doc) {
    out.error = "not a readable PDF (damaged, truncated or not a PDF); skipped";
    return out;
  }
  if (doc->is_locked()) {
    out.error = "encrypted PDF (a password is needed); skipped";
    out.skip_is_warning = true;
    return out;
  }
  std::vector<PageLines> pages;
  for (int i = 0; i < doc->pages(); ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    PageLines p;
    if (page) {
      p.height = page->page_rect().height();
      p.lines = lines_of(*page);
      p.has_text = !p.lines.empty();
      mark_paragraphs(p.lines);
    }
    pages.push_back(std::move(p));
  }
  drop_running_lines(pages);
  for (PageLines& p : pages)
    for (Line& l : p.lines) l.text = nfc_utf8(l.text);
  compose(pages, out);
  read_info(*doc, pages, out);
  if (is_blank(out.text)) {
    out.error = "no text layer; OCR is not supported; skipped";
    out.skip_is_warning = true;
    return out;
  }
  for (size_t i = 0; i < pages.size(); ++i)
    if (!pages[i].has_text)
      out.warnings.push_back("page " + std::to_string(i + 1) +
                             ": no text layer; OCR is not supported");
  return out;
}

}  // namespace polsearch
