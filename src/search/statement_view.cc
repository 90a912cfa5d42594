#include "statement_view.h"

#include <algorithm>
#include <charconv>

#include "terms.h"

namespace polsearch {

namespace {

// Matches one document id, weightless. Termfreq min 0: the id may have been deleted.
// Over several databases (shards) Xapian runs a copy per database with its own document
// ids: only the copy whose database has `uuid` (empty: any) matches, at its `docid`.
class SingleDocumentSource : public Xapian::PostingSource {
 public:
  SingleDocumentSource(Xapian::docid docid, std::string uuid)
      : docid_(docid), uuid_(std::move(uuid)) {}
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return 1; }
  Xapian::doccount get_termfreq_max() const override { return 1; }
  void init(const Xapian::Database& db) override {
    started_ = false;
    at_end_ = !uuid_.empty() && db.get_uuid() != uuid_;
    elsewhere_ = at_end_;
  }
  void next(double) override {
    at_end_ = elsewhere_ || started_;
    started_ = true;
  }
  void skip_to(Xapian::docid wanted, double) override {
    at_end_ = elsewhere_ || wanted > docid_;
    started_ = true;
  }
  bool at_end() const override { return at_end_; }
  Xapian::docid get_docid() const override { return docid_; }
  SingleDocumentSource* clone() const override { return new SingleDocumentSource(docid_, uuid_); }
  std::string name() const override { return "polsearch::SingleDocumentSource"; }

 private:
  Xapian::docid docid_;
  std::string uuid_;
  bool started_ = false, at_end_ = false, elsewhere_ = false;
};

struct Members {
  Xapian::docid record = 0;             // 0: no statement record
  std::vector<Xapian::docid> passages;  // ascending document ids
};

Members members(const Xapian::Database& db, const Schema& schema, const std::string& id) {
  Members out;
  std::string unique = terms::record_term(id);
  auto record = db.postlist_begin(unique);
  if (record != db.postlist_end(unique)) out.record = *record;
  std::string membership = terms::membership_term(schema, id);
  for (auto it = db.postlist_begin(membership); it != db.postlist_end(membership); ++it)
    if (*it != out.record) out.passages.push_back(*it);
  return out;
}

std::optional<StatementPassage> read_passage(const Xapian::Database& db, Xapian::docid docid) {
  std::string data = db.get_document(docid).get_data();
  PassageData meta;
  std::string_view text;
  if (!decode_passage_data(data, meta, text)) return std::nullopt;
  return StatementPassage{meta.ordinal,      meta.char_start, meta.char_end,
                          std::string(text), docid,           meta.page};
}

std::vector<StatementPassage> read_all(const Xapian::Database& db, const Members& m) {
  std::vector<StatementPassage> out;
  for (Xapian::docid d : m.passages)
    if (auto p = read_passage(db, d)) out.push_back(std::move(*p));
  std::sort(out.begin(), out.end(), [](const StatementPassage& a, const StatementPassage& b) {
    return a.passage < b.passage;
  });
  return out;
}

// A document's terms, sorted.
std::vector<std::string> sorted_terms(const Xapian::Database& db, Xapian::docid docid) {
  std::vector<std::string> out;
  for (auto it = db.termlist_begin(docid); it != db.termlist_end(docid); ++it) out.push_back(*it);
  std::sort(out.begin(), out.end());
  return out;
}

bool has_term(const std::vector<std::string>& sorted, const std::string& term) {
  return std::binary_search(sorted.begin(), sorted.end(), term);
}

// The first of `terms` that `other` lacks, or nullptr.
const std::string* first_missing(const std::vector<std::string>& terms,
                                 const std::vector<std::string>& other) {
  for (const std::string& t : terms)
    if (!has_term(other, t)) return &t;
  return nullptr;
}

[[noreturn]] void no_statement(const std::string& id) {
  throw NotFoundError("no statement with id '" + id + "' in this database");
}

}  // namespace

std::optional<PassageRef> parse_passage_ref(std::string_view text) {
  size_t hash = text.rfind('#');
  if (hash == std::string_view::npos || hash == 0 || hash + 1 == text.size()) return std::nullopt;
  std::string_view number = text.substr(hash + 1);
  PassageRef ref;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), ref.passage);
  if (ec != std::errc() || end != number.data() + number.size()) return std::nullopt;
  ref.doc_id = std::string(text.substr(0, hash));
  return ref;
}

StatementView load_statement(const Xapian::Database& db, const Schema& schema,
                             const std::string& id) {
  Members m = members(db, schema, id);
  if (!m.record && m.passages.empty()) no_statement(id);
  StatementView view;
  view.id = id;
  if (m.record) {
    auto parsed = nlohmann::json::parse(db.get_document(m.record).get_data(), nullptr, false);
    if (parsed.is_object()) view.metadata = std::move(parsed);
  }
  if (!view.metadata.is_object()) view.metadata = nlohmann::json::object();
  view.passages = read_all(db, m);
  return view;
}

StatementPassage load_passage(const Xapian::Database& db, const Schema& schema,
                              const PassageRef& ref) {
  Members m = members(db, schema, ref.doc_id);
  if (!m.record && m.passages.empty()) no_statement(ref.doc_id);
  // Usually the passages are consecutive documents in ordinal order.
  if (ref.passage < m.passages.size()) {
    auto guess = read_passage(db, m.passages[ref.passage]);
    if (guess && guess->passage == ref.passage) return std::move(*guess);
  }
  for (auto& p : read_all(db, m))
    if (p.passage == ref.passage) return p;
  std::string count = std::to_string(m.passages.size());
  throw NotFoundError(
      "statement '" + ref.doc_id + "' has no passage #" + std::to_string(ref.passage) +
      " (it has " + count + " passages" +
      (m.passages.empty() ? "" : ", #0 to #" + std::to_string(m.passages.size() - 1)) + ")");
}

std::vector<StatementPassage> load_neighbours(const Xapian::Database& db, const Schema& schema,
                                              const std::string& id, Xapian::docid docid,
                                              uint32_t ordinal, unsigned n) {
  std::vector<StatementPassage> out;
  if (n == 0) return out;
  Members m = members(db, schema, id);
  int64_t count = static_cast<int64_t>(m.passages.size());
  int64_t low = std::max<int64_t>(0, static_cast<int64_t>(ordinal) - n);
  int64_t high = std::min<int64_t>(count - 1, static_cast<int64_t>(ordinal) + n);
  auto at = std::lower_bound(m.passages.begin(), m.passages.end(), docid);
  if (at != m.passages.end() && *at == docid) {
    int64_t pos = at - m.passages.begin();
    bool as_expected = true;
    for (int64_t want = low; want <= high && as_expected; ++want) {
      if (want == ordinal) continue;
      int64_t index = pos + (want - ordinal);
      auto p = index >= 0 && index < count ? read_passage(db, m.passages[index]) : std::nullopt;
      as_expected = p && p->passage == want;
      if (as_expected) out.push_back(std::move(*p));
    }
    if (as_expected) return out;
    out.clear();
  }
  for (auto& p : read_all(db, m))
    if (p.passage != ordinal && p.passage + static_cast<int64_t>(n) >= ordinal &&
        p.passage <= static_cast<int64_t>(ordinal) + n)
      out.push_back(std::move(p));
  return out;
}

Xapian::Query single_document_query(Xapian::docid docid) {
  return Xapian::Query((new SingleDocumentSource(docid, ""))->release());
}

Xapian::Query single_document_query(const Xapian::Database& db, Xapian::docid docid) {
  // A combined database's uuid is its databases' uuids joined by ':', and its document
  // ids interleave theirs: id d is database (d - 1) % n's document (d - 1) / n + 1.
  std::vector<std::string> uuids;
  const std::string all = db.get_uuid();
  for (size_t start = 0;;) {
    size_t colon = all.find(':', start);
    uuids.push_back(all.substr(start, colon == std::string::npos ? colon : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (uuids.size() <= 1 || docid == 0) return single_document_query(docid);
  const size_t n = uuids.size();
  return Xapian::Query((new SingleDocumentSource(static_cast<Xapian::docid>((docid - 1) / n + 1),
                                                 uuids[(docid - 1) % n]))
                           ->release());
}

std::optional<Xapian::Query> passage_by_terms(const Xapian::Database& db, const Schema& schema,
                                              const std::string& id, Xapian::docid docid) {
  using Q = Xapian::Query;
  const std::string membership = terms::membership_term(schema, id);
  const std::vector<std::string> own = sorted_terms(db, docid);
  std::vector<std::string> present, absent;  // terms the passage has / lacks
  for (auto it = db.postlist_begin(membership); it != db.postlist_end(membership); ++it) {
    if (*it == docid) continue;
    const std::vector<std::string> other = sorted_terms(db, *it);
    // Already told apart by a term chosen for an earlier passage?
    if (first_missing(present, other) ||
        std::any_of(absent.begin(), absent.end(),
                    [&](const std::string& t) { return has_term(other, t); }))
      continue;
    if (const std::string* mine = first_missing(own, other)) {
      present.push_back(*mine);
    } else if (const std::string* theirs = first_missing(other, own)) {
      absent.push_back(*theirs);
    } else {
      return std::nullopt;
    }
  }
  present.push_back(membership);
  Q query(Q::OP_AND, present.begin(), present.end());
  if (absent.empty()) return query;
  return Q(Q::OP_AND_NOT, query, Q(Q::OP_OR, absent.begin(), absent.end()));
}

}  // namespace polsearch
