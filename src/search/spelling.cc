#include "spelling.h"

#include <algorithm>
#include <vector>

#include "terms.h"

namespace polsearch {

namespace {

// Words of the query syntax that a suggestion must never produce: "truce" must not
// become "truly" and then, written in capitals, an operator.
bool is_operator_word(std::string_view form) {
  return form == "and" || form == "or" || form == "not" || form == "near";
}

// Two edits are too many for a short word: "note" is two edits from "not", "nato",
// "vote" and many more.
unsigned max_edits_for(const std::string& form) { return form.size() <= 5 ? 1 : 2; }

struct Replacement {
  size_t offset, length;
  std::string word;
};

// The plain, unfielded words of a query (NEAR operands included): the only parts a
// suggestion may touch. Phrases, filters, ranges and wildcards are left as written.
void collect_plain_words(const QueryNode& node, std::vector<const QueryNode*>& out) {
  if (node.kind == QueryNode::Kind::Word) {
    if (node.field.empty() && !node.wildcard) out.push_back(&node);
    return;
  }
  for (auto& child : node.children) collect_plain_words(*child, out);
}

}  // namespace

SpellingCorrector::SpellingCorrector(const Xapian::Database& db, Analyzer& analyzer,
                                     const ConceptTable& concepts)
    : SpellingCorrector(db, db, analyzer, concepts) {}

SpellingCorrector::SpellingCorrector(const Xapian::Database& db,
                                     const Xapian::Database& spelling_db, Analyzer& analyzer,
                                     const ConceptTable& concepts)
    : db_(db), spelling_db_(spelling_db), analyzer_(analyzer), concepts_(concepts) {}

Xapian::doccount SpellingCorrector::frequency(const std::string& form) {
  Xapian::doccount freq = db_.get_termfreq(form);
  const std::string& stem = analyzer_.stem(form);
  if (!stem.empty()) freq = std::max(freq, db_.get_termfreq(std::string(terms::kStem) + stem));
  const std::string& variant = concepts_.spelling_variant(form);
  if (!variant.empty()) freq = std::max(freq, db_.get_termfreq(variant));
  return freq;
}

bool SpellingCorrector::acceptable_replacement(const std::string& candidate) {
  return !Analyzer::is_common_word(candidate) && !is_operator_word(candidate);
}

std::string SpellingCorrector::correct(const std::string& form) {
  if (form.size() < 3) return "";
  // A wording of a concept, or one half of a British/American pair, is a word even
  // where this index never uses it.
  if (!concepts_.find({form}).empty() || !concepts_.spelling_variant(form).empty()) return "";
  Xapian::doccount freq = frequency(form);
  // Most query words are common; looking for close words (trigram look-ups) is the
  // costly part, so it is done only for words rare enough to be typos.
  if (freq > std::max<Xapian::doccount>(kRareUpTo, db_.get_doccount() / 100000)) return "";
  std::string candidate = spelling_db_.get_spelling_suggestion(form, max_edits_for(form));
  if (candidate.empty() || candidate == form || !acceptable_replacement(candidate)) return "";
  Xapian::doccount candidate_freq = db_.get_termfreq(candidate);
  if (candidate_freq == 0) return "";
  if (freq > 0 && candidate_freq < kMinFrequencyRatio * freq) return "";
  return candidate;
}

std::string SpellingCorrector::suggest(const QueryNode& tree, std::string_view query) {
  std::vector<const QueryNode*> words;
  collect_plain_words(tree, words);
  std::vector<Replacement> replacements;
  std::vector<Token> tokens;
  for (const QueryNode* node : words) {
    size_t skip = !node->text.empty() && node->text[0] == '~';
    std::string_view text = std::string_view(node->text).substr(skip);
    tokens.clear();
    analyzer_.analyze(text, tokens);
    if (tokens.size() != 1) continue;
    std::string word = correct(tokens[0].form);
    if (word.empty()) continue;
    // Only the word itself is replaced: "note:" keeps its colon.
    size_t offset = node->offset + skip + tokens[0].start;
    size_t length = tokens[0].end - tokens[0].start;
    if (offset + length > query.size()) continue;
    replacements.push_back({offset, length, std::move(word)});
  }
  if (replacements.empty()) return "";
  std::sort(replacements.begin(), replacements.end(),
            [](const Replacement& a, const Replacement& b) { return a.offset > b.offset; });
  std::string out(query);
  for (auto& r : replacements) out.replace(r.offset, r.length, r.word);
  return out;
}

}  // namespace polsearch
