#include "record_queue.h"

#include <utility>

namespace polsearch {

void RecordQueue::start(std::function<void(InputRecord&&)> handle, std::function<void()> finish) {
  thread_ = std::thread(
      [this, handle = std::move(handle), finish = std::move(finish)] { run(handle, finish); });
}

void RecordQueue::push(InputRecord&& record) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return closed_ || queue_.size() < kCapacity; });
  if (closed_) return;  // the worker failed; its failure is rethrown after the join
  queue_.push_back(std::move(record));
  lock.unlock();
  changed_.notify_all();
}

void RecordQueue::close_and_join() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool RecordQueue::pop(InputRecord& record) {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return closed_ || !queue_.empty(); });
    if (queue_.empty()) return false;
    record = std::move(queue_.front());
    queue_.pop_front();
  }
  changed_.notify_all();  // a reader waiting for room
  return true;
}

void RecordQueue::run(const std::function<void(InputRecord&&)>& handle,
                      const std::function<void()>& finish) {
  try {
    InputRecord record;
    while (pop(record)) handle(std::move(record));
    finish();
  } catch (...) {
    failure_ = std::current_exception();
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    queue_.clear();
    changed_.notify_all();
  }
}

}  // namespace polsearch
