#include "connection_pool.h"

#include <algorithm>

namespace polsearch::serve {

ConnectionPool::ConnectionPool(size_t max_threads, size_t max_queued)
    : max_threads_(std::max<size_t>(1, max_threads)), max_queued_(max_queued) {
  overflow_thread_ = std::thread([this] { run_jobs(overflow_, overflow_ready_, false); });
  std::lock_guard lock(mutex_);
  rejecting_.push_back(overflow_thread_.get_id());
}

ConnectionPool::~ConnectionPool() { shutdown(); }

void ConnectionPool::enqueue(std::function<void()> fn) {
  std::unique_lock lock(mutex_);
  if (idle_ > jobs_.size() || threads_.size() < max_threads_ || jobs_.size() < max_queued_) {
    if (idle_ <= jobs_.size() && threads_.size() < max_threads_)
      threads_.emplace_back([this] { run_jobs(jobs_, ready_, true); });
    jobs_.push_back(std::move(fn));
    ready_.notify_one();
    return;
  }
  if (overflow_.size() < max_queued_) {
    overflow_.push_back(std::move(fn));
    overflow_ready_.notify_one();
    return;
  }
  // Everything is full: answer this one here (503), which holds up accepting.
  rejecting_.push_back(std::this_thread::get_id());
  lock.unlock();
  fn();
  lock.lock();
  rejecting_.erase(std::find(rejecting_.begin(), rejecting_.end(), std::this_thread::get_id()));
}

// Runs jobs from `jobs` until shut down and drained; a worker of the main queue
// counts itself idle while it waits.
void ConnectionPool::run_jobs(std::deque<std::function<void()>>& jobs,
                              std::condition_variable& ready, bool counts_idle) {
  std::unique_lock lock(mutex_);
  for (;;) {
    idle_ += counts_idle;
    ready.wait(lock, [&] { return shutdown_ || !jobs.empty(); });
    idle_ -= counts_idle;
    if (jobs.empty()) return;
    auto fn = std::move(jobs.front());
    jobs.pop_front();
    lock.unlock();
    fn();
    lock.lock();
  }
}

void ConnectionPool::shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    if (shutdown_) return;
    shutdown_ = true;
    threads.swap(threads_);
  }
  ready_.notify_all();
  overflow_ready_.notify_all();
  for (auto& t : threads) t.join();
  overflow_thread_.join();
}

bool ConnectionPool::is_rejecting(std::thread::id thread) const {
  std::lock_guard lock(mutex_);
  return std::find(rejecting_.begin(), rejecting_.end(), thread) != rejecting_.end();
}

}  // namespace polsearch::serve
