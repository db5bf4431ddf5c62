#pragma once
// BackgroundExecutor: a small fixed pool of threads running submitted tasks in FIFO order.
// Used by WorkerService for launches so Create can answer at once. Drain() waits until every
// task submitted so far has finished; Shutdown() refuses new tasks, finishes the queued ones and
// joins the threads (the destructor calls it). Tasks must not throw (a throwing task is logged
// and swallowed). Thread-safe.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ccm::control {

class BackgroundExecutor {
 public:
  explicit BackgroundExecutor(int threads = 2);
  ~BackgroundExecutor();
  BackgroundExecutor(const BackgroundExecutor&) = delete;
  BackgroundExecutor& operator=(const BackgroundExecutor&) = delete;

  // False (the task is dropped) after Shutdown().
  bool Submit(std::function<void()> task);
  void Drain();
  void Shutdown();
  size_t pending() const;  // queued or running

 private:
  void Run();

  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  size_t running_ = 0;                       // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace ccm::control
