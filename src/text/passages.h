// Splits a statement's text into passages, the unit that is indexed and ranked.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace polsearch {

struct PassageBounds {
  uint32_t min_words = 12;   // a paragraph shorter than this (heading, dateline) joins a neighbour
  uint32_t max_words = 180;  // a paragraph longer than this is split at sentence boundaries
};

struct Passage {
  uint32_t ordinal = 0;         // 0, 1, 2, ... in text order
  uint32_t start = 0, end = 0;  // byte offsets [start, end) into the statement text;
                                // trimmed of surrounding whitespace
};

class PassageSplitter {
 public:
  explicit PassageSplitter(const PassageBounds& bounds = {});
  ~PassageSplitter();
  PassageSplitter(const PassageSplitter&) = delete;
  PassageSplitter& operator=(const PassageSplitter&) = delete;

  // Paragraphs are separated by blank lines; a text with no blank line but several
  // lines has one paragraph per line. Never returns an empty passage; returns no
  // passage for a text that is empty or only whitespace. Passages cover every
  // non-whitespace character of the text exactly once, in order.
  std::vector<Passage> split(std::string_view text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace polsearch
