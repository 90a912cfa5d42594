// `indexer --check`: a clean database passes; each kind of damage, made on
// purpose through the Xapian API, is named and gives exit status 5.
#include "check.h"

#include "database.h"
#include "robustness_support.h"

namespace polsearch::testing {
namespace {

namespace fs = std::filesystem;

const std::string kSamples = std::string(POLSEARCH_SOURCE_DIR) + "/samples/statements";
const std::string kZelenskyy = "seed-zelenskyy-security-guarantees";

class Check : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.str() + "/db";
    auto r = run_command({indexer_path(), "--db", db_, kSamples});
    ASSERT_EQ(r.exit_status, 0) << r.err;
  }

  CommandResult check() { return run_command({indexer_path(), "--check", "--db", db_}); }

  // Document ids of the passages (not the record) of a statement.
  std::vector<Xapian::docid> passages_of(Xapian::Database& db, const std::string& id) {
    std::vector<Xapian::docid> out;
    std::string member = "XID" + id;
    for (auto it = db.postlist_begin(member); it != db.postlist_end(member); ++it) {
      auto doc = db.get_document(*it);
      auto t = doc.termlist_begin();
      t.skip_to(std::string(terms::kRecordType));
      if (t == doc.termlist_end() || *t != terms::kRecordType) out.push_back(*it);
    }
    return out;
  }

  // The only problem lines of a failed check.
  void expect_problem(const std::string& words) {
    auto r = check();
    EXPECT_EQ(r.exit_status, 5) << r.err;
    EXPECT_NE(r.err.find("indexer: check: " + db_ + ": " + words), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("problem(s) found"), std::string::npos) << r.err;
  }

  TempDir dir_;
  std::string db_;
};

TEST_F(Check, CleanDatabasePassesWithCounts) {
  auto r = check();
  EXPECT_EQ(r.exit_status, 0) << r.err;
  // Passage counts follow the schema's passage bounds; count them independently.
  Xapian::Database db(db_);
  size_t passages = passages_of(db, kZelenskyy).size() +
                    passages_of(db, "north-atlantic-treaty-1949-article-5").size();
  EXPECT_EQ(passages + 2, db.get_doccount());
  EXPECT_NE(
      r.err.find(": 2 statements, " + std::to_string(passages) + " passages; no problems found"),
      std::string::npos)
      << r.err;
  auto report = check_database(db_);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.statements, 2u);
}

TEST_F(Check, DeletedPassageIsACountMismatch) {
  {
    Xapian::WritableDatabase w(db_);
    auto passages = passages_of(w, kZelenskyy);
    ASSERT_GE(passages.size(), 2u);
    w.delete_document(passages[1]);
    w.commit();
  }
  Xapian::Database db(db_);
  size_t left = passages_of(db, kZelenskyy).size();
  expect_problem("statement '" + kZelenskyy + "': record says " + std::to_string(left + 1) +
                 " passage(s), the database has " + std::to_string(left));
}

TEST_F(Check, PassagesWithoutRecordAreReported) {
  {
    Xapian::WritableDatabase w(db_);
    w.delete_document(std::string(terms::kUnique) + kZelenskyy);
    w.commit();
  }
  Xapian::Database db(db_);
  size_t left = passages_of(db, kZelenskyy).size();
  expect_problem(std::to_string(left) + " passage(s) of statement '" + kZelenskyy +
                 "' have no statement record");
}

TEST_F(Check, DuplicateRecordIsReported) {
  {
    Xapian::WritableDatabase w(db_);
    auto it = w.postlist_begin(std::string(terms::kUnique) + kZelenskyy);
    ASSERT_NE(it, w.postlist_end(std::string(terms::kUnique) + kZelenskyy));
    Xapian::Document copy;
    Xapian::Document record = w.get_document(*it);
    copy.set_data(record.get_data());
    for (auto t = record.termlist_begin(); t != record.termlist_end(); ++t) copy.add_term(*t);
    copy.add_value(1, record.get_value(1));
    w.add_document(copy);
    w.commit();
  }
  expect_problem("statement '" + kZelenskyy + "' has more than one record");
}

TEST_F(Check, PassageOfNoStatementIsReported) {
  {
    Xapian::WritableDatabase w(db_);
    Xapian::Document stray;
    stray.set_data("0\t0\t5\t0\t5\nstray");
    stray.add_term("stray");
    w.add_document(stray);
    w.commit();
  }
  expect_problem("1 passage document(s) belong to no statement");
}

TEST_F(Check, UnreadableRecordDataIsReported) {
  {
    Xapian::WritableDatabase w(db_);
    auto it = w.postlist_begin(std::string(terms::kUnique) + kZelenskyy);
    Xapian::Document record = w.get_document(*it);
    record.set_data("{not json");
    w.replace_document(*it, record);
    w.commit();
  }
  expect_problem("statement '" + kZelenskyy + "': record (document");
}

TEST_F(Check, MissingOrUnknownMetadataIsReported) {
  {
    Xapian::WritableDatabase w(db_);
    w.set_metadata(std::string(terms::kMetaFormat), "99");
    w.commit();
  }
  expect_problem("unknown database format '99'");
  {
    Xapian::WritableDatabase w(db_);
    w.set_metadata(std::string(terms::kMetaFormat), "1");
    w.set_metadata(std::string(terms::kMetaSchema), "this is [not toml");
    w.commit();
  }
  expect_problem("recorded schema does not parse");
  {
    Xapian::WritableDatabase w(db_);
    w.set_metadata(std::string(terms::kMetaSchema), "");
    w.set_metadata(std::string(terms::kMetaFormat), "");
    w.commit();
  }
  expect_problem("no 'polsearch:format' metadata");
}

TEST_F(Check, DamagedTableFileFailsXapiansCheck) {
  // Overwrite a block in the middle of the postlist table: Xapian's own check
  // must notice (and ours must not crash on it).
  fs::path table = fs::path(db_) / "postlist.glass";
  std::string bytes = read_file(table);
  ASSERT_GE(bytes.size(), 8192u);
  for (size_t block = 0; block + 8192 <= bytes.size(); block += 8192)
    for (size_t i = 100; i < 2148; ++i) bytes[block + i] = static_cast<char>(0xA5);
  write_file(table, bytes);
  auto r = check();
  EXPECT_EQ(r.exit_status, 5) << r.err;
  EXPECT_NE(r.err.find("Xapian check"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("own checks were skipped"), std::string::npos) << r.err;
}

TEST_F(Check, MissingDatabaseIsExit3AndCheckTakesNoInputs) {
  auto missing = run_command({indexer_path(), "--check", "--db", dir_.str() + "/nope"});
  EXPECT_EQ(missing.exit_status, 3) << missing.err;
  EXPECT_NE(missing.err.find("no such database folder"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "nope")) << "--check must not create a database";
  auto usage = run_command({indexer_path(), "--check", "--db", db_, kSamples});
  EXPECT_EQ(usage.exit_status, 2) << usage.err;
}

}  // namespace
}  // namespace polsearch::testing
