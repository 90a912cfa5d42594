// libFuzzer target: the batch query file reader (polsearch::read_query_file, behind
// `searcher --queries`): BEIR queries.jsonl or TSV. Every query handed on has an id and
// text in valid UTF-8, every bad line is reported once with its line number, and the
// count returned is the number reported. The input goes through a real file because
// that is the reader's interface.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "input.h"
#include "query_file.h"

namespace {

std::string scratch_file() {
  return std::string(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") +
         "/polsearch-fuzz-queries-" + std::to_string(getpid());
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = scratch_file();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  size_t reported = 0;
  uint64_t last_line = 0;
  size_t errors = polsearch::read_query_file(
      path,
      [&](polsearch::BatchQuery&& q) {
        if (q.qid.empty() || blank(q.text)) __builtin_trap();
        if (!polsearch::is_valid_utf8(q.qid) || !polsearch::is_valid_utf8(q.text)) __builtin_trap();
        if (q.where.line <= last_line) __builtin_trap();  // in order, one per line
        last_line = q.where.line;
      },
      [&](const polsearch::SourceLocation& where, const std::string& message) {
        if (where.line == 0 || message.empty()) __builtin_trap();
        ++reported;
      });
  if (errors != reported) __builtin_trap();
  std::remove(path.c_str());
  return 0;
}
