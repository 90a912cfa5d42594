// Wordings learned from the corpus (indexer --learn-wordings): for each frequent word or
// phrase of the indexed passages, its nearest neighbours in a fastText model trained on
// them, with their cosine similarity and document frequency. Stored beside the database
// as a small table (DIR/wordings/neighbours.tsv) so that searching needs no model, and
// recorded in the database metadata (kMetaWordings). Keys and neighbours are analysed
// forms joined by single spaces ("blue helmets"), like concept wordings (concepts.h).
#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace polsearch {

struct LearnedNeighbour {
  std::string wording;    // analysed forms joined by ' '
  double similarity = 0;  // cosine, -1..1
  uint64_t passages = 0;  // document frequency: passages holding the wording
};

// The metadata key that records a training run (JSON: when, passages, parameters).
inline constexpr std::string_view kMetaWordings = "polsearch:wordings";

// DIR/wordings and DIR/wordings/neighbours.tsv.
std::string wordings_folder(const std::string& db_path);
std::string wordings_file(const std::string& db_path);

class LearnedWordings {
 public:
  // Reads the table; throws std::runtime_error naming `origin` and the line.
  static LearnedWordings parse(std::istream& in, const std::string& origin);
  // Writes the table parse() reads.
  void write(std::ostream& out) const;

  void add(const std::string& key, uint64_t passages, std::vector<LearnedNeighbour> neighbours);
  // The neighbours of a key, best first; null if the key was not learned.
  const std::vector<LearnedNeighbour>* neighbours(const std::string& key) const;
  uint64_t passages(const std::string& key) const;  // 0 if not learned
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    uint64_t passages = 0;
    std::vector<LearnedNeighbour> neighbours;
  };
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace polsearch
