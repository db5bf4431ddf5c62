#include "api/worker_json_cache.hpp"

#include "api/render.hpp"
#include "core/json.hpp"

namespace ccm::api {

std::shared_ptr<const std::string> WorkerJsonCache::Render(const domain::WorkerRecord& worker) {
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(worker.id);
    if (it != cache_.end() && it->second.first == worker.version) return it->second.second;
  }
  auto text = std::make_shared<const std::string>(
      WorkerJson(worker).dump(-1, ' ', false, Json::error_handler_t::replace));
  // Version 0 has never been stored: nothing identifies its content.
  if (worker.version <= 0) return text;
  std::lock_guard lock(mu_);
  if (cache_.size() >= max_entries_) cache_.clear();
  cache_[worker.id] = {worker.version, text};
  return text;
}

}  // namespace ccm::api
