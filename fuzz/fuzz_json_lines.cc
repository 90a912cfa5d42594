// libFuzzer target: the JSON Lines / gzip / text readers (polsearch::read_inputs).
// The first byte picks how the rest is presented: 0 plain .jsonl, 1 gzip-compressed
// .jsonl.gz, 2 raw bytes as .jsonl.gz (corrupt gzip), 3 a Markdown file. The input
// goes through a real file because that is read_inputs' interface.
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "input.h"

namespace {

std::string gzip(const std::string& data) {
  uLongf size = compressBound(data.size()) + 64;
  std::string out(size, '\0');
  z_stream zs{};
  deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string scratch_dir() { return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int mode = data[0] % 4;
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  static const char* kSuffix[] = {".jsonl", ".jsonl.gz", ".jsonl.gz", ".md"};
  const std::string path =
      scratch_dir() + "/polsearch-fuzz-" + std::to_string(getpid()) + kSuffix[mode];
  if (mode == 1) body = gzip(body);
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(body.data(), 1, body.size(), f);
    std::fclose(f);
  } else {
    return 0;
  }

  polsearch::InputOptions options;
  for (const char* field : {"id", "title", "speaker", "country", "date", "source", "lang", "text"})
    options.json_keys[field] = field;
  options.defaults = {{"lang", "en"}};
  options.max_record_bytes = 1 << 20;
  polsearch::InputCallbacks callbacks;
  uint64_t errors = 0;
  callbacks.on_record = [](polsearch::InputRecord&& record) {
    // The reader's promises: required fields present and non-empty, valid UTF-8 text.
    const std::string* id = record.statement.get("id");
    const std::string* text = record.statement.get("text");
    if (!id || id->empty() || !text || text->empty()) __builtin_trap();
    if (!polsearch::is_valid_utf8(*text)) __builtin_trap();
  };
  callbacks.on_error = [&errors](const polsearch::InputError& error) {
    // One line, no trailing newline, never empty.
    if (error.message.empty() || error.message.find('\n') != std::string::npos) __builtin_trap();
    ++errors;
  };
  if (polsearch::read_inputs({path}, options, callbacks) != errors) __builtin_trap();
  std::remove(path.c_str());
  return 0;
}
