#include "peers.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unicode/brkiter.h>
#include <unicode/ucasemap.h>
#include <unicode/utext.h>
#include <unicode/uversion.h>
#include <unistd.h>
#include <xapian.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bench {
namespace {

namespace fs = std::filesystem;

// Runs `f`, turning Xapian::Error (not a std::exception) into std::runtime_error.
template <typename F>
auto xapian_call(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Xapian::Error& e) {
    throw std::runtime_error(e.get_description());
  }
}

// ---------------------------------------------------------------------------------
// ICU floor

class IcuFloor final : public Engine {
 public:
  std::string name() const override { return "icu"; }
  std::string description() const override {
    return std::string("ICU ") + U_ICU_VERSION +
           " word BreakIterator (root locale, utext_openUTF8) + ucasemap_utf8FoldCase of each "
           "word; no index (tokenising floor)";
  }
  bool searchable() const override { return false; }
  bool has_index() const override { return false; }

  void index(const Corpus& corpus, IndexContext& ctx) override {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> words(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU: ") + u_errorName(status));
    UCaseMap* fold = ucasemap_open("", U_FOLD_CASE_DEFAULT, &status);
    if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU: ") + u_errorName(status));
    UText text = UTEXT_INITIALIZER;
    std::string folded(256, '\0');
    uint64_t tokens = 0, folded_bytes = 0;
    for (size_t i = 0; i < corpus.size(); ++i) {
      std::string_view p = corpus.passage(i);
      status = U_ZERO_ERROR;
      utext_openUTF8(&text, p.data(), static_cast<int64_t>(p.size()), &status);
      words->setText(&text, status);
      if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU: ") + u_errorName(status));
      int32_t start = words->first();
      for (int32_t end = words->next(); end != icu::BreakIterator::DONE;
           start = end, end = words->next()) {
        if (words->getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;  // spaces, punctuation
        for (;;) {
          status = U_ZERO_ERROR;
          int32_t n =
              ucasemap_utf8FoldCase(fold, folded.data(), static_cast<int32_t>(folded.size()),
                                    p.data() + start, end - start, &status);
          if (status == U_BUFFER_OVERFLOW_ERROR) {
            folded.resize(static_cast<size_t>(n) + 1);
            continue;
          }
          folded_bytes += static_cast<uint64_t>(n);
          break;
        }
        ++tokens;
      }
    }
    utext_close(&text);
    ucasemap_close(fold);
    ctx.counters["tokens"] = static_cast<double>(tokens);
    ctx.counters["folded bytes"] = static_cast<double>(folded_bytes);
  }
};

// ---------------------------------------------------------------------------------
// SQLite FTS5

class Fts5 final : public Engine {
 public:
  ~Fts5() override { close(); }
  std::string name() const override { return "fts5"; }
  std::string description() const override {
    return std::string("SQLite ") + sqlite3_libversion() +
           " FTS5, tokenize='porter unicode61', inserts in one transaction, bm25(), "
           "snippet(..., 24 tokens); default pragmas";
  }

  void index(const Corpus& corpus, IndexContext& ctx) override {
    open_db(ctx.index_dir, false);
    exec("CREATE VIRTUAL TABLE p USING fts5(text, tokenize='porter unicode61')");
    exec("BEGIN");
    sqlite3_stmt* insert = prepare("INSERT INTO p(rowid, text) VALUES(?1, ?2)");
    for (size_t i = 0; i < corpus.size(); ++i) {
      std::string_view p = corpus.passage(i);
      sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(i + 1));
      sqlite3_bind_text(insert, 2, p.data(), static_cast<int>(p.size()), SQLITE_STATIC);
      if (sqlite3_step(insert) != SQLITE_DONE) {
        std::string msg = sqlite3_errmsg(db_);
        sqlite3_finalize(insert);
        throw std::runtime_error("FTS5 insert: " + msg);
      }
      sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    exec("COMMIT");
    close();
  }

  std::vector<std::string> extra_steps() const override { return {"optimize"}; }
  std::string run_extra_step(const std::string& step, IndexContext& ctx) override {
    if (step == "optimize") {
      open_db(ctx.index_dir, false);
      exec("INSERT INTO p(p) VALUES('optimize')");
      close();
    }
    return ctx.index_dir;
  }

  void open(const std::string& index_dir) override {
    open_db(index_dir, true);
    query_ = prepare(
        "SELECT rowid, bm25(p), snippet(p, 0, '[', ']', '…', 24) FROM p WHERE p MATCH ?1 "
        "ORDER BY bm25(p) LIMIT ?2");
  }

  void query(const Query& q, size_t k, std::vector<Hit>& hits) override {
    sqlite3_reset(query_);
    sqlite3_bind_text(query_, 1, q.fts5.data(), static_cast<int>(q.fts5.size()), SQLITE_STATIC);
    sqlite3_bind_int64(query_, 2, static_cast<sqlite3_int64>(k));
    int rc;
    while ((rc = sqlite3_step(query_)) == SQLITE_ROW) {
      Hit h;
      h.passage = static_cast<uint64_t>(sqlite3_column_int64(query_, 0) - 1);
      h.score = sqlite3_column_double(query_, 1);
      const unsigned char* s = sqlite3_column_text(query_, 2);
      if (s) h.snippet.assign(reinterpret_cast<const char*>(s), sqlite3_column_bytes(query_, 2));
      hits.push_back(std::move(h));
    }
    if (rc != SQLITE_DONE) {
      std::string msg = sqlite3_errmsg(db_);
      sqlite3_reset(query_);
      throw std::runtime_error("FTS5: " + msg);
    }
  }

 private:
  void open_db(const std::string& dir, bool read_only) {
    close();
    std::string path = (fs::path(dir) / "fts5.db").string();
    int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      close();
      throw std::runtime_error("SQLite open " + path + ": " + msg);
    }
  }
  void close() {
    if (query_) sqlite3_finalize(query_);
    query_ = nullptr;
    if (db_) sqlite3_close(db_);
    db_ = nullptr;
  }
  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      throw std::runtime_error(std::string("SQLite: ") + sql + ": " + msg);
    }
  }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("SQLite prepare: ") + sqlite3_errmsg(db_));
    }
    return stmt;
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* query_ = nullptr;
};

// ---------------------------------------------------------------------------------
// Stock Xapian

class XapianEngine final : public Engine {
 public:
  std::string name() const override { return "xapian"; }
  std::string description() const override {
    return std::string("Xapian ") + Xapian::version_string() +
           " TermGenerator (english, STEM_SOME, positions), passage as document data; "
           "QueryParser (OR, STEM_SOME, english), MSet::snippet 200 bytes";
  }

  void index(const Corpus& corpus, IndexContext& ctx) override {
    xapian_call([&] {
      Xapian::WritableDatabase db(ctx.index_dir, Xapian::DB_CREATE_OR_OVERWRITE);
      Xapian::TermGenerator tg;
      tg.set_stemmer(Xapian::Stem("english"));
      tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
      for (size_t i = 0; i < corpus.size(); ++i) {
        std::string_view p = corpus.passage(i);
        Xapian::Document doc;
        doc.set_data(std::string(p));
        tg.set_document(doc);
        tg.index_text(Xapian::Utf8Iterator(p.data(), p.size()));
        db.add_document(doc);  // docid i + 1
      }
      db.commit();
      db.close();
    });
  }

  std::vector<std::string> extra_steps() const override { return {"compact"}; }
  std::string run_extra_step(const std::string& step, IndexContext& ctx) override {
    if (step != "compact") return ctx.index_dir;
    std::string out = (fs::path(ctx.scratch_dir) / "compact").string();
    xapian_call([&] { Xapian::Database(ctx.index_dir).compact(out); });
    return out;
  }

  void open(const std::string& index_dir) override {
    xapian_call([&] {
      db_ = Xapian::Database(index_dir);
      enquire_ = std::make_unique<Xapian::Enquire>(db_);
      qp_.set_database(db_);
      qp_.set_stemmer(stem_);
      qp_.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
      qp_.set_default_op(Xapian::Query::OP_OR);
    });
  }

  void query(const Query& q, size_t k, std::vector<Hit>& hits) override {
    xapian_call([&] {
      const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_PHRASE |
                             Xapian::QueryParser::FLAG_BOOLEAN | Xapian::QueryParser::FLAG_LOVEHATE;
      enquire_->set_query(qp_.parse_query(q.xapian, flags));
      Xapian::MSet mset = enquire_->get_mset(0, static_cast<Xapian::doccount>(k));
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        Hit h;
        h.passage = *it - 1;
        h.score = it.get_weight();
        h.snippet =
            mset.snippet(it.get_document().get_data(), 200, stem_,
                         Xapian::MSet::SNIPPET_BACKGROUND_MODEL | Xapian::MSet::SNIPPET_EXHAUSTIVE,
                         "[", "]", "…");
        hits.push_back(std::move(h));
      }
    });
  }

 private:
  Xapian::Stem stem_{"english"};
  Xapian::Database db_;
  std::unique_ptr<Xapian::Enquire> enquire_;
  Xapian::QueryParser qp_;
};

// ---------------------------------------------------------------------------------
// omega scriptindex

std::string find_program(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    return access(program.c_str(), X_OK) == 0 ? program : "";
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) dir = ".";
    std::string full = dir + "/" + program;
    if (access(full.c_str(), X_OK) == 0) return full;
  }
  return "";
}

class ScriptIndex final : public Engine {
 public:
  explicit ScriptIndex(std::string program) : program_(find_program(program)) {
    if (program_.empty()) program_ = program;
  }
  std::string name() const override { return "scriptindex"; }
  std::string description() const override {
    return "Xapian omega scriptindex (" + version() +
           ") subprocess, script `text : field index` (positions, english stemmer), one "
           "record per passage; index phase only";
  }
  bool searchable() const override { return false; }
  bool runs_subprocess() const override { return true; }

  void prepare(const Corpus& corpus, IndexContext& ctx) override {
    input_ = (fs::path(ctx.scratch_dir) / "passages.dump").string();
    script_ = (fs::path(ctx.scratch_dir) / "index.script").string();
    log_ = (fs::path(ctx.scratch_dir) / "scriptindex.log").string();
    std::ofstream script(script_);
    script << "text : field index\n";
    std::ofstream out(input_, std::ios::binary);
    std::string record;
    for (size_t i = 0; i < corpus.size(); ++i) {
      std::string_view p = corpus.passage(i);
      record.assign("text=");
      // A newline inside a value is escaped by an '=' at the start of the next line.
      for (char c : p) {
        record.push_back(c);
        if (c == '\n') record.push_back('=');
      }
      record.append("\n\n");
      out.write(record.data(), static_cast<std::streamsize>(record.size()));
    }
    if (!out || !script) throw std::runtime_error("cannot write scriptindex input");
  }

  void index(const Corpus&, IndexContext& ctx) override {
    std::vector<std::string> args = {program_,      "--overwrite", "--stemmer=english",
                                     ctx.index_dir, script_,       input_};
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
      int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        ::close(fd);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(program_.c_str(), argv.data());
      std::fprintf(stderr, "exec %s: %s\n", program_.c_str(), std::strerror(errno));
      _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::ifstream log(log_);
      std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
      if (text.size() > 500) text = "..." + text.substr(text.size() - 500);
      throw std::runtime_error("scriptindex failed (status " + std::to_string(status) +
                               "): " + text);
    }
  }

 private:
  std::string version() const {
    std::string v;
    std::string cmd = program_ + " --version 2>/dev/null";
    if (FILE* p = popen(cmd.c_str(), "r")) {
      char buf[256];
      if (std::fgets(buf, sizeof buf, p)) v = buf;
      pclose(p);
    }
    while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
    return v.empty() ? program_ : v;
  }

  std::string program_;
  std::string input_, script_, log_;
};

}  // namespace

std::unique_ptr<Engine> make_icu_floor() { return std::make_unique<IcuFloor>(); }
std::unique_ptr<Engine> make_fts5() { return std::make_unique<Fts5>(); }
std::unique_ptr<Engine> make_xapian() { return std::make_unique<XapianEngine>(); }
std::unique_ptr<Engine> make_scriptindex(const std::string& program) {
  return std::make_unique<ScriptIndex>(program);
}
bool program_available(const std::string& program) { return !find_program(program).empty(); }

}  // namespace bench
