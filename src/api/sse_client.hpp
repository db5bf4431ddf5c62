#pragma once
// One event-stream client (internal to src/api, see sse.hpp for the behaviour). All state is
// guarded by mu_; methods are called from the bus (OnLive), handler threads (ReplayStep) and the
// tick (Tick).
//
// Events go straight to the stream, whose queue drains as fast as the socket takes it. What is
// still queued is tracked from Stream::BufferedBytes: each written event remembers where it ends
// in the byte sequence written so far, so the events not yet sent are those ending past
// written - BufferedBytes. More than queue_events of them, or more than max_buffered_bytes,
// is an overflow.
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/sse.hpp"

namespace ccm::api {

class SseClient : public std::enable_shared_from_this<SseClient> {
 public:
  // `scoped`: a user, who only sees the workers they own or are assigned to.
  SseClient(const SseOptions& options, store::EventLog& log, SseRequest request, bool scoped,
            std::string subject);

  // Live events that arrive before Attach() wait for the replay. Attach gives the stream, the
  // subscription, where the replay starts and (scoped) the workers the user sees now.
  void Attach(std::shared_ptr<httpd::Stream> stream, control::EventBus::SubscriptionId sub,
              int64_t replay_after, std::set<std::string> visible);
  control::EventBus::SubscriptionId subscription() const;
  // The event types to read from the log and the bus (the request's, plus what a user's
  // visibility needs).
  std::vector<domain::EventType> FetchTypes() const;

  // After Attach: the retry hint, then the replay.
  void Start();
  void OnLive(const domain::DomainEvent& event);
  // Reads and writes history batches while the socket keeps up; goes live once caught up.
  void ReplayStep();
  // A heartbeat when `ping` (and the socket keeps up). Returns true when a replay step should be
  // scheduled.
  bool Tick(bool ping);
  void Close();

 private:
  // Under mu_: true when the event is new to this client and it may see it.
  bool Admit(const domain::DomainEvent& event);
  bool Room() const;
  // Writes `text` (an event when id > 0) and checks the bounds.
  void Write(std::string text, int64_t id);
  size_t Unsent();
  void Deliver(const domain::DomainEvent& event);
  void Overflow();
  void GoLive();

  const SseOptions& options_;
  store::EventLog& log_;
  const SseRequest request_;
  std::string subject_;
  const bool scoped_;  // a user: only events of their workers

  mutable std::mutex mu_;
  control::EventBus::SubscriptionId sub_ = 0;
  std::shared_ptr<httpd::Stream> stream_;
  enum class Phase { kReplaying, kLive, kClosed } phase_ = Phase::kReplaying;
  int64_t replay_after_ = 0;
  bool replay_running_ = false;
  uint64_t drop_epoch_ = 0;  // bumped when live events arriving during replay were dropped
  std::deque<domain::DomainEvent> pending_live_;     // live events that arrived during replay
  uint64_t written_ = 0;                             // framed bytes written to the stream
  std::deque<std::pair<int64_t, uint64_t>> unsent_;  // (id, end offset) of events maybe unsent
  std::set<int64_t> seen_;                           // ids processed above seen_floor_
  int64_t seen_floor_ = 0;                           // ids at or below were processed (or skipped)
  int64_t last_written_ = 0;                         // id of the last event handed to the stream
  std::set<std::string> visible_;                    // scoped: the worker ids the user may see
};

}  // namespace ccm::api
