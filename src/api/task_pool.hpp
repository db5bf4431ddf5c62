#pragma once
// TaskPool: the few threads that run request handlers, so slow AWS and CML calls never block the
// server's io threads. The queue is bounded: Submit() refuses (returns false) when it is full or
// the pool is stopping, and the caller answers 503. Stop() finishes queued tasks and joins.
// Tasks must not throw (a throwing task is logged and dropped). Thread-safe.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ccm::api {

class TaskPool {
 public:
  TaskPool(int threads, size_t max_queue);
  ~TaskPool();  // Stop()
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  bool Submit(std::function<void()> task);
  void Stop();
  size_t queued() const;

 private:
  void Run();

  const size_t max_queue_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace ccm::api
