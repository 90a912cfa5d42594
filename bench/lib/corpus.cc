#include "corpus.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace bench {
namespace {

// Calls `line` for each line of a file, gzipped or not (gzread passes plain files
// through). Stops early when `line` returns false.
void for_each_line(const std::string& path, const std::function<bool(std::string&)>& line) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  gzbuffer(f, 1 << 20);
  std::vector<char> buf(1 << 20);
  std::string pending;
  bool go_on = true;
  while (go_on) {
    int n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int err = 0;
      std::string msg = gzerror(f, &err);
      gzclose(f);
      throw std::runtime_error(path + ": " + msg);
    }
    if (n == 0) break;
    size_t start = 0;
    for (size_t i = 0; i < static_cast<size_t>(n) && go_on; ++i) {
      if (buf[i] != '\n') continue;
      pending.append(buf.data() + start, i - start);
      go_on = line(pending);
      pending.clear();
      start = i + 1;
    }
    if (go_on) pending.append(buf.data() + start, n - start);
  }
  gzclose(f);
  if (go_on && !pending.empty()) line(pending);
}

std::vector<std::string> split_tabs(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t tab = s.find('\t', start);
    out.push_back(s.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return out;
}

}  // namespace

void load_corpus(const std::vector<std::string>& paths, double fraction, Corpus& corpus) {
  if (!(fraction > 0 && fraction <= 1)) throw std::runtime_error("--fraction must be in (0, 1]");
  for (const auto& path : paths) {
    // Pass 1 counts the statements (cheap: decompression only), pass 2 parses the
    // first `fraction` of them.
    uint64_t lines = 0;
    for_each_line(path, [&](std::string& l) {
      if (l.find_first_not_of(" \t\r") != std::string::npos) ++lines;
      return true;
    });
    uint64_t want = std::max<uint64_t>(1, std::llround(static_cast<double>(lines) * fraction));
    uint64_t taken = 0, lineno = 0;
    for_each_line(path, [&](std::string& l) {
      ++lineno;
      if (l.find_first_not_of(" \t\r") == std::string::npos) return true;
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(l);
      } catch (const std::exception& e) {
        throw std::runtime_error(path + ":" + std::to_string(lineno) + ": " + e.what());
      }
      ++taken;
      corpus.statement_starts.push_back(corpus.spans.size());
      auto it = j.find("text");
      if (it != j.end() && it->is_string()) {
        const std::string& text = it->get_ref<const std::string&>();
        size_t start = 0;
        for (;;) {
          size_t sep = text.find("\n\n", start);
          size_t end = sep == std::string::npos ? text.size() : sep;
          if (end > start) {
            corpus.spans.emplace_back(corpus.text.size(), static_cast<uint32_t>(end - start));
            corpus.text.append(text, start, end - start);
          }
          if (sep == std::string::npos) break;
          start = sep + 2;
        }
      }
      return taken < want;
    });
    corpus.statements += taken;
    corpus.sources.push_back(path);
  }
  corpus.text.shrink_to_fit();
  corpus.spans.shrink_to_fit();
}

std::vector<std::string> load_statement_texts(const std::string& path, uint64_t max_bytes) {
  std::vector<std::string> texts;
  uint64_t bytes = 0;
  for_each_line(path, [&](std::string& l) {
    if (l.find_first_not_of(" \t\r") == std::string::npos) return true;
    auto j = nlohmann::json::parse(l);
    auto it = j.find("text");
    if (it != j.end() && it->is_string()) {
      texts.push_back(it->get<std::string>());
      bytes += texts.back().size();
    }
    return bytes < max_bytes;
  });
  return texts;
}

std::vector<Query> load_queries(const std::string& syntax_path) {
  std::vector<Query> queries;
  std::ifstream in(syntax_path);
  if (!in) throw std::runtime_error("cannot open " + syntax_path);
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto cols = split_tabs(line);
    if (cols.size() != 4) {
      throw std::runtime_error(syntax_path + ":" + std::to_string(lineno) +
                               ": expected qid<TAB>class<TAB>xapian<TAB>fts5");
    }
    queries.push_back(Query{cols[0], cols[1], "", cols[2], cols[3]});
  }
  // The plain form, as a person types it, for engines that parse queries themselves.
  auto plain_path = std::filesystem::path(syntax_path).parent_path() / "queries.tsv";
  std::ifstream plain(plain_path);
  if (plain) {
    std::map<std::string, std::string> by_id;
    while (std::getline(plain, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      auto cols = split_tabs(line);
      if (cols.size() == 3) by_id[cols[0]] = cols[2];
    }
    for (auto& q : queries) {
      auto it = by_id.find(q.id);
      if (it != by_id.end()) q.plain = it->second;
    }
  }
  if (queries.empty()) throw std::runtime_error(syntax_path + ": no queries");
  return queries;
}

std::string resolve_default_path(const std::string& rel, const std::string& repo_root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!repo_root.empty() && fs::exists(fs::path(repo_root) / rel, ec)) {
    return (fs::path(repo_root) / rel).lexically_normal().string();
  }
  for (fs::path dir = fs::current_path(ec); !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / rel, ec)) return (dir / rel).lexically_normal().string();
    if (dir == dir.parent_path()) break;
  }
  return rel;
}

}  // namespace bench
