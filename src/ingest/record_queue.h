// A bounded queue of input records feeding one worker thread: the reader pushes, the
// worker handles them in order. Used by both parallel writers (Indexer's parallel build
// of a new database and ShardedIndexer), which differ only in what a record becomes.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "input.h"

namespace polsearch {

class RecordQueue {
 public:
  // Records waiting at most: the reader stops (waits) when a worker falls behind, so
  // memory stays bounded whatever the input size.
  static constexpr size_t kCapacity = 64;

  RecordQueue() = default;
  RecordQueue(const RecordQueue&) = delete;
  RecordQueue& operator=(const RecordQueue&) = delete;
  ~RecordQueue() { close_and_join(); }

  // Starts the worker: handle(record) for each record pushed, then finish() once the
  // queue is closed and empty. An exception from either closes the queue (later pushes
  // are dropped) and is kept in failure().
  void start(std::function<void(InputRecord&&)> handle, std::function<void()> finish);
  // Waits while the queue is full; drops the record if the worker has failed.
  void push(InputRecord&& record);
  // No more records: the worker drains the queue, finishes, and is joined.
  void close_and_join();
  std::exception_ptr failure() const { return failure_; }

 private:
  bool pop(InputRecord& record);  // false once closed and empty
  void run(const std::function<void(InputRecord&&)>& handle, const std::function<void()>& finish);

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<InputRecord> queue_;
  bool closed_ = false;
  std::exception_ptr failure_;  // written by the worker, read after the join
  std::thread thread_;
};

}  // namespace polsearch
