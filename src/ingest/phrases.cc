#include "phrases.h"

#include <algorithm>
#include <cctype>

#include "analyzer.h"

namespace polsearch {

bool may_join(const std::string& form) {
  bool letter = std::any_of(form.begin(), form.end(), [](unsigned char c) {
    return std::isalpha(c) || c >= 0x80;  // non-ASCII: a letter of another script
  });
  return letter && !Analyzer::is_common_word(form);
}

void PhraseCounter::add(const std::vector<std::string>& sentence) {
  for (size_t i = 0; i < sentence.size(); ++i) {
    ++words_[sentence[i]];
    ++total_;
    if (i + 1 < sentence.size() && may_join(sentence[i]) && may_join(sentence[i + 1]))
      ++pairs_[sentence[i] + ' ' + sentence[i + 1]];
  }
}

std::set<std::string> PhraseCounter::phrases(const PhraseOptions& options) const {
  std::set<std::string> out;
  for (auto& [pair, count] : pairs_) {
    if (count < options.min_count) continue;
    size_t space = pair.find(' ');
    double a = words_.at(pair.substr(0, space));
    double b = words_.at(pair.substr(space + 1));
    double score = (double(count) - double(options.min_count)) / (a * b) * double(total_);
    if (score > options.threshold) out.insert(pair.substr(0, space) + '_' + pair.substr(space + 1));
  }
  return out;
}

std::vector<std::string> join_phrases(const std::vector<std::string>& sentence,
                                      const std::set<std::string>& phrases) {
  std::vector<std::string> out;
  out.reserve(sentence.size());
  for (size_t i = 0; i < sentence.size(); ++i) {
    if (i + 1 < sentence.size() && phrases.count(sentence[i] + '_' + sentence[i + 1])) {
      out.push_back(sentence[i] + '_' + sentence[i + 1]);
      ++i;
    } else {
      out.push_back(sentence[i]);
    }
  }
  return out;
}

}  // namespace polsearch
