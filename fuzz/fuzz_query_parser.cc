// libFuzzer target: the query parser (polsearch::parse_query), then the builder
// (tree -> Xapian::Query against a small in-memory database with the built-in
// schema) and highlighting, as the searcher runs them.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string_view>

#include <xapian.h>

#include "query_ast.h"
#include "query_builder.h"
#include "schema.h"

namespace {

// A glass database in a scratch folder (the in-memory backend has no synonym
// table, which the builder reads), removed at exit.
std::string scratch_db() {
  static const std::string path = std::string(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") +
                                  "/polsearch-fuzz-db-" + std::to_string(getpid());
  return path;
}

struct World {
  polsearch::Schema schema = polsearch::Schema::builtin();
  Xapian::WritableDatabase db{scratch_db(), Xapian::DB_CREATE_OR_OVERWRITE};
  polsearch::Analyzer analyzer;
  World() {
    std::atexit([] { std::filesystem::remove_all(scratch_db()); });
    Xapian::Document doc;
    doc.add_posting("peace", 1);
    doc.add_posting("secur", 2);
    doc.add_term("Zpeac");
    db.add_document(doc);
    db.add_synonym("-ceasefire", "cease fire");
    db.commit();
  }
};

// Every node's span lies inside the query; Bag nodes have one occur per child.
void check_tree(const polsearch::QueryNode& node, size_t query_size) {
  if (node.offset > query_size || node.length > query_size - node.offset) __builtin_trap();
  if (node.kind == polsearch::QueryNode::Kind::Bag && node.occurs.size() != node.children.size())
    __builtin_trap();
  for (const auto& child : node.children) check_tree(*child, query_size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  std::string_view query(reinterpret_cast<const char*>(data), size);
  std::unique_ptr<polsearch::QueryNode> tree;
  try {
    tree = polsearch::parse_query(query, world.schema.field_names());
  } catch (const polsearch::QuerySyntaxError& e) {
    if (e.offset() > size || std::string_view(e.what()).empty()) __builtin_trap();
    return 0;
  }
  check_tree(*tree, size);
  (void)tree->debug_string();
  try {
    polsearch::DatabaseLookups lookups(world.db, world.schema);
    polsearch::QueryBuilder builder(lookups, world.schema, world.analyzer, {});
    polsearch::BuiltQuery built = builder.build(*tree);
    (void)built.query.get_description();
    auto spans = polsearch::find_highlights("Peace and security: a ceasefire, cease-fire now.",
                                            built.highlights, world.analyzer);
    for (const auto& s : spans)
      if (s.start >= s.end || s.end > 48) __builtin_trap();
  } catch (const polsearch::QuerySyntaxError& e) {
    if (e.offset() > size) __builtin_trap();
  }
  return 0;
}
