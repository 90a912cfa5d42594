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
// Memory is bounded as in word2phrase: when more than `max_pairs` distinct pairs are
// held, those seen no more than a rising floor are dropped (all of UNGDC, 30M words,
// has tens of millions of distinct pairs; nearly all are seen once or twice, far
// below any phrase's min_count). A pair dropped early and seen often later is
// undercounted by at most the floor.
class PhraseCounter {
 public:
  explicit PhraseCounter(size_t max_pairs = 8'000'000) : max_pairs_(max_pairs) {}
  void add(const std::vector<std::string>& sentence);
  // The bigrams (joined by '_') whose score passes the threshold, sorted.
  std::set<std::string> phrases(const PhraseOptions& options) const;
  size_t pairs_held() const { return pairs_.size(); }

 private:
  struct Word {
    uint32_t id = 0;
    uint64_t count = 0;
  };
  uint32_t count_word(const std::string& word);
  void prune_pairs();

  std::unordered_map<std::string, Word> words_;
  std::vector<const std::string*> word_names_;    // by id
  std::unordered_map<uint64_t, uint64_t> pairs_;  // (id a << 32 | id b) -> count
  uint64_t total_ = 0;
  size_t max_pairs_;
  uint64_t prune_floor_ = 1;  // the next prune drops pairs seen no more than this
};

// True if a phrase may start or end with this token: it has a letter and is not a
// common word.
bool may_join(const std::string& form);

// The sentence with each detected pair joined ("blue", "helmets" -> "blue_helmets"),
// left to right, a word in at most one pair.
std::vector<std::string> join_phrases(const std::vector<std::string>& sentence,
                                      const std::set<std::string>& phrases);

}  // namespace polsearch
