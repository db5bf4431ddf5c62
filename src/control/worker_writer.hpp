#pragma once
// WorkerWriter: the one path by which control changes a stored worker.
//
// Update(id, change): load the worker, run `change` on it (domain commands and observations
// only, no I/O: it may run more than once), write it through the store (state and its events
// in one transaction), then publish the committed events on the EventBus. When a concurrent
// writer got there first (kAborted) the worker is reloaded and `change` runs again on the fresh
// state, up to kMaxAttempts times; then kAborted is returned. An error returned by `change`
// stops everything and nothing is written. A change that produces no event writes nothing and
// publishes nothing (the stored worker comes back).
//
// Threading: thread-safe (the store and the bus are). Errors: the store's and the change's.
#include <functional>
#include <string_view>
#include <vector>

#include "control/event_bus.hpp"
#include "core/error.hpp"
#include "domain/worker.hpp"
#include "store/store.hpp"

namespace ccm::control {

class WorkerWriter {
 public:
  static constexpr int kMaxAttempts = 5;
  using Change = std::function<Status(domain::Worker& worker)>;

  // Both must outlive the writer.
  WorkerWriter(store::Store& store, EventBus& bus) : store_(store), bus_(bus) {}

  Result<store::Committed> Update(std::string_view id, const Change& change);
  // Same, using `loaded` (as read earlier) for the first attempt instead of reading again.
  Result<store::Committed> Update(domain::Worker loaded, const Change& change);
  // A new worker (version 0, carrying worker.created and any further pending events).
  Result<store::Committed> Create(domain::Worker worker);
  // Worker::RequestPurge then the store's DeleteWorker, retried like Update.
  Result<std::vector<domain::DomainEvent>> Purge(std::string_view id,
                                                 const domain::ChangeContext& ctx);
  // Events about no worker (e.g. worker.orphan_found): appended to the log, then published.
  Result<std::vector<domain::DomainEvent>> AppendUnattached(
      std::vector<domain::DomainEvent> events);

  store::Store& store() { return store_; }
  EventBus& bus() { return bus_; }

 private:
  store::Store& store_;
  EventBus& bus_;
};

}  // namespace ccm::control
