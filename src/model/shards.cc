#include "shards.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "terms.h"

namespace polsearch {

namespace fs = std::filesystem;

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t hash = 14695981039346656037ull;  // FNV offset basis
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;  // FNV prime
  }
  return hash;
}

unsigned shard_of(std::string_view id, unsigned shards) {
  return shards <= 1 ? 0 : static_cast<unsigned>(fnv1a64(id) % shards);
}

std::string shard_folder(unsigned k) { return "shard" + std::to_string(k); }

namespace {

std::string stub_file_of(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return (fs::path(path) / kStubFile).string();
  return path;
}

std::string trimmed(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string_view::npos) return "";
  size_t b = s.find_last_not_of(" \t\r");
  return std::string(s.substr(a, b - a + 1));
}

ShardSpec parse_remote(const std::string& target, const std::string& where) {
  ShardSpec spec;
  if (target.starts_with(':')) {
    spec.kind = ShardSpec::Kind::Program;
    size_t space = target.find(' ');
    spec.program = target.substr(1, space == std::string::npos ? std::string::npos : space - 1);
    spec.args = space == std::string::npos ? "" : trimmed(target.substr(space + 1));
    if (spec.program.empty()) throw ShardError(where + ": 'remote :' needs a program");
    return spec;
  }
  size_t colon = target.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == target.size())
    throw ShardError(where + ": expected 'remote HOST:PORT' or 'remote :PROGRAM ARGS'");
  spec.kind = ShardSpec::Kind::Tcp;
  spec.host = target.substr(0, colon);
  const std::string port = target.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 ||
      std::stoul(port) == 0 || std::stoul(port) > 65535)
    throw ShardError(where + ": bad port '" + port + "'");
  spec.port = static_cast<unsigned>(std::stoul(port));
  return spec;
}

}  // namespace

bool is_stub(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return fs::is_regular_file(fs::path(path) / kStubFile, ec);
  return fs::is_regular_file(path, ec);
}

bool is_sharded_folder(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) && fs::is_regular_file(fs::path(path) / kStubFile, ec);
}

StubFile read_stub(const std::string& path) {
  StubFile stub;
  stub.path = stub_file_of(path);
  std::ifstream in(stub.path);
  if (!in) throw ShardError(stub.path + ": cannot read the stub file");
  const fs::path folder = fs::path(stub.path).parent_path();
  auto resolve = [&](const std::string& p) {
    return fs::path(p).is_absolute() ? p : (folder / p).lexically_normal().string();
  };
  std::string raw;
  for (unsigned number = 1; std::getline(in, raw); ++number) {
    const std::string line = trimmed(raw);
    const std::string where = stub.path + ":" + std::to_string(number);
    if (line.starts_with("# polsearch-aux ")) stub.aux = resolve(trimmed(line.substr(16)));
    if (line.empty() || line.starts_with('#')) continue;
    size_t space = line.find_first_of(" \t");
    const std::string kind = line.substr(0, space);
    const std::string target = space == std::string::npos ? "" : trimmed(line.substr(space));
    const bool known = kind == "remote" || kind == "auto" || kind == "glass";
    if (!known)
      throw ShardError(where + ": not a database folder, nor a stub file: unknown line type '" +
                       kind + "' (a stub lists auto, glass and remote lines)");
    if (target.empty()) throw ShardError(where + ": '" + line + "' names no database");
    ShardSpec spec;
    if (kind == "remote")
      spec = parse_remote(target, where);
    else
      spec.path = resolve(target);
    spec.line = line;
    spec.line_number = number;
    stub.shards.push_back(std::move(spec));
  }
  if (stub.shards.empty()) throw ShardError(stub.path + ": the stub file lists no shards");
  std::error_code ec;
  if (stub.aux.empty() && fs::is_directory(folder / kAuxFolder, ec))
    stub.aux = (folder / kAuxFolder).string();
  return stub;
}

ShardSet::ShardSet(StubFile stub, const ShardOptions& options)
    : stub_(std::move(stub)), options_(options) {
  if (!stub_.aux.empty()) {
    try {
      aux_ = Xapian::Database(stub_.aux);
      has_aux_ = true;
    } catch (const Xapian::Error& e) {
      throw ShardError(stub_.aux + ": cannot open the auxiliary database: " + e.get_msg());
    }
  }
}

std::string ShardSet::name(size_t i) const {
  const ShardSpec& s = stub_.shards[i];
  return "shard " + std::to_string(i) + " (" + s.line + ", " + stub_.path + ":" +
         std::to_string(s.line_number) + ")";
}

bool ShardSet::has_remote() const {
  return std::any_of(stub_.shards.begin(), stub_.shards.end(),
                     [](const ShardSpec& s) { return s.remote(); });
}

Xapian::Database ShardSet::open_one(const ShardSpec& spec) const {
  switch (spec.kind) {
    case ShardSpec::Kind::Tcp:
      return Xapian::Remote::open(spec.host, spec.port, options_.timeout_ms,
                                  options_.connect_timeout_ms);
    case ShardSpec::Kind::Program:
      return Xapian::Remote::open(spec.program, spec.args, options_.timeout_ms);
    case ShardSpec::Kind::Local:
      break;
  }
  OpenedDatabase opened = open_for_search(spec.path);  // its checks and messages
  return opened.db;
}

Xapian::Database ShardSet::open() {
  opened_at_ = std::chrono::steady_clock::now();
  missing_ = excluded_;
  open_.assign(stub_.shards.size(), Xapian::Database());
  std::vector<std::pair<size_t, Xapian::Database>> opened;
  for (size_t i = 0; i < stub_.shards.size(); ++i) {
    if (std::find(excluded_.begin(), excluded_.end(), name(i)) != excluded_.end()) continue;
    try {
      try {
        opened.emplace_back(i, open_one(stub_.shards[i]));
      } catch (const Xapian::Error& e) {
        throw ShardError(name(i) + ": cannot open: " + e.get_description());
      } catch (const DatabaseError& e) {
        throw ShardError(name(i) + ": " + e.what());
      }
    } catch (const ShardError&) {
      if (!options_.partial) throw;
      missing_.push_back(name(i));
    }
  }
  if (opened.empty()) throw ShardError(stub_.path + ": no shard could be opened");
  check_set(opened);
  Xapian::Database all;
  for (auto& [i, db] : opened) {
    all.add_database(db);
    open_[i] = db;
  }
  return all;
}

void ShardSet::check_set(const std::vector<std::pair<size_t, Xapian::Database>>& opened) {
  const std::string total = std::to_string(stub_.shards.size());
  std::string set_id;
  for (auto& [i, db] : opened) {
    Schema schema;
    try {
      schema = schema_of(db, name(i));
    } catch (const DatabaseError& e) {
      throw ShardError(e.what());
    }
    const std::string shard = db.get_metadata(std::string(kMetaShard));
    const std::string set = db.get_metadata(std::string(kMetaShardSet));
    if (i == opened.front().first) {
      schema_ = schema;
      set_id = set;
    }
    if (schema.toml != schema_.toml)
      throw ShardError(name(i) + ": built with a different schema than " +
                       name(opened.front().first) + "; the shards do not form one database");
    if (set != set_id)
      throw ShardError(name(i) + ": belongs to another sharded database than " +
                       name(opened.front().first) + " (shard set '" + set + "', not '" + set_id +
                       "')");
    // Shards of an indexer-built set say which they are: the stub must list them in order.
    if (!shard.empty() && shard != std::to_string(i) + "/" + total)
      throw ShardError(name(i) + ": records shard " + shard + ", but is listed as " +
                       std::to_string(i) + "/" + total +
                       " (shards missing, repeated or reordered)");
  }
}

std::vector<std::string> ShardSet::probe_failures() {
  std::vector<std::string> failed;
  for (size_t i = 0; i < open_.size(); ++i) {
    if (std::find(missing_.begin(), missing_.end(), name(i)) != missing_.end()) continue;
    try {
      open_[i].keep_alive();
      open_[i].get_metadata(std::string(terms::kMetaFormat));  // a round trip for remote ones
    } catch (const Xapian::Error&) {
      failed.push_back(name(i));
    }
  }
  return failed;
}

bool ShardSet::retry_missing(std::chrono::seconds after) {
  if (missing_.empty() || std::chrono::steady_clock::now() - opened_at_ < after) return false;
  excluded_.clear();
  return true;
}

void ShardSet::exclude(const std::vector<std::string>& names) {
  for (auto& n : names)
    if (std::find(excluded_.begin(), excluded_.end(), n) == excluded_.end()) excluded_.push_back(n);
}

}  // namespace polsearch
