#include "html_text.h"

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include "input.h"

namespace polsearch {
namespace {

constexpr size_t kCharsetScanBytes = 4096;  // where a page declares its charset
constexpr size_t kMaxTitleBytes = 300;

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// The value after `charset` in a tag's text ("charset=utf-8", "charset='x'"), or "".
std::string charset_value_in(std::string_view tag) {
  size_t at = tag.find("charset");
  if (at == std::string_view::npos) return {};
  size_t i = at + 7;
  while (i < tag.size() && is_space(tag[i])) ++i;
  if (i >= tag.size() || tag[i] != '=') return {};
  ++i;
  while (i < tag.size() && is_space(tag[i])) ++i;
  if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) ++i;
  size_t end = i;
  while (end < tag.size() && !is_space(tag[end]) && tag[end] != '"' && tag[end] != '\'' &&
         tag[end] != ';' && tag[end] != '>' && tag[end] != '/')
    ++end;
  return std::string(tag.substr(i, end - i));
}

// The charset a page declares in its first bytes: <meta charset>, <meta http-equiv
// content="...; charset=...">, or an XML declaration's encoding (HTML's prescan, short).
std::string declared_charset(std::string_view bytes) {
  std::string head = lower_ascii(bytes.substr(0, kCharsetScanBytes));
  for (size_t at = head.find("<meta"); at != std::string::npos; at = head.find("<meta", at + 5)) {
    size_t end = head.find('>', at);
    std::string value = charset_value_in(std::string_view(head).substr(at, end - at));
    if (!value.empty()) return value;
  }
  if (head.compare(0, 5, "<?xml") == 0) {
    std::string_view decl = std::string_view(head).substr(0, head.find("?>"));
    size_t at = decl.find("encoding");
    if (at != std::string_view::npos) {
      std::string attr = "charset" + std::string(decl.substr(at + 8));
      return charset_value_in(attr);
    }
  }
  return {};
}

// The page as UTF-8, by its byte order mark, its declaration or a guess.
std::string decode_page(std::string_view bytes, std::vector<std::string>& warnings) {
  std::string out;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") return nfc_utf8(bytes.substr(3));
  if (bytes.substr(0, 2) == "\xFF\xFE" && convert_to_utf8(bytes, "UTF-16LE", out)) return out;
  if (bytes.substr(0, 2) == "\xFE\xFF" && convert_to_utf8(bytes, "UTF-16BE", out)) return out;
  std::string declared = declared_charset(bytes);
  size_t bad = 0;
  bool utf8 = is_valid_utf8(bytes, &bad);
  if (!declared.empty()) {
    std::string lower = lower_ascii(declared);
    if ((lower == "utf-8" || lower == "utf8") && !utf8)
      warnings.push_back("declared charset utf-8, but invalid UTF-8 at byte offset " +
                         std::to_string(bad) + "; invalid bytes replaced");
    if (convert_to_utf8(bytes, declared, out)) return out;
    warnings.push_back("unknown charset '" + declared.substr(0, 40) + "'; read as " +
                       (utf8 ? "UTF-8" : "windows-1252"));
  } else if (!utf8) {
    warnings.push_back("no charset declared and not valid UTF-8 (byte offset " +
                       std::to_string(bad) + "); read as windows-1252");
  }
  if (utf8 || !convert_to_utf8(bytes, "windows-1252", out)) out = nfc_utf8(bytes);
  return out;
}

// Elements an HTML parser closes by itself or that never hold others: they do not
// deepen the tree however they are written.
bool never_nests(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "p",        "li",    "dt",    "dd",    "tr",  "td",      "th",     "option",
      "optgroup", "tbody", "thead", "tfoot", "br",  "img",     "hr",     "meta",
      "link",     "input", "area",  "base",  "col", "embed",   "source", "track",
      "wbr",      "param", "rb",    "rt",    "rp",  "colgroup"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

// How deep the page's elements nest, by counting start and end tags in one pass. The
// HTML5 tree builder checks the stack of open elements at every tag, so its time grows
// with depth times tags: a page nested thousands deep (only an attack or a broken
// generator writes one) would take minutes. Real pages stay below a hundred or so.
size_t nesting_depth(std::string_view page) {
  size_t depth = 0, deepest = 0;
  std::string name;
  for (size_t i = page.find('<'); i != std::string_view::npos && i + 1 < page.size();
       i = page.find('<', i + 1)) {
    if (page.compare(i, 4, "<!--") == 0) {
      i = page.find("-->", i + 4);
      if (i == std::string_view::npos) break;
      continue;
    }
    bool end_tag = page[i + 1] == '/';
    size_t j = i + 1 + end_tag;
    name.clear();
    while (j < page.size() && std::isalnum(static_cast<unsigned char>(page[j])) && name.size() < 16)
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(page[j++])));
    if (name.empty() || never_nests(name)) continue;
    if (end_tag) {
      depth -= depth > 0;
    } else if (name == "script" || name == "style" || name == "textarea" || name == "title") {
      size_t close = page.find("</", j);  // raw text: its '<' are no tags
      while (close != std::string_view::npos &&
             lower_ascii(page.substr(close + 2, name.size())) != name)
        close = page.find("</", close + 2);
      if (close == std::string_view::npos) break;
      i = close + 1;
    } else {
      size_t gt = page.find('>', j);
      if (gt != std::string_view::npos && page[gt - 1] == '/') continue;  // <x/>
      deepest = std::max(deepest, ++depth);
    }
  }
  return deepest;
}

// Elements whose content is never the statement.
bool dropped(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_MENU:
      return true;
    default:
      return false;
  }
}

// How an element separates its text from its neighbours: 2 = paragraph, 1 = line,
// 0 = inline (cells are inline, separated by a space).
int break_level(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_FIELDSET:
      return 2;
    case GUMBO_TAG_BR:
    case GUMBO_TAG_TR:
      return 1;
    default:
      return 0;
  }
}

// Text with whitespace collapsed and block breaks as newlines; nothing leading or trailing.
class TextSink {
 public:
  void text(std::string_view s, bool preformatted) {
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') {  // no-break space
        ++i;
        space_ = true;
      } else if (preformatted && c == '\n') {
        request_break(1);
      } else if (is_space(c)) {
        space_ = true;
      } else {
        put(c);
      }
    }
  }
  void request_break(int level) { break_ = std::max(break_, level); }
  std::string take() { return std::move(out_); }

 private:
  void put(char c) {
    if (!out_.empty()) {
      if (break_ == 2)
        out_ += "\n\n";
      else if (break_ == 1)
        out_ += '\n';
      else if (space_)
        out_ += ' ';
    }
    break_ = 0;
    space_ = false;
    out_ += c;
  }
  std::string out_;
  int break_ = 0;
  bool space_ = false;
};

bool is_element(const GumboNode* node, GumboTag tag) {
  return node->type == GUMBO_NODE_ELEMENT && node->v.element.tag == tag;
}

const char* attribute(const GumboNode* node, const char* name) {
  if (node->type != GUMBO_NODE_ELEMENT) return nullptr;
  const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
  return a ? a->value : nullptr;
}

// Visits every node under `root` in document order without recursion (pages may nest
// deeper than a stack allows). `visit` returns false to skip a node's children;
// `leave` runs after an element's children.
template <typename Visit, typename Leave>
void walk(const GumboNode* root, Visit visit, Leave leave) {
  std::vector<std::pair<const GumboNode*, unsigned>> stack{{root, 0}};
  if (!visit(root)) return;
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    const GumboVector* children =
        node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE
            ? &node->v.element.children
            : nullptr;
    if (!children || next >= children->length) {
      leave(node);
      stack.pop_back();
      continue;
    }
    const auto* child = static_cast<const GumboNode*>(children->data[next++]);
    if (visit(child)) stack.push_back({child, 0});
  }
}

const GumboNode* first_element(const GumboNode* root, GumboTag tag, bool skip_dropped) {
  const GumboNode* found = nullptr;
  walk(
      root,
      [&](const GumboNode* n) {
        if (found || n->type != GUMBO_NODE_ELEMENT) return false;
        if (n->v.element.tag == tag) {
          found = n;
          return false;
        }
        return !(skip_dropped && n != root && dropped(n->v.element.tag));
      },
      [](const GumboNode*) {});
  return found;
}

std::string text_of(const GumboNode* root, bool skip_dropped) {
  TextSink sink;
  int in_pre = 0;
  walk(
      root,
      [&](const GumboNode* n) {
        if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
            n->type == GUMBO_NODE_CDATA) {
          sink.text(n->v.text.text, in_pre > 0);
          return false;
        }
        if (n->type != GUMBO_NODE_ELEMENT) return false;
        GumboTag tag = n->v.element.tag;
        if (skip_dropped && n != root && dropped(tag)) return false;
        if (tag == GUMBO_TAG_PRE) ++in_pre;
        if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) sink.text(" ", false);
        sink.request_break(break_level(tag));
        return true;
      },
      [&](const GumboNode* n) {
        if (is_element(n, GUMBO_TAG_PRE)) --in_pre;
        if (n->type == GUMBO_NODE_ELEMENT) sink.request_break(break_level(n->v.element.tag));
      });
  return sink.take();
}

// "2023-06-14T10:00:00+02:00" -> "2023-06-14": the date reader takes dates, not times.
std::string date_part(std::string value) {
  if (value.size() > 10 && value[4] == '-' && value[7] == '-' && value[10] == 'T') value.resize(10);
  return value;
}

void read_head_metadata(const GumboNode* root, std::map<std::string, std::string>& fields) {
  static constexpr std::string_view kDateNames[] = {
      "article:published_time", "date",           "dc.date",         "dcterms.date",
      "dc.date.issued",         "dcterms.issued", "dc.date.created", "dcterms.created",
      "citation_date",          "pubdate"};
  walk(
      root,
      [&](const GumboNode* n) {
        if (n->type != GUMBO_NODE_ELEMENT) return false;
        if (n->v.element.tag != GUMBO_TAG_META) return true;
        const char* name = attribute(n, "name");
        if (!name) name = attribute(n, "property");
        const char* content = attribute(n, "content");
        if (!name || !content || !*content) return false;
        std::string key = lower_ascii(name);
        if (std::find(std::begin(kDateNames), std::end(kDateNames), key) != std::end(kDateNames))
          fields.emplace("date", date_part(content));
        if (key == "author" || key == "dc.creator" || key == "dcterms.creator")
          fields.emplace("speaker", content);
        return false;
      },
      [](const GumboNode*) {});
}

std::string clip(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return s + "...";
}

std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

void read_metadata(const GumboNode* root, const GumboNode* content,
                   std::map<std::string, std::string>& fields) {
  read_head_metadata(root, fields);
  if (const GumboNode* title = first_element(root, GUMBO_TAG_TITLE, false)) {
    std::string t = one_line(text_of(title, false));
    if (!t.empty()) fields["title"] = clip(t, kMaxTitleBytes);
  }
  if (!fields.count("title"))
    if (const GumboNode* h1 = first_element(root, GUMBO_TAG_H1, false)) {
      std::string t = one_line(text_of(h1, false));
      if (!t.empty()) fields["title"] = clip(t, kMaxTitleBytes);
    }
  if (!fields.count("date"))
    if (const GumboNode* time = first_element(content, GUMBO_TAG_TIME, true))
      if (const char* when = attribute(time, "datetime"); when && *when)
        fields["date"] = date_part(when);
  if (const char* lang = attribute(root, "lang"); lang && *lang) {
    std::string primary = lower_ascii(lang);
    primary = primary.substr(0, primary.find_first_of("-_"));
    if (!primary.empty()) fields["lang"] = primary;
  }
}

struct GumboOutputDeleter {
  void operator()(GumboOutput* output) const {
    gumbo_destroy_output(&kGumboDefaultOptions, output);
  }
};

void replace_invalid_utf8(std::string& text, std::vector<std::string>& warnings) {
  size_t bad = 0;
  if (is_valid_utf8(text, &bad)) return;
  warnings.push_back(
      "the HTML parser gave invalid UTF-8 (a character reference out of range?) at "
      "byte " +
      std::to_string(bad) + " of its text; replaced by U+FFFD");
  text = nfc_utf8(text);
}

}  // namespace

ExtractedText html_to_text(std::string_view bytes) {
  ExtractedText out;
  std::string page = decode_page(bytes, out.warnings);
  if (size_t depth = nesting_depth(page); depth > kMaxHtmlDepth) {
    out.error = "HTML elements nested " + std::to_string(depth) + " deep, more than the limit of " +
                std::to_string(kMaxHtmlDepth) + "; skipped";
    return out;
  }
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // parse errors are normal in real pages; do not collect them
  std::unique_ptr<GumboOutput, GumboOutputDeleter> parsed(
      gumbo_parse_with_options(&options, page.data(), page.size()));
  if (!parsed || !parsed->root) {
    out.error = "cannot parse the HTML page";
    return out;
  }
  const GumboNode* root = parsed->root;
  const GumboNode* content = first_element(root, GUMBO_TAG_MAIN, true);
  if (!content) content = first_element(root, GUMBO_TAG_ARTICLE, true);
  if (!content) content = first_element(root, GUMBO_TAG_BODY, false);
  if (!content) content = root;
  out.text = text_of(content, true);
  read_metadata(root, content, out.fields);
  // Gumbo 0.10 writes a numeric character reference past U+10FFFF whose value wraps
  // ("&#85555555555") as invalid UTF-8 (fuzz_html); such bytes become U+FFFD.
  replace_invalid_utf8(out.text, out.warnings);
  for (auto& [name, value] : out.fields) replace_invalid_utf8(value, out.warnings);
  if (out.text.empty()) out.error = "page has no text in its main content";
  return out;
}

}  // namespace polsearch
