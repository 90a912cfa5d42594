#include "repeats.h"

#include <string>
#include <string_view>

#include "terms.h"

namespace polsearch {
namespace {

// The passage's own text, or "" if its data cannot be read (then it is never a repeat).
std::string passage_text(const Xapian::Document& doc) {
  std::string data = doc.get_data();
  PassageData meta;
  std::string_view text;
  if (!decode_passage_data(data, meta, text)) return {};
  return std::string(text);
}

}  // namespace

bool RepeatFilter::repeats_previous(const Xapian::MSetIterator& item) {
  // Exact equality: the same words in one statement give the same weight to the bit.
  if (previous_ && previous_->get_weight() == item.get_weight()) {
    Xapian::Document earlier = previous_->get_document();
    Xapian::Document later = item.get_document();
    if (earlier.get_value(statement_slot_) == later.get_value(statement_slot_)) {
      std::string text = passage_text(later);
      if (!text.empty() && text == passage_text(earlier)) return true;
    }
  }
  previous_ = item;
  return false;
}

}  // namespace polsearch
