// Result printers. JSON Lines is first class (one object per hit, then a summary);
// text is for people, with the matched words in bold on a terminal and between
// ** markers otherwise.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "searcher.h"
#include "terms.h"

namespace polsearch {

enum class HighlightStyle { Ansi, Markers };

// Byte offset in UTF-8 text -> code point offset (the unit of JSON offsets).
uint64_t code_point_offset(std::string_view text, size_t byte_offset);

// The hit's own keys, then every stored field of the schema (`fields`) by name.
nlohmann::json hit_to_json(const Hit& hit, const std::vector<ShownField>& fields,
                           const std::string& qid = "");
nlohmann::json summary_to_json(const SearchResult& result);
// {"passages", "statements", "exact"}, plus each count's [lower, upper] bounds when
// it is an estimate.
nlohmann::json counts_to_json(const MatchCounts& counts);
// "3 passages", "1 statement", or "about 12000 passages (5000 to 40000)".
std::string describe_count(const Count& count, const std::string& noun);

void print_json(std::ostream& out, const SearchResult& result);
// TREC run lines: "qid Q0 docno rank score tag"; docno is the statement id, or
// "id#passage" when passages are ranked.
void print_trec(std::ostream& out, const SearchResult& result, bool passage_ids,
                const std::string& tag);
void print_text(std::ostream& out, const SearchResult& result, HighlightStyle style);

// The passage text with highlights marked in the given style.
std::string marked_text(const Hit& hit, HighlightStyle style);

// searcher show: one statement, its metadata and every passage by ordinal.
nlohmann::json statement_to_json(const StatementView& statement);
void print_statement_json(std::ostream& out, const StatementView& statement);
void print_statement_text(std::ostream& out, const StatementView& statement);
// searcher --related WORD: the learned wordings, best first.
nlohmann::json related_to_json(const std::string& word, const RelatedWordings& related);
void print_related_json(std::ostream& out, const std::string& word, const RelatedWordings& related);
void print_related_text(std::ostream& out, const std::string& word, const RelatedWordings& related);

}  // namespace polsearch
