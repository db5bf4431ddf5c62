#pragma once
// Rendered worker JSON, cached by (id, version): a stored worker's version changes with every
// write, so a cached text is exact for as long as the version matches. Lists are the hot path
// (the dashboard and automation poll them); building and dropping a JSON tree per worker per
// request dominated their cost. Bounded: past max_entries the cache starts over. Thread-safe.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "domain/worker.hpp"

namespace ccm::api {

class WorkerJsonCache {
 public:
  explicit WorkerJsonCache(size_t max_entries = 20000) : max_entries_(max_entries) {}
  // WorkerJson(worker) as compact text.
  std::shared_ptr<const std::string> Render(const domain::WorkerRecord& worker);

 private:
  const size_t max_entries_;
  std::mutex mu_;
  // id -> (version, text); guarded by mu_
  std::unordered_map<std::string, std::pair<int64_t, std::shared_ptr<const std::string>>> cache_;
};

}  // namespace ccm::api
