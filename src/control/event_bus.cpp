#include "control/event_bus.hpp"

#include <algorithm>

#include "core/log.hpp"
#include "store/store.hpp"

namespace ccm::control {

// One subscriber. `mu` is held while its callback runs, so Unsubscribe can wait for it.
struct EventBus::Entry {
  EventFilter filter;
  Callback callback;
  std::mutex mu;
  bool active = true;                         // guarded by mu
  std::atomic<std::thread::id> running_on{};  // the thread inside the callback, if any
};

bool EventFilter::Matches(const domain::DomainEvent& event) const {
  if (!worker_ids.empty() &&
      std::find(worker_ids.begin(), worker_ids.end(), event.worker_id) == worker_ids.end()) {
    return false;
  }
  if (!types.empty() && std::find(types.begin(), types.end(), event.type) == types.end()) {
    return false;
  }
  return true;
}

EventBus::EventBus(store::EventLog* log) : log_(log) {}

EventBus::~EventBus() = default;

EventBus::SubscriptionId EventBus::Subscribe(EventFilter filter, Callback callback) {
  auto entry = std::make_shared<Entry>();
  entry->filter = std::move(filter);
  entry->callback = std::move(callback);
  std::lock_guard lock(mu_);
  SubscriptionId id = next_id_++;
  subs_.emplace(id, std::move(entry));
  return id;
}

void EventBus::Unsubscribe(SubscriptionId id) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mu_);
    auto it = subs_.find(id);
    if (it == subs_.end()) return;
    entry = std::move(it->second);
    subs_.erase(it);
  }
  if (entry->running_on.load() == std::this_thread::get_id()) {
    // Called from inside its own callback: the callback already holds entry->mu.
    entry->active = false;
    return;
  }
  std::lock_guard lock(entry->mu);
  entry->active = false;
}

size_t EventBus::subscriber_count() const {
  std::lock_guard lock(mu_);
  return subs_.size();
}

std::vector<std::shared_ptr<EventBus::Entry>> EventBus::Snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<Entry>> out;
  out.reserve(subs_.size());
  for (const auto& [id, entry] : subs_) out.push_back(entry);
  return out;
}

bool EventBus::MarkPublished(int64_t id) {
  if (id <= seen_floor_ || seen_.count(id) > 0) return true;
  seen_.insert(id);
  while (seen_.size() > kDedupWindow) {
    seen_floor_ = *seen_.begin();
    seen_.erase(seen_.begin());
  }
  int64_t last = last_published_.load();
  if (id > last) last_published_.store(id);
  return false;
}

void EventBus::Dispatch(const domain::DomainEvent& event,
                        const std::vector<std::shared_ptr<Entry>>& entries) {
  for (const auto& entry : entries) {
    if (!entry->filter.Matches(event)) continue;
    std::lock_guard lock(entry->mu);
    if (!entry->active) continue;
    entry->running_on.store(std::this_thread::get_id());
    try {
      entry->callback(event);
    } catch (const std::exception& e) {
      // A subscriber's bug must not stop delivery to the others.
      log::Error("event subscriber threw", {{"error", e.what()}});
    }
    entry->running_on.store(std::thread::id{});
  }
}

void EventBus::Publish(const std::vector<domain::DomainEvent>& events) {
  if (events.empty()) return;
  auto entries = Snapshot();
  std::lock_guard lock(dispatch_mu_);
  for (const auto& event : events) {
    if (event.id <= 0) {
      log::Error("unstored event not published", {{"type", std::string(ToString(event.type))}});
      continue;
    }
    if (MarkPublished(event.id)) continue;
    Dispatch(event, entries);
  }
}

void EventBus::SetPollCursor(int64_t after_id) {
  std::lock_guard lock(dispatch_mu_);
  poll_cursor_ = after_id;
  poll_started_ = true;
}

Result<int> EventBus::Poll() {
  if (log_ == nullptr) return 0;
  std::lock_guard lock(dispatch_mu_);
  if (!poll_started_) {
    auto latest = log_->LatestEventId();
    if (!latest) return Fail(latest.error());
    poll_cursor_ = *latest;
    poll_started_ = true;
    return 0;
  }
  int published = 0;
  for (;;) {
    auto batch = log_->ReadEventsAfter(poll_cursor_, store::EventFilter{}, kPollBatch);
    if (!batch) return Fail(batch.error());
    if (batch->empty()) break;
    auto entries = Snapshot();
    for (const auto& event : *batch) {
      poll_cursor_ = std::max(poll_cursor_, event.id);
      if (MarkPublished(event.id)) continue;
      Dispatch(event, entries);
      ++published;
    }
    if (static_cast<int>(batch->size()) < kPollBatch) break;
  }
  return published;
}

}  // namespace ccm::control
