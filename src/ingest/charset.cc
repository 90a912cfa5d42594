// ICU converters and NFC for the HTML and PDF readers (declared in extracted_text.h).
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "extracted_text.h"
#include "input.h"

namespace polsearch {
namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// WHATWG Encoding: these labels all decode as windows-1252 (C1 bytes are printable
// punctuation in real pages, never control characters).
std::string effective_charset(const std::string& label) {
  std::string l = lower_ascii(label);
  static constexpr std::string_view kWindows1252[] = {
      "iso-8859-1", "iso8859-1",   "iso_8859-1",      "latin1",        "l1",    "us-ascii",
      "ascii",      "cp1252",      "x-cp1252",        "windows-1252",  "cp819", "ibm819",
      "iso-ir-100", "csisolatin1", "iso_8859-1:1987", "ansi_x3.4-1968"};
  if (std::find(std::begin(kWindows1252), std::end(kWindows1252), l) != std::end(kWindows1252))
    return "windows-1252";
  return l;
}

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

std::string nfc_of(const icu::UnicodeString& text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  std::string out;
  if (U_FAILURE(status)) return text.toUTF8String(out);
  icu::UnicodeString normal = nfc->normalize(text, status);
  return U_FAILURE(status) ? text.toUTF8String(out) : normal.toUTF8String(out);
}

}  // namespace

bool convert_to_utf8(std::string_view bytes, const std::string& charset, std::string& out) {
  std::string name = effective_charset(charset);
  if (name == "utf-8" || name == "utf8") {
    out = nfc_utf8(bytes);
    return true;
  }
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> conv(ucnv_open(name.c_str(), &status));
  // ICU falls back to a default converter for some unknown names: refuse those.
  if (U_FAILURE(status) || status == U_USING_DEFAULT_WARNING || !conv) return false;
  icu::UnicodeString text(bytes.data(), static_cast<int32_t>(bytes.size()), conv.get(), status);
  if (U_FAILURE(status)) return false;
  out = nfc_of(text);
  return true;
}

// Valid UTF-8 is normalised as UTF-8 (already normal text, nearly all, is only
// checked); invalid UTF-8 goes through UTF-16, which replaces the bad bytes.
std::string nfc_utf8(std::string_view text) {
  icu::StringPiece piece(text.data(), static_cast<int32_t>(text.size()));
  if (!is_valid_utf8(text)) return nfc_of(icu::UnicodeString::fromUTF8(piece));
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_SUCCESS(status) && nfc->isNormalizedUTF8(piece, status) && U_SUCCESS(status))
    return std::string(text);
  status = U_ZERO_ERROR;
  std::string out;
  icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(text.size()));
  if (nfc) nfc->normalizeUTF8(0, piece, sink, nullptr, status);
  return nfc && U_SUCCESS(status) ? out : std::string(text);
}

}  // namespace polsearch
