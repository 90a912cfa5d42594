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

uint32_t PhraseCounter::count_word(const std::string& word) {
  auto [it, inserted] = words_.try_emplace(word);
  if (inserted) {
    it->second.id = static_cast<uint32_t>(word_names_.size());
    word_names_.push_back(&it->first);  // node-based map: the key's address is stable
  }
  ++it->second.count;
  ++total_;
  return it->second.id;
}

void PhraseCounter::add(const std::vector<std::string>& sentence) {
  uint32_t previous = 0;
  bool previous_joins = false;
  for (const std::string& word : sentence) {
    const uint32_t id = count_word(word);
    const bool joins = may_join(word);
    if (previous_joins && joins) ++pairs_[uint64_t{previous} << 32 | id];
    previous = id;
    previous_joins = joins;
  }
  if (pairs_.size() > max_pairs_) prune_pairs();
}

void PhraseCounter::prune_pairs() {
  while (pairs_.size() > max_pairs_ / 2) {
    std::erase_if(pairs_, [&](const auto& pair) { return pair.second <= prune_floor_; });
    ++prune_floor_;
  }
}

std::set<std::string> PhraseCounter::phrases(const PhraseOptions& options) const {
  std::set<std::string> out;
  for (auto& [key, count] : pairs_) {
    if (count < options.min_count) continue;
    const std::string& a = *word_names_[key >> 32];
    const std::string& b = *word_names_[key & 0xFFFFFFFFu];
    double score = (double(count) - double(options.min_count)) /
                   (double(words_.at(a).count) * double(words_.at(b).count)) * double(total_);
    if (score > options.threshold) out.insert(a + '_' + b);
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
