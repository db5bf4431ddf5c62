#include "api/sse_client.hpp"

#include <algorithm>

#include "api/render.hpp"
#include "core/json.hpp"
#include "core/log.hpp"

namespace ccm::api {
namespace {

constexpr size_t kSeenWindow = 4096;

// The bytes a chunk of `size` takes on the wire ("<hex size>\r\n<data>\r\n"), as the stream
// frames it: BufferedBytes counts them.
uint64_t FramedSize(size_t size) {
  uint64_t hex_digits = 1;
  for (size_t n = size; n >= 16; n /= 16) hex_digits++;
  return size + hex_digits + 4;
}

std::string Render(const domain::DomainEvent& e) {
  std::string data = EventJson(e).dump(-1, ' ', false, Json::error_handler_t::replace);
  return "id: " + std::to_string(e.id) + "\nevent: " + std::string(domain::ToString(e.type)) +
         "\ndata: " + data + "\n\n";
}

bool Holds(const Json& data, const std::string& subject) {
  if (GetString(data, "owner").value_or("") == subject) return true;
  auto it = data.find("assigned_users");
  if (it == data.end() || !it->is_array()) return false;
  return std::any_of(it->begin(), it->end(), [&](const Json& u) {
    return u.is_string() && u.get<std::string>() == subject;
  });
}

}  // namespace

SseClient::SseClient(const SseOptions& options, store::EventLog& log, SseRequest request,
                     bool scoped, std::string subject)
    : options_(options),
      log_(log),
      request_(std::move(request)),
      subject_(std::move(subject)),
      scoped_(scoped) {}

control::EventBus::SubscriptionId SseClient::subscription() const {
  std::lock_guard lock(mu_);
  return sub_;
}

std::vector<domain::EventType> SseClient::FetchTypes() const {
  std::vector<domain::EventType> types = request_.types;
  // A user's view follows ownership changes even when they asked for other types only.
  if (scoped_ && !types.empty()) {
    types.push_back(domain::EventType::kCreated);
    types.push_back(domain::EventType::kAccessChanged);
  }
  return types;
}

void SseClient::Attach(std::shared_ptr<httpd::Stream> stream, control::EventBus::SubscriptionId sub,
                       int64_t replay_after, std::set<std::string> visible) {
  std::lock_guard lock(mu_);
  visible_ = std::move(visible);
  stream_ = std::move(stream);
  sub_ = sub;
  replay_after_ = replay_after;
  seen_floor_ = replay_after;
  last_written_ = replay_after;
}

bool SseClient::Admit(const domain::DomainEvent& e) {
  if (e.id <= seen_floor_ || !seen_.insert(e.id).second) return false;
  if (seen_.size() > kSeenWindow) {
    seen_floor_ = *seen_.begin();
    seen_.erase(seen_.begin());
  }
  const auto& ids = request_.worker_ids;
  if (!ids.empty() && std::find(ids.begin(), ids.end(), e.worker_id) == ids.end()) return false;
  if (scoped_ &&
      (e.type == domain::EventType::kCreated || e.type == domain::EventType::kAccessChanged)) {
    auto data = ParseJson(e.data, "data");
    if (data && Holds(*data, subject_)) {
      visible_.insert(e.worker_id);
    } else {
      visible_.erase(e.worker_id);
    }
  }
  const auto& types = request_.types;
  if (!types.empty() && std::find(types.begin(), types.end(), e.type) == types.end()) {
    return false;
  }
  return !scoped_ || (!e.worker_id.empty() && visible_.count(e.worker_id) > 0);
}

bool SseClient::Room() const { return stream_->BufferedBytes() < options_.high_water_bytes; }

size_t SseClient::Unsent() {
  uint64_t buffered = stream_->BufferedBytes();
  // The response head is buffered too but not counted in written_: a small overestimate.
  uint64_t sent = written_ > buffered ? written_ - buffered : 0;
  while (!unsent_.empty() && unsent_.front().second <= sent) unsent_.pop_front();
  return unsent_.size();
}

void SseClient::Write(std::string text, int64_t id) {
  written_ += FramedSize(text.size());
  if (!stream_->Write(std::move(text))) {
    phase_ = Phase::kClosed;
    return;
  }
  if (id <= 0) return;
  last_written_ = id;
  unsent_.emplace_back(id, written_);
  if (Unsent() > options_.queue_events || stream_->BufferedBytes() > options_.max_buffered_bytes) {
    Overflow();
  }
}

void SseClient::Deliver(const domain::DomainEvent& e) { Write(Render(e), e.id); }

void SseClient::Overflow() {
  Json data = {{"reason", "the client fell behind; reconnect with Last-Event-ID"},
               {"last_event_id", last_written_}};
  pending_live_.clear();
  unsent_.clear();
  phase_ = Phase::kClosed;
  stream_->Write("event: overflow\ndata: " + data.dump() + "\n\n");
  stream_->Close();
}

void SseClient::Start() {
  {
    std::lock_guard lock(mu_);
    Write("retry: 3000\n\n", 0);
  }
  ReplayStep();
}

void SseClient::OnLive(const domain::DomainEvent& event) {
  std::lock_guard lock(mu_);
  if (phase_ == Phase::kClosed) return;
  if (phase_ == Phase::kReplaying) {
    pending_live_.push_back(event);
    if (pending_live_.size() > options_.queue_events) {
      // The log holds them: the replay reads on past them before it goes live.
      pending_live_.clear();
      drop_epoch_++;
    }
    return;
  }
  if (Admit(event)) Deliver(event);
}

void SseClient::GoLive() {
  phase_ = Phase::kLive;
  for (const auto& e : pending_live_) {
    if (phase_ != Phase::kLive) break;
    if (Admit(e)) Deliver(e);
  }
  pending_live_.clear();
}

void SseClient::ReplayStep() {
  for (;;) {
    int64_t after;
    uint64_t epoch;
    {
      std::lock_guard lock(mu_);
      if (phase_ != Phase::kReplaying || replay_running_ || !Room()) return;
      replay_running_ = true;
      after = replay_after_;
      epoch = drop_epoch_;
    }
    store::EventFilter filter{request_.worker_ids, FetchTypes()};
    // A batch never fills the queue by itself: replay is paced, not an overflow.
    const int limit = static_cast<int>(
        std::max<size_t>(1, std::min<size_t>(options_.replay_batch, options_.queue_events / 2)));
    auto batch = log_.ReadEventsAfter(after, filter, limit);
    std::lock_guard lock(mu_);
    replay_running_ = false;
    if (phase_ != Phase::kReplaying) return;
    if (!batch) {
      log::Warn("event stream replay failed", {{"error", batch.error().ToString()}});
      phase_ = Phase::kClosed;
      stream_->Close();
      return;
    }
    for (const auto& e : *batch) {
      replay_after_ = std::max(replay_after_, e.id);
      if (Admit(e)) Deliver(e);
      if (phase_ != Phase::kReplaying) return;
    }
    bool caught_up = static_cast<int>(batch->size()) < limit;
    if (caught_up && epoch == drop_epoch_) return GoLive();
  }
}

bool SseClient::Tick(bool ping) {
  std::lock_guard lock(mu_);
  if (!stream_ || phase_ == Phase::kClosed) return false;
  if (ping && Room()) Write(": ping\n\n", 0);
  return phase_ == Phase::kReplaying && !replay_running_ && Room();
}

void SseClient::Close() {
  std::lock_guard lock(mu_);
  phase_ = Phase::kClosed;
  pending_live_.clear();
  unsent_.clear();
  if (stream_) stream_->Close();
}

}  // namespace ccm::api
