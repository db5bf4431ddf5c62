// Worker: what people change (tags, monitoring, idle policy, access) and what the idle detector
// records (warnings, auto-stops).
#include <algorithm>

#include "core/json.hpp"
#include "domain/worker.hpp"
#include "domain/worker_json.hpp"

namespace ccm::domain {
namespace {

std::optional<TimePoint> Truncate(std::optional<TimePoint> t) {
  if (!t) return t;
  return TruncateToMillis(*t);
}

Json TimeOrNull(std::optional<TimePoint> t) { return t ? Json(FormatTime(*t)) : Json(nullptr); }

}  // namespace

Status Worker::ReplaceTags(const Tags& tags, const ChangeContext& ctx) {
  if (auto st = ValidateTags(tags); !st) return st;
  if (auto st = Check(WorkerCommand::kUpdateTags); !st) return st;
  if (tags != record_.tags) ApplyTags(tags, ctx);
  return Ok();
}

Status Worker::MergeTags(const Tags& set, const std::vector<std::string>& remove,
                         const ChangeContext& ctx) {
  Tags merged = record_.tags;
  for (const auto& key : remove) merged.erase(key);
  for (const auto& [key, value] : set) merged[key] = value;
  // Only what the caller sends is checked: tags AWS already holds (aws:*) may stay.
  if (auto st = ValidateTags(set); !st) return st;
  if (merged.size() > kMaxTags) {
    return InvalidArgument("tags", "at most " + std::to_string(kMaxTags) + " tags (would be " +
                                       std::to_string(merged.size()) + ")");
  }
  if (auto st = Check(WorkerCommand::kUpdateTags); !st) return st;
  if (merged != record_.tags) ApplyTags(merged, ctx);
  return Ok();
}

void Worker::ApplyTags(const Tags& tags, const ChangeContext& ctx) {
  Json data = {{"before", ToJson(record_.tags)}, {"after", ToJson(tags)}};
  record_.tags = tags;
  Emit(EventType::kTagsChanged, ctx, data.dump());
}

Status Worker::SetMonitoring(bool enabled, const ChangeContext& ctx) {
  if (auto st = Check(WorkerCommand::kSetMonitoring); !st) return st;
  if (enabled != record_.monitoring) ApplyMonitoring(enabled, ctx);
  return Ok();
}

void Worker::ApplyMonitoring(bool enabled, const ChangeContext& ctx) {
  record_.monitoring = enabled;
  Emit(EventType::kMonitoringChanged, ctx, Json({{"enabled", enabled}}).dump());
}

Status Worker::SetIdlePolicy(const IdlePolicy& policy, const ChangeContext& ctx) {
  if (auto st = Check(WorkerCommand::kSetIdlePolicy); !st) return st;
  IdlePolicy next{policy.enabled, Truncate(policy.keep_until)};
  if (next == record_.idle_policy) return Ok();
  Json data = {{"enabled", next.enabled},
               {"keep_until", TimeOrNull(next.keep_until)},
               {"previous",
                {{"enabled", record_.idle_policy.enabled},
                 {"keep_until", TimeOrNull(record_.idle_policy.keep_until)}}}};
  record_.idle_policy = next;
  Emit(EventType::kIdlePolicyChanged, ctx, data.dump());
  return Ok();
}

Status Worker::SetAccess(std::string_view owner, std::vector<std::string> assigned_users,
                         const ChangeContext& ctx) {
  if (!owner.empty()) {
    if (auto st = ValidateUser(owner, "owner"); !st) return st;
  }
  for (const auto& user : assigned_users) {
    if (auto st = ValidateUser(user, "assigned_users"); !st) return st;
  }
  if (auto st = Check(WorkerCommand::kSetAccess); !st) return st;
  std::sort(assigned_users.begin(), assigned_users.end());
  assigned_users.erase(std::unique(assigned_users.begin(), assigned_users.end()),
                       assigned_users.end());
  if (owner == record_.owner && assigned_users == record_.assigned_users) return Ok();
  Json data = {
      {"owner", owner},
      {"assigned_users", assigned_users},
      {"previous", {{"owner", record_.owner}, {"assigned_users", record_.assigned_users}}}};
  record_.owner = std::string(owner);
  record_.assigned_users = std::move(assigned_users);
  Emit(EventType::kAccessChanged, ctx, data.dump());
  return Ok();
}

bool Worker::RecordIdleWarning(TimePoint idle_since, TimePoint planned_stop_at,
                               const ChangeContext& ctx) {
  idle_since = TruncateToMillis(idle_since);
  if (record_.status != WorkerStatus::kRunning) return false;
  if (record_.idle_warning_sent_for == idle_since) return false;
  record_.idle_warning_sent_for = idle_since;
  auto idle_for = std::chrono::duration_cast<std::chrono::seconds>(ctx.at - idle_since);
  Json data = {{"idle_since", FormatTime(idle_since)},
               {"planned_stop_at", FormatTime(TruncateToMillis(planned_stop_at))},
               {"idle_seconds", idle_for.count()}};
  Emit(EventType::kIdleWarning, ctx, data.dump());
  return true;
}

Status Worker::RecordAutoStop(std::string_view reason, TimePoint idle_since,
                              const ChangeContext& ctx) {
  if (auto st = Check(WorkerCommand::kAutoStop); !st) return st;
  record_.last_command = WorkerCommand::kAutoStop;
  record_.last_command_at = TruncateToMillis(ctx.at);
  record_.last_command_by = ctx.actor;
  auto idle_for = std::chrono::duration_cast<std::chrono::seconds>(ctx.at - idle_since);
  Json data = {{"reason", reason},
               {"idle_since", FormatTime(TruncateToMillis(idle_since))},
               {"idle_seconds", idle_for.count()}};
  Emit(EventType::kAutoStopped, ctx, data.dump());
  return Ok();
}

}  // namespace ccm::domain
