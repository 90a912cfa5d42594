// libFuzzer target: the PDF reader (Poppler, lines, paragraphs, hyphens, running lines,
// pages). Any bytes are a file; the text must come out as valid UTF-8 with page starts
// in order inside it, or an error.
#include <cstdint>
#include <string_view>

#include "input.h"
#include "pdf_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  polsearch::ExtractedText out = polsearch::pdf_to_text(bytes);
  if (!polsearch::is_valid_utf8(out.text)) __builtin_trap();
  uint64_t previous = 0;
  for (uint64_t start : out.page_starts) {
    if (start < previous || start > out.text.size()) __builtin_trap();
    previous = start;
  }
  for (const auto& [name, value] : out.fields)
    if (!polsearch::is_valid_utf8(value)) __builtin_trap();
  return 0;
}
