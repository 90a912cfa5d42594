#include "searcher_pool.h"

namespace polsearch::serve {

SearcherPool::Lease::~Lease() {
  if (searcher_) pool_.give_back(std::move(searcher_));
}

SearcherPool::Lease SearcherPool::borrow() {
  std::unique_ptr<Searcher> searcher;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      searcher = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!searcher)
    searcher = std::make_unique<Searcher>(db_path_);
  else
    searcher->database().reopen();  // new statements appear as soon as they are committed
  return Lease(*this, std::move(searcher));
}

void SearcherPool::give_back(std::unique_ptr<Searcher> searcher) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(searcher));
}

}  // namespace polsearch::serve
