#include "api/sse.hpp"

#include "api/sse_client.hpp"
#include "core/log.hpp"

namespace ccm::api {

// What stream-close callbacks reach; they may run after the EventStreams is gone.
struct EventStreams::Shared {
  std::mutex mu;
  bool open = true;  // guarded by mu
  uint64_t next_id = 1;
  std::map<uint64_t, std::shared_ptr<SseClient>> clients;  // guarded by mu
  std::chrono::steady_clock::time_point last_ping = std::chrono::steady_clock::now();
  control::EventBus* bus = nullptr;
  metrics::Gauge* gauge = nullptr;

  void Remove(uint64_t id) {
    std::shared_ptr<SseClient> client;
    {
      std::lock_guard lock(mu);
      auto it = clients.find(id);
      if (it == clients.end()) return;
      client = std::move(it->second);
      clients.erase(it);
      if (!open) return;  // Shutdown unsubscribes and counts
      gauge->Dec();
    }
    bus->Unsubscribe(client->subscription());
    client->Close();
  }
};

EventStreams::EventStreams(SseOptions options, store::Store& store, control::EventBus& bus,
                           TaskPool& pool, metrics::Gauge& clients)
    : options_(options),
      store_(store),
      bus_(bus),
      pool_(pool),
      gauge_(clients),
      shared_(std::make_shared<Shared>()) {
  shared_->bus = &bus_;
  shared_->gauge = &gauge_;
}

EventStreams::~EventStreams() { Shutdown(); }

namespace {

// Where a stream starts: after Last-Event-ID, else after the latest event in the log.
Result<int64_t> StartAfter(store::Store& store, const SseRequest& request) {
  if (request.last_event_id) return *request.last_event_id;
  return store.LatestEventId();
}

// The workers a user owns or is assigned to, terminated ones included.
Result<std::set<std::string>> WorkersOf(store::Store& store, const std::string& subject) {
  store::WorkerFilter filter;
  filter.user = subject;
  filter.include_terminated = true;
  auto mine = store::ListAllWorkers(store, filter);
  if (!mine) return Fail(mine.error());
  std::set<std::string> ids;
  for (const auto& w : *mine) ids.insert(w.id());
  return ids;
}

}  // namespace

Status EventStreams::Open(const httpd::Responder& responder, httpd::HeaderList headers,
                          const auth::Identity& identity, SseRequest request) {
  bool scoped = !identity.AtLeast(auth::Role::kOperator);
  auto client = std::make_shared<SseClient>(options_, store_, request, scoped, identity.subject);
  // Subscribe first, then read where to start and what the user sees: nothing falls in between.
  std::weak_ptr<SseClient> weak = client;
  control::EventFilter filter{request.worker_ids, client->FetchTypes()};
  auto sub = bus_.Subscribe(filter, [weak](const domain::DomainEvent& e) {
    if (auto c = weak.lock()) c->OnLive(e);
  });
  auto start = StartAfter(store_, request);
  auto visible = scoped ? WorkersOf(store_, identity.subject) : std::set<std::string>{};
  if (!start || !visible) {
    bus_.Unsubscribe(sub);
    return Fail(!start ? start.error() : visible.error());
  }
  headers.emplace_back("Content-Type", "text/event-stream");
  headers.emplace_back("X-Accel-Buffering", "no");
  auto stream = responder.StartStream(200, std::move(headers));
  if (!stream) {
    bus_.Unsubscribe(sub);
    return Ok();  // the client is already gone
  }
  client->Attach(stream, sub, *start, std::move(*visible));
  if (!Register(client, stream)) {
    bus_.Unsubscribe(sub);
    stream->Close();
    return Ok();
  }
  client->Start();
  return Ok();
}

bool EventStreams::Register(const std::shared_ptr<SseClient>& client,
                            const std::shared_ptr<httpd::Stream>& stream) {
  uint64_t id;
  {
    std::lock_guard lock(shared_->mu);
    if (!shared_->open) return false;
    id = shared_->next_id++;
    shared_->clients[id] = client;
    gauge_.Inc();
  }
  std::weak_ptr<Shared> weak_shared = shared_;
  stream->OnClose([weak_shared, id] {
    if (auto s = weak_shared.lock()) s->Remove(id);
  });
  return true;
}

void EventStreams::Tick() {
  std::vector<std::shared_ptr<SseClient>> clients;
  bool ping = false;
  {
    std::lock_guard lock(shared_->mu);
    if (!shared_->open) return;
    auto now = std::chrono::steady_clock::now();
    if (now - shared_->last_ping >= options_.heartbeat) {
      ping = true;
      shared_->last_ping = now;
    }
    for (const auto& [id, c] : shared_->clients) clients.push_back(c);
  }
  for (const auto& c : clients) {
    if (c->Tick(ping)) {
      std::weak_ptr<SseClient> weak = c;
      pool_.Submit([weak] {
        if (auto live = weak.lock()) live->ReplayStep();
      });
    }
  }
}

void EventStreams::Shutdown() {
  std::map<uint64_t, std::shared_ptr<SseClient>> clients;
  {
    std::lock_guard lock(shared_->mu);
    if (!shared_->open) return;
    shared_->open = false;
    clients.swap(shared_->clients);
  }
  for (auto& [id, c] : clients) {
    bus_.Unsubscribe(c->subscription());
    c->Close();
    gauge_.Dec();
  }
}

size_t EventStreams::size() const {
  std::lock_guard lock(shared_->mu);
  return shared_->clients.size();
}

}  // namespace ccm::api
