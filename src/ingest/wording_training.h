// indexer --learn-wordings: trains fastText word vectors on the indexed passages (their
// frequent phrases joined first, phrases.h) and stores each frequent wording's nearest
// neighbours beside the database (learned_wordings.h), recorded in its metadata. The
// same command again replaces the table atomically (written to a temporary, renamed).
#pragma once

#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>

#include "phrases.h"

namespace polsearch {

struct LearnOptions {
  int dim = 100;
  int epoch = 5;
  int window = 5;
  int min_count = 5;  // a wording seen fewer times gets no vector
  int threads = 1;    // fastText with one thread and a fixed seed is deterministic
  int seed = 1;
  double sampling = 1e-4;         // fastText -t: frequent words are skipped this much (1 = never)
  unsigned neighbours = 10;       // kept per wording
  unsigned max_wordings = 20000;  // the most frequent wordings get neighbours
  double min_similarity = 0.3;    // weaker neighbours are not stored
  uint64_t min_passages = 50;     // fewer: too small to learn anything
  PhraseOptions phrases;
};

struct LearnSummary {
  uint64_t passages = 0, tokens = 0, phrases = 0, vocabulary = 0, wordings = 0;
  double seconds = 0;
  std::string file;  // the table written
};

// A database that cannot be trained on (empty, too small, a stub without an auxiliary
// database): the message says why.
class LearnError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Trains on the database at `db_path`, writes DIR/wordings/neighbours.tsv and the
// kMetaWordings metadata. A sharded database (a stub) is trained on all its shards and
// keeps both with its auxiliary database (DIR/aux/wordings/neighbours.tsv). Throws LearnError,
// DatabaseError, Xapian::Error.
LearnSummary learn_wordings(const std::string& db_path, const LearnOptions& options);

std::string learn_summary(const LearnSummary& summary);  // the indexer's closing line

}  // namespace polsearch
