// What the query builder needs from the index, asked through one interface so that
// building is otherwise pure (tantivy's split of a logical query from the reader it runs
// on): the compound table and the statements a metadata query selects. DatabaseLookups
// answers from a Xapian database; a test can answer from a table.
#pragma once

#include <string>
#include <vector>

#include <xapian.h>

#include "learned_wordings.h"
#include "schema.h"

namespace polsearch {

class QueryLookups {
 public:
  virtual ~QueryLookups() = default;
  // The spaced forms the index recorded for a joined compound ("ceasefire" ->
  // {"cease fire"}), in the synonym table's order; empty if it never saw one.
  // DatabaseLookups leaves out splits into fragments that are not words on their own
  // (a line broken inside "nuclear" as "nu-clear").
  virtual std::vector<std::string> compound_splits(const std::string& joined) const = 0;
  // Ids of the statements whose records match `on_records`, in document order, at most
  // `limit` + 1 (one more tells the caller the limit was passed).
  virtual std::vector<std::string> statements_matching(const Xapian::Query& on_records,
                                                       unsigned limit) const = 0;
  // BM25's idf of a term, log((N - n + 0.5) / (n + 0.5)), at least 0 (0 if absent).
  virtual double idf(const std::string& term) const = 0;
  // True if two terms have the same postings and within-passage frequencies, as far as
  // their statistics tell: the same passage count and the same total frequency. For an
  // exact form and its stem this is exact, since every passage with the form also has
  // the stem, at least as often. False when unknown.
  virtual bool same_postings(const std::string& a, const std::string& b) const {
    (void)a;
    (void)b;
    return false;
  }
  // Wordings learned from the corpus near a wording key (analysed forms joined by ' '),
  // best first (learned_wordings.h); empty if none were learned.
  virtual std::vector<LearnedNeighbour> learned_neighbours(const std::string& key) const {
    (void)key;
    return {};
  }
};

class DatabaseLookups final : public QueryLookups {
 public:
  DatabaseLookups(const Xapian::Database& db, const Schema& schema)
      : db_(db), synonyms_(db), schema_(schema) {}
  // With the synonym table of another database: a sharded database's auxiliary one
  // (Xapian serves no synonyms over its remote backend).
  DatabaseLookups(const Xapian::Database& db, const Xapian::Database& synonyms,
                  const Schema& schema)
      : db_(db), synonyms_(synonyms), schema_(schema) {}
  std::vector<std::string> compound_splits(const std::string& joined) const override;
  std::vector<std::string> statements_matching(const Xapian::Query& on_records,
                                               unsigned limit) const override;
  double idf(const std::string& term) const override;
  bool same_postings(const std::string& a, const std::string& b) const override;
  std::vector<LearnedNeighbour> learned_neighbours(const std::string& key) const override;
  // The table indexer --learn-wordings wrote beside the database; null = none.
  void set_learned(const LearnedWordings* learned) { learned_ = learned; }
  // false: same_postings() says false without asking the database.
  void compare_postings(bool on) { compare_postings_ = on; }

 private:
  const Xapian::Database& db_;
  const Xapian::Database& synonyms_;
  const Schema& schema_;
  const LearnedWordings* learned_ = nullptr;
  bool compare_postings_ = true;
};

}  // namespace polsearch
