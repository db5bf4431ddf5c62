#include "api/task_pool.hpp"

#include <exception>

#include "core/log.hpp"

namespace ccm::api {

TaskPool::TaskPool(int threads, size_t max_queue) : max_queue_(max_queue) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { Run(); });
}

TaskPool::~TaskPool() { Stop(); }

bool TaskPool::Submit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= max_queue_) return false;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

void TaskPool::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  std::lock_guard lock(mu_);
  threads_.clear();
}

size_t TaskPool::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void TaskPool::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      log::Error("request task threw", {{"error", e.what()}});
    }
  }
}

}  // namespace ccm::api
