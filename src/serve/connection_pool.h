// cpp-httplib 0.11 hands each accepted connection to a task queue whose queue has no
// bound. This one has: up to `max_threads` workers (started as needed), then up to
// `max_queued` connections waiting; a connection beyond that is still read, but on a
// thread that `is_rejecting` names, whose requests are answered 503 at once (one
// overflow thread, then the accepting thread itself, which slows accepting down
// instead of queueing without bound).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <httplib.h>

namespace polsearch::serve {

class ConnectionPool : public httplib::TaskQueue {
 public:
  ConnectionPool(size_t max_threads, size_t max_queued);
  ~ConnectionPool() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;  // runs what is queued, then joins every thread

  bool is_rejecting(std::thread::id thread) const;

 private:
  void run_jobs(std::deque<std::function<void()>>& jobs, std::condition_variable& ready,
                bool counts_idle);

  size_t max_threads_, max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable ready_, overflow_ready_;
  std::deque<std::function<void()>> jobs_, overflow_;
  std::vector<std::thread> threads_;
  std::thread overflow_thread_;
  std::vector<std::thread::id> rejecting_;
  size_t idle_ = 0;
  bool shutdown_ = false;
};

}  // namespace polsearch::serve
