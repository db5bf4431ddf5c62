#pragma once
// EventStreams: the Server-Sent Events behind GET /api/v1/events.
//
// Each event is written as `id: <log id>`, `event: <type>`, `data: <JSON>` (EventJson). A client
// resuming with Last-Event-ID (or ?last_event_id) first gets what it missed from the event log
// (EventLog::ReadEventsAfter, in batches, paced by how fast it reads), then live events from the
// EventBus; the bus subscription is taken before the log is read and events are de-duplicated by
// id, so nothing is lost or repeated across the switch. Without Last-Event-ID the stream starts
// at the log's latest event. Filters: worker ids and event types. A `user` only receives events
// of workers they own or are assigned to (tracked through worker.created/access_changed).
//
// Memory per client is bounded: events go to the stream's queue, which drains as fast as the
// client reads; a client with more than `queue_events` events (or `max_buffered_bytes`) not yet
// sent gets a final `event: overflow` (data: {"reason", "last_event_id"}) and is closed; it
// reconnects with Last-Event-ID. History is replayed in batches only while less than
// `high_water_bytes` wait. A `: ping` comment is written every `heartbeat`.
//
// Threading: Open() runs on a handler thread (it reads the store); Tick() on a timer (io thread);
// bus callbacks on publishing threads. Thread-safe.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/task_pool.hpp"
#include "auth/identity.hpp"
#include "control/event_bus.hpp"
#include "core/error.hpp"
#include "core/metrics.hpp"
#include "httpd/server.hpp"
#include "store/store.hpp"

namespace ccm::api {

struct SseOptions {
  std::chrono::milliseconds heartbeat{15000};
  size_t queue_events = 1024;
  size_t max_buffered_bytes = 1024 * 1024;
  size_t high_water_bytes = 256 * 1024;
  int replay_batch = 200;
};

struct SseRequest {
  std::vector<std::string> worker_ids;
  std::vector<domain::EventType> types;
  std::optional<int64_t> last_event_id;
};

class SseClient;

class EventStreams {
 public:
  // All must outlive the EventStreams.
  EventStreams(SseOptions options, store::Store& store, control::EventBus& bus, TaskPool& pool,
               metrics::Gauge& clients);
  ~EventStreams();  // Shutdown()
  EventStreams(const EventStreams&) = delete;
  EventStreams& operator=(const EventStreams&) = delete;

  // Starts the stream through `responder` with `headers` (plus the SSE ones). An error (store
  // unreadable) is returned before anything was sent, for the caller to answer as a problem.
  Status Open(const httpd::Responder& responder, httpd::HeaderList headers,
              const auth::Identity& identity, SseRequest request);
  // Heartbeats and paced replay; call every ~50 ms.
  void Tick();
  // Closes every stream and refuses new ones.
  void Shutdown();
  size_t size() const;

 private:
  struct Shared;
  // Adds an attached client; false once shut down. Removal follows the stream's end.
  bool Register(const std::shared_ptr<SseClient>& client,
                const std::shared_ptr<httpd::Stream>& stream);

  SseOptions options_;
  store::Store& store_;
  control::EventBus& bus_;
  TaskPool& pool_;
  metrics::Gauge& gauge_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace ccm::api
