// Extraction throughput of the HTML and PDF readers (MB/s, pages/s), beside poppler-utils'
// `pdftotext` on the same PDFs. Prints figures, asserts nothing (docs/PERFORMANCE.md).
//
//   build/release/bench/extract FILE.pdf|FILE.html ...
//
// Each file is extracted repeatedly for at least half a second; pdftotext (one process
// per run, as a user would call it) as many times, writing to /dev/null.
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "html_text.h"
#include "pdf_text.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool run_pdftotext(const std::string& file) {
  std::vector<std::string> args{"pdftotext", "-q", file, "/dev/null"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  if (posix_spawnp(&pid, "pdftotext", nullptr, nullptr, argv.data(), environ) != 0) return false;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Runs `once` until half a second has passed; returns seconds per run.
template <typename Once>
double seconds_per_run(Once once, int& runs) {
  auto start = Clock::now();
  runs = 0;
  double elapsed = 0;
  do {
    if (!once()) return -1;
    ++runs;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < 0.5);
  return elapsed / runs;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: extract FILE.pdf|FILE.html ...\n";
    return 2;
  }
  std::printf("%-28s %9s %6s %11s %9s %9s %11s %9s\n", "file", "MB", "pages", "reader s", "MB/s",
              "pages/s", "pdftotext s", "pages/s");
  for (int i = 1; i < argc; ++i) {
    std::string file = argv[i];
    std::ifstream in(file, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    std::string bytes = buf.str();
    bool pdf = ends_with(file, ".pdf");
    size_t pages = 0;
    int runs = 0;
    double ours = seconds_per_run(
        [&] {
          polsearch::ExtractedText e =
              pdf ? polsearch::pdf_to_text(bytes) : polsearch::html_to_text(bytes);
          pages = e.page_starts.size();
          return e.error.empty() || e.skip_is_warning;
        },
        runs);
    double mb = bytes.size() / 1e6;
    std::string name = file.substr(file.rfind('/') + 1);
    std::printf("%-28s %9.2f %6zu %11.4f %9.1f %9.0f", name.c_str(), mb, pages, ours, mb / ours,
                pdf ? pages / ours : 0.0);
    if (pdf) {
      double theirs = seconds_per_run([&] { return run_pdftotext(file); }, runs);
      std::printf(" %11.4f %9.0f", theirs, pages / theirs);
    }
    std::printf("\n");
  }
  return 0;
}
