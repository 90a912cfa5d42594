#include "input.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <set>
#include <string_view>
#include <utility>

#include "date_forms.h"
#include "html_text.h"
#include "markdown_text.h"
#include "pdf_text.h"

namespace polsearch {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxDepth = 1000;               // JSON nesting accepted in a record
constexpr uint64_t kProgressEvery = 1ull << 20;  // bytes between on_progress calls
constexpr size_t kChunk = 1 << 16;               // read size
constexpr size_t kMaxTitleBytes = 300;           // a first line can be a whole paragraph

enum class Kind { kNone, kJsonLines, kGzipJsonLines, kText, kHtml, kPdf };

// NAME.meta.json beside a file holds fields for it; it is never an input itself.
constexpr std::string_view kSidecarSuffix = ".meta.json";

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = s[s.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

std::string_view extension_of(std::string_view name) {
  size_t slash = name.rfind('/');
  std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
  size_t dot = base.rfind('.');
  return dot == std::string_view::npos || dot == 0 ? std::string_view() : base.substr(dot);
}

// What a file is, by name. In folders other extensions are skipped (and counted); a
// file named on the command line without any extension is read as plain text (one
// with an unsupported extension is refused before reading, see unsupported_input).
Kind kind_of(std::string_view name, bool named_explicitly) {
  if (ends_with_ci(name, ".gz")) return Kind::kGzipJsonLines;
  if (!named_explicitly && ends_with_ci(name, kSidecarSuffix)) return Kind::kNone;
  if (ends_with_ci(name, ".html") || ends_with_ci(name, ".htm") || ends_with_ci(name, ".xhtml"))
    return Kind::kHtml;
  if (ends_with_ci(name, ".pdf")) return Kind::kPdf;
  if (ends_with_ci(name, ".jsonl") || ends_with_ci(name, ".json")) return Kind::kJsonLines;
  if (ends_with_ci(name, ".txt") || ends_with_ci(name, ".md") || ends_with_ci(name, ".markdown"))
    return Kind::kText;
  return named_explicitly && extension_of(name).empty() ? Kind::kText : Kind::kNone;
}

std::string join_path(const std::string& dir, const std::string& name) {
  return !dir.empty() && dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string base_name(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  size_t slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool all_space(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_space(c); });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string hex_byte(unsigned char c) {
  static const char digits[] = "0123456789ABCDEF";
  return std::string("0x") + digits[c >> 4] + digits[c & 15];
}

// Text from a file, made safe for a one-line message: control characters and bad
// UTF-8 escaped, cut to `max` bytes.
std::string printable(std::string_view s, size_t max = 160) {
  std::string out;
  size_t i = 0;
  while (i < s.size() && out.size() < max) {
    unsigned char c = s[i];
    if (c < 0x20 || c == 0x7F) {
      out += "\\x" + hex_byte(c).substr(2);
      ++i;
      continue;
    }
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    size_t bad;
    if (i + len <= s.size() && is_valid_utf8(s.substr(i, len), &bad)) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\\x" + hex_byte(c).substr(2);
      ++i;
    }
  }
  if (i < s.size()) out += "...";
  return out;
}

std::string errno_text(int err) { return std::strerror(err); }

// Closes the file descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Reads a file's bytes, inflating gzip (one or more members) when asked or, for stdin,
// when the data starts with the gzip magic. Reports every raw byte it consumes.
class ByteSource {
 public:
  enum class Mode { kPlain, kGzip, kSniff };

  template <typename OnRaw>
  ByteSource(int fd, Mode mode, OnRaw on_raw) : fd_(fd), mode_(mode), on_raw_(on_raw) {}
  ~ByteSource() {
    if (zlib_ready_) inflateEnd(&zs_);
  }
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  bool gzip() const { return mode_ == Mode::kGzip; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  // Up to `n` bytes into `out`; 0 at the end of the data or after an error.
  size_t read(char* out, size_t n) {
    if (failed()) return 0;
    if (mode_ == Mode::kSniff) {
      while (raw_.size() < 2 && fill()) {
      }
      mode_ = raw_.size() >= 2 && static_cast<unsigned char>(raw_[0]) == 0x1F &&
                      static_cast<unsigned char>(raw_[1]) == 0x8B
                  ? Mode::kGzip
                  : Mode::kPlain;
      if (failed()) return 0;
    }
    return mode_ == Mode::kGzip ? read_gzip(out, n) : read_plain(out, n);
  }

 private:
  // Appends raw bytes to raw_ (after what is unconsumed); false at end of file.
  bool fill() {
    if (eof_) return false;
    size_t keep = raw_.size() - raw_pos_;
    raw_.erase(0, raw_pos_);
    raw_pos_ = 0;
    raw_.resize(keep + kChunk);
    ssize_t got;
    do {
      got = ::read(fd_, raw_.data() + keep, kChunk);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
      error_ = "read error: " + errno_text(errno);
      got = 0;
    }
    raw_.resize(keep + static_cast<size_t>(got));
    if (got == 0) eof_ = true;
    if (got > 0) on_raw_(static_cast<uint64_t>(got));
    return got > 0;
  }

  size_t read_plain(char* out, size_t n) {
    if (raw_pos_ == raw_.size() && !fill()) return 0;
    size_t take = std::min(n, raw_.size() - raw_pos_);
    std::memcpy(out, raw_.data() + raw_pos_, take);
    raw_pos_ += take;
    return take;
  }

  size_t read_gzip(char* out, size_t n) {
    if (!zlib_ready_) {
      std::memset(&zs_, 0, sizeof zs_);
      if (inflateInit2(&zs_, 15 + 32) != Z_OK) {  // 32: gzip or zlib header
        error_ = "cannot initialise zlib";
        return 0;
      }
      zlib_ready_ = true;
    }
    for (;;) {
      if (raw_pos_ == raw_.size() && !fill()) {
        if (failed()) return 0;
        if (in_member_) error_ = "unexpected end of file";
        return 0;
      }
      if (!in_member_) {  // the next gzip member (files may be concatenations)
        if (members_ > 0) inflateReset(&zs_);
        in_member_ = true;
      }
      zs_.next_in = reinterpret_cast<Bytef*>(raw_.data() + raw_pos_);
      zs_.avail_in = static_cast<uInt>(raw_.size() - raw_pos_);
      zs_.next_out = reinterpret_cast<Bytef*>(out);
      zs_.avail_out = static_cast<uInt>(n);
      int ret = inflate(&zs_, Z_NO_FLUSH);
      raw_pos_ = raw_.size() - zs_.avail_in;
      size_t produced = n - zs_.avail_out;
      if (ret == Z_STREAM_END) {
        in_member_ = false;
        ++members_;
      } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
        error_ = zs_.msg ? zs_.msg : "zlib error " + std::to_string(ret);
        return produced;
      }
      if (produced > 0) return produced;
    }
  }

  int fd_;
  Mode mode_;
  std::function<void(uint64_t)> on_raw_;
  std::string raw_;
  size_t raw_pos_ = 0;
  bool eof_ = false;
  std::string error_;
  z_stream zs_;
  bool zlib_ready_ = false, in_member_ = false;
  uint64_t members_ = 0;
};

// Builds one Statement from a JSON Lines record without building a DOM: top-level
// scalars under mapped keys become fields, strings are moved, numbers keep their text.
class RecordSax : public nlohmann::json_sax<json> {
 public:
  explicit RecordSax(const InputOptions& options) : options_(options) {}

  Statement statement;
  std::set<std::string> empty_fields;  // mapped keys given as "" (reported as empty)
  std::string error;

  bool null() override { return scalar("null", nullptr); }
  bool boolean(bool val) override {
    std::string text = val ? "true" : "false";
    return scalar("a boolean", &text);
  }
  bool number_integer(number_integer_t val) override {
    std::string text = std::to_string(val);
    return scalar("a number", &text);
  }
  bool number_unsigned(number_unsigned_t val) override {
    std::string text = std::to_string(val);
    return scalar("a number", &text);
  }
  bool number_float(number_float_t, const string_t& s) override {
    std::string text = s;  // the number as written, not as a double prints
    return scalar("a number", &text);
  }
  bool string(string_t& val) override { return scalar("a string", &val); }
  bool binary(binary_t&) override { return scalar("binary data", nullptr); }
  bool start_object(std::size_t) override { return open("an object"); }
  bool start_array(std::size_t) override { return open("an array"); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& val) override {
    if (depth_ == 1) {
      auto it = options_.json_keys.find(val);
      field_ = it == options_.json_keys.end() ? nullptr : &it->second;
      key_ = val;
    }
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    error = describe_parse_error(position, ex.what());
    return false;
  }

 private:
  bool scalar(const char* type, std::string* value) {
    if (depth_ == 0) {
      error = std::string("expected a JSON object, got ") + type;
      return false;
    }
    if (depth_ == 1 && field_) {
      if (value && is_number_or_boolean(type)) warn_if_not_a_number_field(type, *value);
      if (value && !value->empty())
        statement.fields[*field_] = std::move(*value);
      else if (value && !statement.fields.count(*field_))
        empty_fields.insert(*field_);
      field_ = nullptr;
    }
    return true;
  }

  static bool is_number_or_boolean(std::string_view type) {
    return type == "a number" || type == "a boolean";
  }

  void warn_if_not_a_number_field(const char* type, const std::string& value) {
    const auto& expected = options_.number_fields;
    if (std::find(expected.begin(), expected.end(), *field_) != expected.end()) return;
    statement.warnings.push_back("field \"" + key_ + "\" is " + type + " (" + value +
                                 "), not a string; indexed as the text \"" + value + "\"");
  }

  bool open(const char* type) {
    if (depth_ == 0 && std::string_view(type) == "an array") {
      error = "expected a JSON object, got an array";
      return false;
    }
    if (depth_ == 1 && field_) {
      error = "field \"" + key_ + "\" must be a string, got " + type;
      return false;
    }
    if (++depth_ > kMaxDepth) {
      // nlohmann parses iteratively, but nothing sane nests this deep; stop early.
      error = "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels";
      return false;
    }
    return true;
  }

  bool close() {
    if (depth_ > 0) --depth_;
    field_ = nullptr;
    return true;
  }

  // "[json.exception.parse_error.101] parse error at line 1, column 17: syntax error
  // ..." -> "invalid JSON at column 17: syntax error ...".
  static std::string describe_parse_error(std::size_t position, std::string_view what) {
    if (what.size() > 0 && what[0] == '[') {
      size_t close = what.find("] ");
      if (close != std::string_view::npos) what.remove_prefix(close + 2);
    }
    std::string column = std::to_string(position);
    constexpr std::string_view kPrefix = "parse error at line ";
    if (what.substr(0, kPrefix.size()) == kPrefix) {
      size_t col = what.find("column ");
      size_t colon = what.find(": ");
      if (col != std::string_view::npos && colon != std::string_view::npos && col < colon) {
        column = std::string(what.substr(col + 7, colon - col - 7));
        what.remove_prefix(colon + 2);
      }
    }
    return "invalid JSON at column " + column + ": " + printable(what);
  }

  const InputOptions& options_;
  size_t depth_ = 0;
  const std::string* field_ = nullptr;  // schema field of the current top-level key
  std::string key_;
};

// The name to show for a field in messages: its JSON key when one maps to it.
std::string json_name(const InputOptions& options, const std::string& field) {
  for (const auto& [key, name] : options.json_keys)
    if (name == field) return key;
  return field;
}

// Splits a front matter block off a text. Returns the offset where the text proper
// starts (0 if there is no front matter). Not front matter unless every line inside is
// `key: value`, blank or a # comment, and a closing `---` follows.
size_t parse_front_matter(std::string_view text, std::map<std::string, std::string>& fields) {
  auto line_at = [&](size_t pos, size_t& next) {
    size_t nl = text.find('\n', pos);
    next = nl == std::string_view::npos ? text.size() : nl + 1;
    return text.substr(pos, (nl == std::string_view::npos ? text.size() : nl) - pos);
  };
  size_t pos = 0, next;
  if (trim(line_at(0, next)) != "---" || text.substr(0, 3) != "---") return 0;
  std::map<std::string, std::string> found;
  for (pos = next; pos < text.size(); pos = next) {
    std::string_view line = line_at(pos, next);
    std::string_view t = trim(line);
    if (t == "---" || t == "...") {
      for (auto& [k, v] : found) fields[k] = v;
      return next;
    }
    if (t.empty() || t[0] == '#') continue;
    size_t colon = t.find(':');
    if (colon == std::string_view::npos || colon == 0) return 0;
    std::string_view key = trim(t.substr(0, colon));
    for (char c : key)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
        return 0;
    std::string_view value = trim(t.substr(colon + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    if (!value.empty() && key != "text") found[std::string(key)] = std::string(value);
  }
  return 0;  // no closing line: the text starts with a horizontal rule, not front matter
}

// The first ATX heading (`# Title`, outside code fences), else the first non-empty line.
std::string find_title(std::string_view text) {
  std::string_view first_line;
  bool in_fence = false;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    std::string_view t = trim(line);
    if (t.empty()) continue;
    // A rule ("---", "***", "===") is no title.
    if (first_line.empty() && t.find_first_not_of("-*_= \t") != std::string_view::npos)
      first_line = t;
    if (t.substr(0, 3) == "```" || t.substr(0, 3) == "~~~") {
      in_fence = !in_fence;
      continue;
    }
    if (in_fence || t[0] != '#') continue;
    size_t hashes = t.find_first_not_of('#');
    if (hashes == std::string_view::npos) continue;  // "###": no words
    if (hashes > 6 || (t[hashes] != ' ' && t[hashes] != '\t')) continue;
    std::string_view heading = trim(t.substr(hashes));
    size_t closing = heading.find_last_not_of('#');  // optional closing "##"
    if (closing != std::string_view::npos && closing + 1 < heading.size() &&
        is_space(heading[closing]))
      heading = trim(heading.substr(0, closing + 1));
    if (!heading.empty()) return std::string(heading);
  }
  return std::string(first_line);
}

// Cuts an over-long title at a word boundary (never inside a UTF-8 sequence).
std::string clip_title(std::string title) {
  if (title.size() <= kMaxTitleBytes) return title;
  size_t cut = kMaxTitleBytes;
  while (cut > 0 && (static_cast<unsigned char>(title[cut]) & 0xC0) == 0x80) --cut;
  size_t space = title.rfind(' ', cut);
  if (space != std::string::npos && space > kMaxTitleBytes / 2) cut = space;
  title.resize(cut);
  while (!title.empty() && is_space(title.back())) title.pop_back();
  return title + "\u2026";
}

// Walks a folder in sorted order, skipping hidden entries and (by `wanted`) files of
// other kinds. Symbolic links are followed; a link back to an enclosing folder is
// reported instead of looping.
template <typename OnFile, typename OnSkipped, typename OnError>
void walk_folder(const std::string& dir, const std::string& rel,
                 std::vector<std::pair<dev_t, ino_t>>& open_dirs, OnFile on_file,
                 OnSkipped on_skipped, OnError on_error) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    on_error(dir, "cannot read folder: " + errno_text(errno));
    return;
  }
  std::pair<dev_t, ino_t> self{st.st_dev, st.st_ino};
  if (std::find(open_dirs.begin(), open_dirs.end(), self) != open_dirs.end()) {
    on_error(dir, "skipped: a symbolic link loops back to an enclosing folder");
    return;
  }
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    on_error(dir, "cannot read folder: " + errno_text(errno));
    return;
  }
  std::vector<std::string> names;
  errno = 0;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') names.emplace_back(e->d_name);  // also skips "." and ".."
    errno = 0;
  }
  int read_errno = errno;
  ::closedir(d);
  if (read_errno) on_error(dir, "cannot read folder: " + errno_text(read_errno));
  std::sort(names.begin(), names.end());
  open_dirs.push_back(self);
  for (const std::string& name : names) {
    std::string path = join_path(dir, name);
    std::string child_rel = rel.empty() ? name : rel + "/" + name;
    bool wanted = kind_of(name, false) != Kind::kNone;
    if (::stat(path.c_str(), &st) != 0) {
      if (wanted) on_error(path, "cannot read: " + errno_text(errno));
      continue;
    }
    if (S_ISDIR(st.st_mode))
      walk_folder(path, child_rel, open_dirs, on_file, on_skipped, on_error);
    else if (wanted && S_ISREG(st.st_mode))
      on_file(path, child_rel, static_cast<uint64_t>(st.st_size));
    else if (S_ISREG(st.st_mode) && !ends_with_ci(name, kSidecarSuffix))
      on_skipped(path);
  }
  open_dirs.pop_back();
}

class Reader {
 public:
  Reader(const InputOptions& options, const InputCallbacks& callbacks, uint64_t total)
      : options_(options), callbacks_(callbacks) {
    progress_.total_bytes = total;
  }

  uint64_t errors() const { return errors_; }

  void read_input(const std::string& input) {
    if (input == "-") {
      read_json_lines(STDIN_FILENO, "<stdin>", ByteSource::Mode::kSniff);
      return;
    }
    struct stat st;
    if (::stat(input.c_str(), &st) != 0) {
      error({input, 0}, "cannot read: " + errno_text(errno), true);
      return;
    }
    if (S_ISDIR(st.st_mode)) {
      std::vector<std::pair<dev_t, ino_t>> open_dirs;
      walk_folder(
          input, "", open_dirs,
          [&](const std::string& path, const std::string& rel, uint64_t) {
            read_file(path, rel, false);
          },
          [&](const std::string& path) {
            if (callbacks_.on_skipped_file) callbacks_.on_skipped_file(path);
          },
          [&](const std::string& path, const std::string& message) {
            error({path, 0}, message, true);
          });
      return;
    }
    read_file(input, base_name(input), true);
  }

  void final_progress() {
    if (callbacks_.on_progress) callbacks_.on_progress(progress_);
  }

 private:
  void error(SourceLocation where, std::string message, bool fatal = false) {
    ++errors_;
    if (callbacks_.on_error)
      callbacks_.on_error(InputError{std::move(where), std::move(message), fatal});
  }

  void consumed(uint64_t bytes) {
    progress_.bytes_read += bytes;
    if (progress_.bytes_read >= next_progress_) {
      next_progress_ = progress_.bytes_read + kProgressEvery;
      if (callbacks_.on_progress) callbacks_.on_progress(progress_);
    }
  }

  void read_file(const std::string& path, const std::string& id, bool named_explicitly) {
    Kind kind = kind_of(path, named_explicitly);
    if (kind == Kind::kNone) {
      error({path, 0}, unsupported_input(path), true);
      return;
    }
    Fd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (fd.fd < 0) {
      error({path, 0}, "cannot read: " + errno_text(errno), true);
      return;
    }
    struct stat st;
    if (::fstat(fd.fd, &st) != 0) {
      error({path, 0}, "cannot read: " + errno_text(errno), true);
      return;
    }
    if (S_ISDIR(st.st_mode)) return;  // replaced by a folder while we walked
    if (kind == Kind::kText)
      read_text_file(fd.fd, path, id, st);
    else if (kind == Kind::kHtml || kind == Kind::kPdf)
      read_document_file(fd.fd, path, id, st, kind);
    else
      read_json_lines(
          fd.fd, path,
          kind == Kind::kGzipJsonLines ? ByteSource::Mode::kGzip : ByteSource::Mode::kPlain);
  }

  // ---- JSON Lines ----

  void read_json_lines(int fd, const std::string& name, ByteSource::Mode mode) {
    ByteSource source(fd, mode, [this](uint64_t n) { consumed(n); });
    std::string buffer(kChunk, '\0');
    std::string line;
    uint64_t line_bytes = 0, line_no = 0;
    bool too_long = false;
    for (;;) {
      size_t n = source.read(buffer.data(), buffer.size());
      if (n == 0) break;
      size_t pos = 0;
      while (pos < n) {
        const char* nl = static_cast<const char*>(std::memchr(buffer.data() + pos, '\n', n - pos));
        size_t end = nl ? static_cast<size_t>(nl - buffer.data()) : n;
        line_bytes += end - pos;
        if (!too_long && line_bytes > options_.max_record_bytes) {
          too_long = true;  // stop collecting; only count the rest of the line
          std::string().swap(line);
        }
        if (!too_long) line.append(buffer, pos, end - pos);
        pos = end;
        if (nl) {
          handle_line(line, SourceLocation{name, ++line_no}, too_long, line_bytes);
          line.clear();
          line_bytes = 0;
          too_long = false;
          ++pos;
        }
      }
    }
    if (source.failed()) {
      // The partial line before the damage is dropped: it may be cut anywhere.
      if (source.gzip())
        error({name, 0},
              "truncated or corrupt gzip data after line " + std::to_string(line_no) + " (" +
                  source.error() + ")",
              true);
      else
        error({name, 0}, source.error() + " after line " + std::to_string(line_no), true);
    } else if (line_bytes > 0) {
      handle_line(line, SourceLocation{name, ++line_no}, too_long, line_bytes);
    }
  }

  void handle_line(std::string& line, const SourceLocation& where, bool too_long, uint64_t bytes) {
    if (too_long) {
      error(where, "line of " + std::to_string(bytes) + " bytes is longer than the limit of " +
                       std::to_string(options_.max_record_bytes) + " bytes; skipped");
      return;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (where.line == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
    if (all_space(line)) return;
    size_t bad = 0;
    if (!is_valid_utf8(line, &bad)) {
      error(where, "invalid UTF-8 at column " + std::to_string(bad + 1) + " (byte " +
                       hex_byte(static_cast<unsigned char>(line[bad])) + ")");
      return;
    }
    RecordSax sax(options_);
    json::sax_parse(line.data(), line.data() + line.size(), &sax);
    if (!sax.error.empty()) {
      error(where, sax.error);
      return;
    }
    deliver(std::move(sax.statement), where, sax.empty_fields);
  }

  // A title without a text is a statement whose only text is its title.
  bool use_title_as_missing_body(Statement& statement) const {
    const std::string* body = statement.get(options_.body_field);
    const std::string* title = statement.get(options_.title_field);
    if ((body && !all_space(*body)) || !title || all_space(*title)) return false;
    statement.fields[options_.body_field] = *title;
    return true;
  }

  // A date is stored in ISO form, or not at all: a date that cannot be indexed is
  // never shown either.
  void normalise_date_field(Statement& statement) const {
    auto it = statement.fields.find(options_.date_field);
    if (it == statement.fields.end()) return;
    if (auto iso = iso_date(it->second)) {
      it->second = *iso;
      return;
    }
    statement.warnings.push_back("date '" + it->second +
                                 "' is not a date (2023-06-14, 14 June 2023, June 14, 2023 or "
                                 "14.06.2023); indexed without a date");
    statement.fields.erase(it);
  }

  void fold_upper_case_fields(Statement& statement) const {
    for (const std::string& field : options_.upper_case_fields) {
      auto it = statement.fields.find(field);
      if (it == statement.fields.end()) continue;
      for (char& c : it->second) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }

  // Applies defaults, checks required fields and hands the record over.
  void deliver(Statement&& statement, const SourceLocation& where,
               std::set<std::string> empty_fields) {
    for (const auto& [field, value] : options_.defaults)
      if (!value.empty()) statement.fields.emplace(field, value);
    if (use_title_as_missing_body(statement)) empty_fields.erase(options_.body_field);
    normalise_date_field(statement);
    fold_upper_case_fields(statement);
    for (const std::string& field : options_.required_fields) {
      const std::string* value = statement.get(field);
      if (!value) {
        error(where, "record has " +
                         std::string(empty_fields.count(field) ? "an empty \"" : "no \"") +
                         json_name(options_, field) + "\"");
        return;
      }
      if (all_space(*value)) {
        error(where, "record has an empty \"" + json_name(options_, field) + "\"");
        return;
      }
    }
    if (callbacks_.on_record) callbacks_.on_record(InputRecord{std::move(statement), where});
  }

  // ---- Text and Markdown ----

  // The whole file, or false (reported) if it is larger than `limit` or unreadable.
  bool read_whole_file(int fd, const SourceLocation& where, const struct stat& st, uint64_t limit,
                       std::string& data) {
    if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > limit) {
      consumed(static_cast<uint64_t>(st.st_size));
      error(where, "file of " + std::to_string(st.st_size) + " bytes is larger than the limit of " +
                       std::to_string(limit) + " bytes; skipped");
      return false;
    }
    if (S_ISREG(st.st_mode)) data.reserve(static_cast<size_t>(st.st_size));
    char buf[kChunk];
    for (;;) {
      ssize_t got = ::read(fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        error(where, "read error: " + errno_text(errno), true);
        return false;
      }
      if (got == 0) break;
      consumed(static_cast<uint64_t>(got));
      if (data.size() + static_cast<size_t>(got) > limit) {  // a pipe or a growing file
        error(where,
              "file is larger than the limit of " + std::to_string(limit) + " bytes; skipped");
        return false;
      }
      data.append(buf, static_cast<size_t>(got));
    }
    return true;
  }

  void read_text_file(int fd, const std::string& path, const std::string& id,
                      const struct stat& st) {
    const SourceLocation where{path, 0};
    std::string data;
    if (!read_whole_file(fd, where, st, options_.max_record_bytes, data)) return;
    if (data.empty()) {
      error(where, "empty file");
      return;
    }
    if (const void* nul = std::memchr(data.data(), '\0', data.size())) {
      size_t at = static_cast<size_t>(static_cast<const char*>(nul) - data.data());
      error(where, "binary file (NUL byte at byte offset " + std::to_string(at) + "); skipped");
      return;
    }
    size_t bad = 0;
    if (!is_valid_utf8(data, &bad)) {
      error(where, "invalid UTF-8 at byte offset " + std::to_string(bad) + " (byte " +
                       hex_byte(static_cast<unsigned char>(data[bad])) + "); skipped");
      return;
    }
    if (data.compare(0, 3, "\xEF\xBB\xBF") == 0) data.erase(0, 3);
    normalise_line_ends(data);

    Statement statement;
    size_t body = parse_front_matter(data, statement.fields);
    if (body > 0) data.erase(0, body);
    if (all_space(data)) {
      error(where, body > 0 ? "file has no text after its front matter" : "file has no text");
      return;
    }
    bool markdown = ends_with_ci(path, ".md") || ends_with_ci(path, ".markdown");
    if (!statement.get("title")) {
      std::string title = clip_title(find_title(data));
      if (markdown) title = markdown_to_text(title);
      if (!title.empty()) statement.fields["title"] = std::move(title);
    }
    if (!statement.get("id")) statement.fields["id"] = id;
    // Passages show (and offsets count) the text as read, without Markdown syntax.
    statement.fields["text"] = markdown ? markdown_to_text(data) : std::move(data);
    apply_sidecar(path, statement);
    deliver(std::move(statement), where, {});
  }

  // ---- HTML and PDF ----

  void read_document_file(int fd, const std::string& path, const std::string& id,
                          const struct stat& st, Kind kind) {
    const SourceLocation where{path, 0};
    uint64_t limit = options_.max_record_bytes;
    if (kind == Kind::kHtml) limit = std::min(limit, kMaxHtmlBytes);
    std::string data;
    if (!read_whole_file(fd, where, st, limit, data)) return;
    if (data.empty()) {
      error(where, "empty file");
      return;
    }
    ExtractedText extracted = kind == Kind::kHtml ? html_to_text(data) : pdf_to_text(data);
    std::string().swap(data);
    if (!extracted.error.empty()) {
      if (extracted.skip_is_warning)
        skip_with_warning(where, extracted.error);
      else
        error(where, extracted.error);
      return;
    }
    Statement statement;
    for (auto& [name, value] : extracted.fields) {
      const std::string& field = name == "title"  ? options_.title_field
                                 : name == "date" ? options_.date_field
                                                  : name;
      if (!field.empty()) statement.fields[field] = std::move(value);
    }
    statement.fields["id"] = id;
    statement.fields[options_.body_field] = std::move(extracted.text);
    statement.page_starts = std::move(extracted.page_starts);
    statement.warnings = std::move(extracted.warnings);
    apply_sidecar(path, statement);
    deliver(std::move(statement), where, {});
  }

  // A file that holds nothing to index through no fault of its own (an image-only
  // PDF): a warning, and the file counts as skipped.
  void skip_with_warning(const SourceLocation& where, const std::string& message) {
    if (callbacks_.on_error) callbacks_.on_error(InputError{where, message, false, true});
  }

  // ---- NAME.meta.json ----

  // Fields from the sidecar of `path` (report.meta.json or report.pdf.meta.json beside
  // report.pdf), which set or override what the file says. Problems become warnings:
  // the statement is indexed without the sidecar's fields.
  void apply_sidecar(const std::string& path, Statement& statement) const {
    std::string sidecar = sidecar_of(path);
    if (sidecar.empty()) return;
    auto warn = [&](const std::string& message) {
      statement.warnings.push_back(sidecar + ": " + message);
    };
    std::string text;
    if (!read_small_file(sidecar, text)) {
      warn("cannot read it, or it is larger than 1 MB; ignored");
      return;
    }
    json meta = json::parse(text, nullptr, false);
    if (meta.is_discarded() || !meta.is_object()) {
      warn("not a JSON object; ignored");
      return;
    }
    for (auto& [key, value] : meta.items()) {
      std::string field = sidecar_field(key);
      if (field.empty()) {
        warn("unknown key \"" + printable(key, 40) + "\"; ignored");
      } else if (value.is_string()) {
        if (!value.get<std::string>().empty()) statement.fields[field] = value.get<std::string>();
      } else if (value.is_number() || value.is_boolean()) {
        statement.fields[field] = value.dump();
      } else if (!value.is_null()) {
        warn("\"" + key + "\" must be a string; ignored");
      }
    }
  }

  // The schema field a sidecar key sets: a JSON key of the schema or a field's own
  // name; "" for unknown keys and for the id and text, which the file gives.
  std::string sidecar_field(const std::string& key) const {
    std::string field;
    if (auto it = options_.json_keys.find(key); it != options_.json_keys.end()) field = it->second;
    for (const auto& [json_key, name] : options_.json_keys)
      if (name == key) field = name;
    return field == options_.body_field || field == "id" ? std::string() : field;
  }

  static std::string sidecar_of(const std::string& path) {
    std::string with_extension = path + std::string(kSidecarSuffix);
    std::string_view ext = extension_of(path);
    std::string without = path.substr(0, path.size() - ext.size()) + std::string(kSidecarSuffix);
    struct stat st;
    for (const std::string& candidate : {without, with_extension})
      if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return candidate;
    return {};
  }

  static bool read_small_file(const std::string& path, std::string& out) {
    Fd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (fd.fd < 0) return false;
    char buf[kChunk];
    for (;;) {
      ssize_t got = ::read(fd.fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return got == 0;
      out.append(buf, static_cast<size_t>(got));
      if (out.size() > (1u << 20)) return false;
    }
  }

  static void normalise_line_ends(std::string& s) {
    if (s.find('\r') == std::string::npos) return;
    size_t out = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\r') {
        s[out++] = '\n';
        if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
      } else {
        s[out++] = s[i];
      }
    }
    s.resize(out);
  }

  const InputOptions& options_;
  const InputCallbacks& callbacks_;
  InputProgress progress_;
  uint64_t next_progress_ = kProgressEvery;
  uint64_t errors_ = 0;
};

}  // namespace

uint64_t read_inputs(const std::vector<std::string>& inputs, const InputOptions& options,
                     const InputCallbacks& callbacks) {
  Reader reader(options, callbacks, callbacks.on_progress ? total_input_bytes(inputs) : 0);
  for (const std::string& input : inputs) reader.read_input(input);
  reader.final_progress();
  return reader.errors();
}

std::string unsupported_input(const std::string& path) {
  struct stat st;
  if (path == "-" || ::stat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) return {};
  if (kind_of(path, true) != Kind::kNone) return {};
  return "unsupported file type '" + std::string(extension_of(path)) + "': the indexer reads " +
         std::string(kSupportedTypes) +
         " (office documents: convert them to PDF, text or Markdown first)";
}

uint64_t total_input_bytes(const std::vector<std::string>& inputs) {
  uint64_t total = 0;
  for (const std::string& input : inputs) {
    if (input == "-") return 0;
    struct stat st;
    if (::stat(input.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      std::vector<std::pair<dev_t, ino_t>> open_dirs;
      walk_folder(
          input, "", open_dirs,
          [&](const std::string&, const std::string&, uint64_t size) { total += size; },
          [](const std::string&) {}, [](const std::string&, const std::string&) {});
    } else {
      total += static_cast<uint64_t>(st.st_size);
    }
  }
  return total;
}

bool is_valid_utf8(std::string_view text, size_t* bad_offset) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Most text is ASCII: test 16 bytes at a time.
    while (i + 16 <= n) {
      uint64_t a, b;
      std::memcpy(&a, p + i, 8);
      std::memcpy(&b, p + i + 8, 8);
      if ((a | b) & 0x8080808080808080ull) break;
      i += 16;
    }
    if (i >= n) break;
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Unicode table 3-7: well-formed sequences. Rejects overlongs (C0, C1, E0 80..9F,
    // F0 80..8F), surrogates (ED A0..BF) and code points above U+10FFFF (F4 90.., F5..).
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      len = 0;
    }
    bool ok = len > 0 && i + len <= n && p[i + 1] >= lo && p[i + 1] <= hi;
    for (size_t k = 2; ok && k < len; ++k) ok = (p[i + k] & 0xC0) == 0x80;
    if (!ok) {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace polsearch
