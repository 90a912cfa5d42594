// Xapian objects are not thread-safe: each request borrows a Searcher of its own from
// this pool (one is opened when none is free, so there are at most as many as requests
// ever ran at once) and gives it back when done. A borrowed Searcher is moved to the
// newest committed revision first (Database::reopen: a cheap check when nothing changed).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "searcher.h"

namespace polsearch::serve {

class SearcherPool {
 public:
  explicit SearcherPool(std::string db_path) : db_path_(std::move(db_path)) {}

  class Lease {
   public:
    Lease(SearcherPool& pool, std::unique_ptr<Searcher> searcher)
        : pool_(pool), searcher_(std::move(searcher)) {}
    Lease(Lease&&) = default;
    ~Lease();
    Searcher& operator*() { return *searcher_; }
    Searcher* operator->() { return searcher_.get(); }

   private:
    SearcherPool& pool_;
    std::unique_ptr<Searcher> searcher_;
  };

  // Throws DatabaseError (and Xapian errors) when the database cannot be opened.
  Lease borrow();

  // Runs `work` on a borrowed Searcher; when a commit invalidates what it reads
  // (DatabaseModifiedError), reopens and runs it once more.
  template <typename Work>
  auto with_searcher(Work&& work) {
    Lease lease = borrow();
    try {
      return work(*lease);
    } catch (const Xapian::DatabaseModifiedError&) {
      lease->database().reopen();
      return work(*lease);
    }
  }

  const std::string& path() const { return db_path_; }

 private:
  void give_back(std::unique_ptr<Searcher> searcher);

  std::string db_path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Searcher>> idle_;
};

}  // namespace polsearch::serve
