// PDF documents as statements, through Poppler's C++ API (Debian libpoppler-cpp-dev).
#pragma once

#include <string_view>

#include "extracted_text.h"

namespace polsearch {

// Extracts a PDF (the file's bytes):
// - text in Poppler's reading order (columns one after the other), one page after
//   another; a line gap wider than the usual line spacing, a new column and a new page
//   start a paragraph; the lines of a paragraph are joined with spaces;
// - a word broken by a hyphen at a line end is rejoined ("peace-" / "keeping" ->
//   "peacekeeping") unless the hyphen belongs to the word: the hyphenated form occurs
//   elsewhere in the document, the first part is a word that takes a hyphen ("cease-",
//   "self-", "well-", ...) or the second starts with a capital or digit ("anti-" /
//   "NATO"); the joined form occurring elsewhere always wins;
// - running headers and footers dropped: a page's top or bottom line that is a page
//   number ("3", "Page 3 of 5", "- 3 -") or that recurs, digits aside, at the top or
//   bottom of another page;
// - page_starts: where each page's text starts (a page without text starts where the
//   next one does);
// - fields: title from the document information (Title), else the first line of the
//   text; date from CreationDate (YYYY-MM-DD, UTC).
// A page without text gets a warning ("page 3: no text layer; OCR is not supported");
// a document without any text, an encrypted one or one Poppler cannot read gets an
// error (the first two as warnings: skipped, no fault of the file).
ExtractedText pdf_to_text(std::string_view bytes);

}  // namespace polsearch
