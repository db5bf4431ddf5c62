#include "cli/serve_follow.hpp"

#include <algorithm>

#include "core/json.hpp"
#include "core/log.hpp"

namespace ccm::cli {
namespace {

using domain::EventType;
using domain::ServiceStatus;
using domain::WorkerStatus;

constexpr char kActor[] = "system:follow-up";

}  // namespace

bool Settled(const domain::WorkerRecord& w) {
  switch (w.status) {
    case WorkerStatus::kStopped:
    case WorkerStatus::kTerminated:
      return true;
    case WorkerStatus::kRunning:
      return w.service_status == ServiceStatus::kAvailable ||
             w.service_status == ServiceStatus::kError;
    default:
      return false;
  }
}

bool StartsMotion(const domain::DomainEvent& e) {
  switch (e.type) {
    case EventType::kInstanceAssigned:
    case EventType::kStatusChanged:
    case EventType::kServiceStatusChanged:
      return true;
    case EventType::kCommandRequested: {
      auto data = ParseJson(e.data, "event data");
      const std::string command = data ? GetString(*data, "command").value_or("") : "";
      return command == "start" || command == "stop" || command == "terminate" ||
             command == "auto-stop";
    }
    default:
      return false;
  }
}

FollowUp::FollowUp(control::WorkerService& workers, control::EventBus& bus, FollowUpOptions options)
    : workers_(workers), bus_(bus), options_(options) {
  subscription_ = bus_.Subscribe({}, [this](const domain::DomainEvent& e) {
    if (!e.worker_id.empty() && StartsMotion(e)) Track(e.worker_id);
  });
  thread_ = std::thread([this] { Run(); });
}

FollowUp::~FollowUp() { Stop(); }

void FollowUp::Track(const std::string& worker_id) {
  const auto now = SteadyClock::now();
  std::lock_guard lock(mu_);
  if (stopping_) return;
  Entry& e = entries_[worker_id];
  const auto due = now + options_.first_delay;
  if (e.give_up_at == SteadyClock::time_point{} || due < e.due) e.due = due;
  e.delay = options_.first_delay;
  e.give_up_at = now + options_.give_up_after;
  cv_.notify_one();
}

Status FollowUp::TrackUnsettled(store::WorkerStore& store) {
  store::WorkerFilter filter;
  filter.statuses = {WorkerStatus::kPending, WorkerStatus::kStopping, WorkerStatus::kShuttingDown};
  auto moving = store::ListAllWorkers(store, filter);
  if (!moving) return Fail(moving.error());
  for (const auto& w : *moving) {
    if (!w.record().aws_instance_id.empty()) Track(w.id());
  }
  return Ok();
}

void FollowUp::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    entries_.clear();
  }
  if (subscription_ != 0) {
    bus_.Unsubscribe(subscription_);
    subscription_ = 0;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

size_t FollowUp::tracked() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void FollowUp::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (entries_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto next =
        std::min_element(entries_.begin(), entries_.end(),
                         [](const auto& a, const auto& b) { return a.second.due < b.second.due; });
    if (next->second.due > SteadyClock::now()) {
      cv_.wait_until(lock, next->second.due);
      continue;
    }
    const std::string id = next->first;
    // Pushed back now so a Track() during the refresh (our own refresh's events) can pull it
    // forward again.
    next->second.delay = std::min(next->second.delay * 2, options_.max_delay);
    next->second.due = SteadyClock::now() + next->second.delay;
    lock.unlock();
    RefreshOne(id);
    lock.lock();
  }
}

void FollowUp::RefreshOne(const std::string& worker_id) {
  control::RequestContext ctx;
  ctx.actor = kActor;
  auto fresh = workers_.Refresh(ctx, worker_id);
  std::lock_guard lock(mu_);
  auto it = entries_.find(worker_id);
  if (it == entries_.end()) return;
  if (!fresh && fresh.error().code == Code::kNotFound) {
    entries_.erase(it);
    return;
  }
  if (fresh && Settled(*fresh)) {
    entries_.erase(it);
    return;
  }
  if (SteadyClock::now() >= it->second.give_up_at) {
    log::Warn("follow-up: worker did not settle; leaving it to the reconciler",
              {{"worker_id", worker_id},
               {"status", fresh ? std::string(domain::ToString(fresh->status)) : "unknown"},
               {"error", fresh ? "" : fresh.error().ToString()}});
    entries_.erase(it);
  }
}

}  // namespace ccm::cli
