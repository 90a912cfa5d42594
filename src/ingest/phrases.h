// Frequent phrases, word2phrase-style (Mikolov et al. 2013): a bigram "a b" becomes one
// token "a_b" when (count(a b) - min_count) / (count(a) * count(b)) * total words passes
// a threshold, so that word vectors can place "blue_helmets" beside "peacekeepers".
// Bigrams with a common word ("of the") or a token without letters are never joined.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace polsearch {

struct PhraseOptions {
  uint64_t min_count = 5;  // a bigram seen fewer times is never a phrase
  double threshold = 100;  // word2phrase's default
};

// Counts of the words and adjacent word pairs of a corpus given sentence by sentence.
class PhraseCounter {
 public:
  void add(const std::vector<std::string>& sentence);
  // The bigrams (joined by '_') whose score passes the threshold, sorted.
  std::set<std::string> phrases(const PhraseOptions& options) const;

 private:
  std::unordered_map<std::string, uint64_t> words_, pairs_;  // pairs keyed "a b"
  uint64_t total_ = 0;
};

// True if a phrase may start or end with this token: it has a letter and is not a
// common word.
bool may_join(const std::string& form);

// The sentence with each detected pair joined ("blue", "helmets" -> "blue_helmets"),
// left to right, a word in at most one pair.
std::vector<std::string> join_phrases(const std::vector<std::string>& sentence,
                                      const std::set<std::string>& phrases);

}  // namespace polsearch
