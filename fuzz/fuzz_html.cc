// libFuzzer target: the HTML reader (charset sniffing and conversion, Gumbo, main
// content and metadata). Any bytes are a page; the text must come out as valid UTF-8
// without leading or trailing whitespace, or an error.
#include <cstdint>
#include <string_view>

#include "html_text.h"
#include "input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  polsearch::ExtractedText out = polsearch::html_to_text(bytes);
  if (!polsearch::is_valid_utf8(out.text)) __builtin_trap();
  if (!out.text.empty() && (out.text.front() == ' ' || out.text.back() == ' ' ||
                            out.text.front() == '\n' || out.text.back() == '\n'))
    __builtin_trap();
  for (const auto& [name, value] : out.fields)
    if (!polsearch::is_valid_utf8(value)) __builtin_trap();
  if (out.error.empty() == out.text.empty()) __builtin_trap();
  return 0;
}
