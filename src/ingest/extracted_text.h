// What the HTML and PDF readers take out of a published document: its text as people
// read it, the metadata it carries, and (for PDFs) where each page starts.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace polsearch {

struct ExtractedText {
  // NFC UTF-8; paragraphs separated by a blank line, so passages split at them.
  std::string text;
  // What the document says about itself, under the names "title", "date" (as written),
  // "speaker" and "lang"; absent when the document does not say.
  std::map<std::string, std::string> fields;
  // PDFs: byte offset in `text` where page 1, 2, ... starts (empty for HTML).
  std::vector<uint64_t> page_starts;
  // What the reader guessed or dropped ("no charset declared ..."): reported as
  // warnings when the statement is indexed.
  std::vector<std::string> warnings;
  // Non-empty when the file gives no text to index; the file is then skipped with
  // this message. `skip_is_warning` marks a file that is no fault of the input (an
  // image-only PDF): reported as a warning, counted as skipped.
  std::string error;
  bool skip_is_warning = false;
};

// Bytes in a named character set as NFC UTF-8 (invalid bytes become U+FFFD). The
// WHATWG rule applies: the labels iso-8859-1, latin1 and us-ascii mean windows-1252.
// Returns false (and leaves `out` alone) if ICU does not know the charset.
bool convert_to_utf8(std::string_view bytes, const std::string& charset, std::string& out);

// NFC normalisation of UTF-8 text (invalid sequences become U+FFFD).
std::string nfc_utf8(std::string_view text);

}  // namespace polsearch
