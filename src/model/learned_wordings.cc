#include "learned_wordings.h"

#include <charconv>
#include <stdexcept>

namespace polsearch {

namespace {

// The table's first line: a format tag, so another file is not read as a table.
constexpr std::string_view kHeader = "# polsearch learned wordings 1";

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab - start));
    if (tab == std::string_view::npos) return fields;
    start = tab + 1;
  }
}

uint64_t parse_count(std::string_view text, bool& ok) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  ok = ok && error == std::errc() && end == text.data() + text.size();
  return value;
}

double parse_similarity(const std::string& text, bool& ok) {
  try {
    size_t used = 0;
    double value = std::stod(text, &used);
    ok = ok && used == text.size() && value >= -1.0001 && value <= 1.0001;
    return value;
  } catch (const std::exception&) {
    ok = false;
    return 0;
  }
}

}  // namespace

std::string wordings_folder(const std::string& db_path) { return db_path + "/wordings"; }
std::string wordings_file(const std::string& db_path) {
  return wordings_folder(db_path) + "/neighbours.tsv";
}

void LearnedWordings::add(const std::string& key, uint64_t passages,
                          std::vector<LearnedNeighbour> neighbours) {
  entries_[key] = {passages, std::move(neighbours)};
}

const std::vector<LearnedNeighbour>* LearnedWordings::neighbours(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second.neighbours;
}

uint64_t LearnedWordings::passages(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? 0 : it->second.passages;
}

// One line per (key, neighbour): key, key's passages, neighbour, similarity, passages.
void LearnedWordings::write(std::ostream& out) const {
  out << kHeader << '\n';
  char similarity[32];
  for (auto& [key, entry] : entries_) {
    for (auto& n : entry.neighbours) {
      std::snprintf(similarity, sizeof similarity, "%.4f", n.similarity);
      out << key << '\t' << entry.passages << '\t' << n.wording << '\t' << similarity << '\t'
          << n.passages << '\n';
    }
  }
}

LearnedWordings LearnedWordings::parse(std::istream& in, const std::string& origin) {
  LearnedWordings table;
  std::string line;
  if (!std::getline(in, line) || line != kHeader)
    throw std::runtime_error(origin + ":1: not a learned wordings table (expected '" +
                             std::string(kHeader) + "')");
  for (size_t number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    auto fields = split_tabs(line);
    bool ok = fields.size() == 5 && !fields[0].empty() && !fields[2].empty();
    LearnedNeighbour n;
    uint64_t key_passages = ok ? parse_count(fields[1], ok) : 0;
    if (ok) {
      n.wording = std::string(fields[2]);
      n.similarity = parse_similarity(std::string(fields[3]), ok);
      n.passages = parse_count(fields[4], ok);
    }
    if (!ok)
      throw std::runtime_error(origin + ":" + std::to_string(number) +
                               ": expected 'wording<TAB>passages<TAB>neighbour<TAB>similarity"
                               "<TAB>passages'");
    Entry& entry = table.entries_[std::string(fields[0])];
    entry.passages = key_passages;
    entry.neighbours.push_back(std::move(n));
  }
  if (in.bad()) throw std::runtime_error(origin + ": read error");
  return table;
}

}  // namespace polsearch
