#pragma once
// EventBus: in-process publish/subscribe of COMMITTED domain events (each with its event-log id).
//
// Who publishes: control's use cases, right after the store committed a change (state and events
// in one transaction), and Poll(), which reads what other processes (e.g. `ccm reconcile --once`)
// appended to the event log. Every event is delivered at most once per subscriber: the bus
// remembers the ids it has published (a bounded window, kDedupWindow ids) and skips repeats, so
// a use case's publish and a poll that reads the same row never both reach a subscriber.
//
// Delivery: Publish() calls each matching subscriber's callback synchronously on the publishing
// thread, in event order. Callbacks MUST be quick and non-blocking (e.g. push onto a bounded
// queue and wake an I/O thread; the SSE layer bounds its own queue and handles overflow): the
// bus never waits for a consumer, it only runs the callback. A callback must not call Publish()
// or Poll(); it may call Unsubscribe() (also on itself) and Subscribe().
// Publishes are serialised, so every subscriber sees events in the same order.
//
// Threading: every method is thread-safe. After Unsubscribe(id) returns, that callback is not
// running (unless Unsubscribe was called from inside it) and will not be called again.
// Errors: Poll() returns the event log's error (the bus state is unchanged then).
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "domain/events.hpp"

namespace ccm::store {
class EventLog;
}

namespace ccm::control {

// Which events a subscriber wants. Empty lists match everything.
struct EventFilter {
  std::vector<std::string> worker_ids;   // events of these workers only
  std::vector<domain::EventType> types;  // events of these types only
  bool Matches(const domain::DomainEvent& event) const;
};

class EventBus {
 public:
  using Callback = std::function<void(const domain::DomainEvent& event)>;
  using SubscriptionId = uint64_t;

  static constexpr size_t kDedupWindow = 65536;  // ids remembered for de-duplication
  static constexpr int kPollBatch = 1000;        // events read per ReadEventsAfter call

  // `log` (may be null: then Poll() does nothing) must outlive the bus.
  explicit EventBus(store::EventLog* log = nullptr);
  ~EventBus();
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  SubscriptionId Subscribe(EventFilter filter, Callback callback);
  void Unsubscribe(SubscriptionId id);
  size_t subscriber_count() const;

  // Publishes committed events (id > 0), skipping ids already published. Events with id 0
  // (never stored) are a programming error and are dropped with a log line.
  void Publish(const std::vector<domain::DomainEvent>& events);

  // Reads the event log after the poll cursor and publishes what this process has not published
  // yet; returns how many events it published. The first call starts at the log's latest id
  // (history is the SSE layer's job, through ReadEventsAfter with Last-Event-ID), unless
  // SetPollCursor() said otherwise. Meant to be called by the server on a timer.
  Result<int> Poll();
  void SetPollCursor(int64_t after_id);

  // The highest event id published so far (0 when none).
  int64_t last_published_id() const { return last_published_.load(); }

 private:
  struct Entry;

  // Under dispatch_mu_: whether `id` was published already (and remembers it when not).
  bool MarkPublished(int64_t id);
  void Dispatch(const domain::DomainEvent& event,
                const std::vector<std::shared_ptr<Entry>>& entries);
  std::vector<std::shared_ptr<Entry>> Snapshot() const;

  store::EventLog* log_;
  mutable std::mutex mu_;  // guards subs_, next_id_
  std::map<SubscriptionId, std::shared_ptr<Entry>> subs_;
  SubscriptionId next_id_ = 1;
  std::mutex dispatch_mu_;  // serialises publishers; guards seen_, seen_floor_, poll state
  std::set<int64_t> seen_;
  int64_t seen_floor_ = 0;  // ids at or below this were forgotten: treated as published
  bool poll_started_ = false;
  int64_t poll_cursor_ = 0;
  std::atomic<int64_t> last_published_{0};
};

}  // namespace ccm::control
