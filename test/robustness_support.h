// Helpers for the robustness suites (crash, concurrency, hostile input, check):
// background processes that can be killed, and a content dump of a database that
// two databases can be compared by.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <xapian.h>

#include "terms.h"
#include "test_support.h"

namespace polsearch::testing {

// A program running in the background, with stdout and stderr going to a file and
// stdin from a pipe the test can write to (or /dev/null).
class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::filesystem::path& log,
             bool stdin_pipe = false) {
    // Close-on-exec everywhere, so no other child inherits the pipe's write end and
    // keeps this child's standard input open.
    int in[2] = {-1, -1};
    if (stdin_pipe && pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
      dup2(stdin_pipe ? in[0] : null, 0);
      dup2(out, 1);
      dup2(out, 2);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    if (stdin_pipe) {
      close(in[0]);
      stdin_ = in[1];
    }
  }
  ~Background() {
    close_stdin();
    if (pid_ > 0 && !status_) {
      kill(pid_, SIGKILL);
      wait();
    }
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  pid_t pid() const { return pid_; }
  void write_stdin(const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(stdin_, data.data() + done, data.size() - done);
      if (n <= 0) throw std::runtime_error("write to child failed");
      done += static_cast<size_t>(n);
    }
  }
  void close_stdin() {
    if (stdin_ >= 0) close(stdin_);
    stdin_ = -1;
  }
  // Exit status (128 + signal if killed), once it has ended; nullopt while running.
  std::optional<int> poll() {
    if (status_) return status_;
    int raw = 0;
    if (waitpid(pid_, &raw, WNOHANG) == pid_) status_ = decode(raw);
    return status_;
  }
  int wait() {
    if (status_) return *status_;
    int raw = 0;
    waitpid(pid_, &raw, 0);
    status_ = decode(raw);
    return *status_;
  }
  int kill_now() {
    kill(pid_, SIGKILL);
    return wait();
  }

 private:
  static int decode(int raw) { return WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw); }
  pid_t pid_ = -1;
  int stdin_ = -1;
  std::optional<int> status_;
};

inline uint64_t fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

inline std::string hex64(uint64_t v) {
  char buf[17];
  snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Everything a database holds, as sorted lines independent of document ids: per
// statement record its id and data; per passage (documents without `XTstatement`)
// its statement id (value slot 1), and hashes of its data (the passage text), its
// term list with wdf and its values; then the metadata and the synonym table. Two
// databases with the same dump hold the same statements and passages.
inline std::vector<std::string> dump_database(const std::string& path) {
  Xapian::Database db(path);
  const std::string record_term(terms::kRecordType);
  std::vector<std::string> lines;
  for (auto d = db.postlist_begin(""); d != db.postlist_end(""); ++d) {
    Xapian::Document doc = db.get_document(*d);
    bool record = false;
    uint64_t term_hash = fnv1a("");
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      if (*t == record_term) record = true;
      term_hash = fnv1a(*t + '\x01' + std::to_string(t.get_wdf()) + '\x02', term_hash);
    }
    uint64_t value_hash = fnv1a("");
    for (auto v = doc.values_begin(); v != doc.values_end(); ++v)
      value_hash = fnv1a(std::to_string(v.get_valueno()) + '=' + *v + '\x01', value_hash);
    std::string id = doc.get_value(1);
    std::string data = doc.get_data();
    if (record)
      lines.push_back("record " + id + " " + data + " terms=" + hex64(term_hash));
    else
      lines.push_back("passage " + id + " " + data.substr(0, data.find('\t')) +
                      " text=" + hex64(fnv1a(data)) + " terms=" + hex64(term_hash) +
                      " values=" + hex64(value_hash));
  }
  for (auto k = db.metadata_keys_begin(); k != db.metadata_keys_end(); ++k)
    lines.push_back("metadata " + *k + " " + hex64(fnv1a(db.get_metadata(*k))));
  for (auto k = db.synonym_keys_begin(); k != db.synonym_keys_end(); ++k) {
    std::string line = "synonym " + *k + " ->";
    for (auto s = db.synonyms_begin(*k); s != db.synonyms_end(*k); ++s) line += " [" + *s + "]";
    lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

// The first lines where two dumps differ, for a readable failure message.
inline std::string dump_difference(const std::vector<std::string>& a,
                                   const std::vector<std::string>& b, size_t max = 5) {
  std::vector<std::string> only_a, only_b;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only_a));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(only_b));
  std::string out = std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " lines; " +
                    std::to_string(only_a.size()) + " only in the first, " +
                    std::to_string(only_b.size()) + " only in the second\n";
  for (size_t i = 0; i < only_a.size() && i < max; ++i)
    out += "  - " + only_a[i].substr(0, 200) + "\n";
  for (size_t i = 0; i < only_b.size() && i < max; ++i)
    out += "  + " + only_b[i].substr(0, 200) + "\n";
  return out;
}

// The first `lines` records of a gzipped JSON Lines file, as plain text.
inline std::string gz_head(const std::filesystem::path& gz, size_t lines) {
  gzFile f = gzopen(gz.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + gz.string());
  std::string out, line;
  char buf[1 << 16];
  size_t n = 0;
  while (n < lines && gzgets(f, buf, sizeof buf)) {
    line += buf;
    if (!line.empty() && line.back() == '\n') {
      out += line;
      line.clear();
      ++n;
    }
  }
  gzclose(f);
  return out;
}

// `count` statements of three paragraphs of pseudo-random words (a fixed generator:
// every call gives the same text), each paragraph also saying "the maritime patrols
// continue", so the database has many distinct terms and grows by megabytes.
inline std::string wordy_statements(int count) {
  uint32_t state = 12345;
  auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  std::string out;
  for (int i = 0; i < count; ++i) {
    std::string text;
    for (int w = 0; w < 240; ++w) {
      if (w % 80 == 0)
        text += w == 0 ? "The maritime patrols continue:" : "\\n\\nThe maritime patrols continue:";
      text += ' ';
      int letters = 4 + next() % 6;
      for (int l = 0; l < letters; ++l) text += char('a' + (next() >> 8) % 26);
    }
    out += "{\"id\":\"w" + std::to_string(i) + "\",\"title\":\"Wordy " + std::to_string(i) +
           "\",\"text\":\"" + text + "\"}\n";
  }
  return out;
}

// Path of a program on $PATH, or "" if there is none.
inline std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = dirs.find(':', start);
    std::string dir =
        dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return "";
}

}  // namespace polsearch::testing
