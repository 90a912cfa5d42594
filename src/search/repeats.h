// Passages that repeat another word for word. Some transcripts hold their text twice (a
// speech printed "as delivered" after "as prepared", a press conference whose opening
// statement is pasted again): the two copies are passages of one statement with the
// same words, so every query weighs them the same and ranks them side by side, and a
// page would show the same paragraph twice. The second copy is left off the page.
#pragma once

#include <xapian.h>

#include <optional>

namespace polsearch {

class RepeatFilter {
 public:
  explicit RepeatFilter(Xapian::valueno statement_slot) : statement_slot_(statement_slot) {}

  // True if `item` repeats the last item that was not itself a repeat: the same
  // statement, the same weight and the same passage text. Only items of equal weight
  // are read, so the check costs nothing on a page without ties.
  bool repeats_previous(const Xapian::MSetIterator& item);

 private:
  Xapian::valueno statement_slot_;
  std::optional<Xapian::MSetIterator> previous_;
};

}  // namespace polsearch
