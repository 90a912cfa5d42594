// Reads statements from JSON Lines (plain or gzipped), plain text, Markdown, HTML and
// PDF files, folders (recursively) and standard input. Bad records are reported with
// file and line and skipped; good records around them are never lost.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "input_options.h"
#include "statement.h"

namespace polsearch {

struct InputRecord {
  Statement statement;
  SourceLocation where;
};

struct InputError {
  SourceLocation where;
  std::string message;  // one line, no trailing newline, e.g. "invalid JSON at column 17: ..."
  bool fatal_for_file =
      false;  // the rest of this file could not be read (truncated gzip, I/O error)
  // A file skipped through no fault of its input (an image-only or encrypted PDF): a
  // warning, not an error; the file counts as skipped.
  bool warning = false;
};

struct InputProgress {
  uint64_t bytes_read = 0;   // bytes consumed from the input files (compressed size for .gz),
                             // so it can be compared with total_bytes
  uint64_t total_bytes = 0;  // sum of the input files' sizes; 0 if unknown (stdin)
};

struct InputCallbacks {
  std::function<void(InputRecord&&)> on_record;
  std::function<void(const InputError&)> on_error;
  std::function<void(const InputProgress&)> on_progress;  // may be empty; called now and then
  // A file in a folder skipped for its type (.html, .pdf, ...); may be empty.
  std::function<void(const std::string& path)> on_skipped_file;
};

// The file types read_inputs reads, for messages.
inline constexpr std::string_view kSupportedTypes =
    ".jsonl, .json, .jsonl.gz (.gz), .txt, .md, .markdown, .html, .htm and .pdf files";

// Why an input named on the command line cannot be read: a file with an extension of
// another type ("unsupported file type '.docx': ..."); empty if it can be (or is not
// a file: a folder, "-", or a path that read_inputs then reports as unreadable).
std::string unsupported_input(const std::string& path);

// Reads every input in order. Each input is a path to a file or a folder, or "-" for
// JSON Lines on standard input. Files are recognised by name: *.jsonl, *.json (JSON
// Lines), *.jsonl.gz / *.json.gz / *.gz (gzipped JSON Lines), *.txt, *.md /
// *.markdown, *.html / *.htm / *.xhtml (html_text.h), *.pdf (pdf_text.h) (one statement
// per file). Folders are walked recursively in sorted
// order, taking only those extensions (other files are reported to on_skipped_file;
// hidden files and folders are skipped silently). A file given explicitly without
// an extension is read as plain text; one with another extension is reported as an
// error (callers refuse it first: unsupported_input). A text/Markdown statement's id
// is its path relative to the folder given on the command line (or its file name when
// the file itself was given), its title is its first heading or first non-empty line,
// and its text is the whole file minus an optional front matter block (see below),
// for Markdown without its syntax (markdown_to_text).
//
// Front matter: a .md or .txt file may start with a block
//   ---
//   speaker: Volodymyr Zelenskyy
//   country: UKR
//   ---
// whose `key: value` lines set fields (keys are schema field names).
//
// Sidecar: NAME.meta.json (or NAME.EXT.meta.json) beside a text, Markdown, HTML or PDF
// file is a JSON object whose keys (JSON keys or field names of the schema) set or
// override that file's fields; problems in it are warnings. In folders *.meta.json files
// are sidecars, never inputs.
//
// Text files must be valid UTF-8 without NUL bytes; otherwise the file is reported
// (as binary / invalid UTF-8 with the byte offset) and skipped. A leading BOM is
// dropped. CRLF and CR line ends become LF.
//
// Returns the number of errors reported.
uint64_t read_inputs(const std::vector<std::string>& inputs, const InputOptions& options,
                     const InputCallbacks& callbacks);

// Sum of the sizes of the files read_inputs would read (0 if any input is "-").
uint64_t total_input_bytes(const std::vector<std::string>& inputs);

// UTF-8 validation; on failure sets *bad_offset to the first bad byte's offset.
bool is_valid_utf8(std::string_view text, size_t* bad_offset = nullptr);

}  // namespace polsearch
