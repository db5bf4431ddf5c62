#include "control/executor.hpp"

#include <exception>

#include "core/log.hpp"

namespace ccm::control {

BackgroundExecutor::BackgroundExecutor(int threads) {
  if (threads < 1) threads = 1;
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

BackgroundExecutor::~BackgroundExecutor() { Shutdown(); }

bool BackgroundExecutor::Submit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    queue_.push_back(std::move(task));
  }
  work_cv_.notify_one();
  return true;
}

void BackgroundExecutor::Drain() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [this] { return queue_.empty() && running_ == 0; });
}

void BackgroundExecutor::Shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    threads.swap(threads_);
  }
  work_cv_.notify_all();
  for (auto& t : threads) {
    if (t.get_id() == std::this_thread::get_id()) {
      t.detach();  // Shutdown from inside a task: that thread ends when the queue is empty
    } else if (t.joinable()) {
      t.join();
    }
  }
}

size_t BackgroundExecutor::pending() const {
  std::lock_guard lock(mu_);
  return queue_.size() + running_;
}

void BackgroundExecutor::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      // Queued work still runs after Shutdown(): a launch already accepted must be finished.
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    try {
      task();
    } catch (const std::exception& e) {
      log::Error("background task threw", {{"error", e.what()}});
    }
    {
      std::lock_guard lock(mu_);
      --running_;
    }
    idle_cv_.notify_all();
  }
}

}  // namespace ccm::control
