// HTML pages as statements: the main content's text, title and metadata.
//
// Parser: Gumbo (Debian libgumbo-dev), an HTML5-conformant tree builder, chosen over
// libxml2's HTML parser (libxml2-dev) and lexbor (not in Debian 12). Measured on a
// 16 MB page of 60,000 paragraphs (2 cores, -O2): Gumbo 9 MB/s, 130 MB peak; libxml2
// 17 MB/s, 168 MB peak. libxml2 is faster but parses HTML 4 (it does not build the
// HTML5 tree for unclosed or misnested tags, which real pages have, and knows neither
// <main> nor <article>); Gumbo builds the tree a browser builds. Gumbo's upstream is
// archived but stable and maintained in Debian; statement pages are small, so its speed
// is no bottleneck (docs/PERFORMANCE.md has the extraction figures).
#pragma once

#include <cstdint>
#include <string_view>

#include "extracted_text.h"

namespace polsearch {

// Pages larger than this are skipped with a message: Gumbo's tree takes about 8 times
// the page's size in memory, and no statement is this long.
inline constexpr uint64_t kMaxHtmlBytes = 32ull << 20;
// Pages whose elements nest deeper than this are skipped with a message: the HTML5
// tree builder's time grows with depth times tags (40,000 nested lists: 50 s), and
// real pages nest a few dozen deep.
inline constexpr size_t kMaxHtmlDepth = 1000;

// Extracts a page (bytes as read from the file):
// - charset: a byte order mark, else <meta charset> / <meta http-equiv content> / an
//   XML declaration in the first 4 KB, converted through ICU; undeclared pages that
//   are not valid UTF-8 are read as windows-1252, and an unknown or lying declaration
//   is read best effort; each with a warning. Entities are decoded (Gumbo).
// - text: <main>, else the first <article>, else <body>; nav, header, footer, aside,
//   script, style, form (and other non-content elements) dropped; every block element
//   (p, div, li, h1-h6, blockquote, tr, ...) its own paragraph; <br> a line break.
// - fields: title from <title>, else the first <h1>; date from the meta names
//   article:published_time, date, DC.date (dcterms.date, ...), else the first
//   <time datetime> of the content; speaker from meta author; lang from <html lang>.
ExtractedText html_to_text(std::string_view bytes);

}  // namespace polsearch
