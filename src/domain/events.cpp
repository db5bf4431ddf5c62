#include "domain/events.hpp"

#include "core/json.hpp"

namespace ccm::domain {
namespace {

struct TypeName {
  EventType type;
  std::string_view name;
};

constexpr TypeName kTypeNames[kEventTypeCount] = {
    {EventType::kCreated, "worker.created"},
    {EventType::kInstanceAssigned, "worker.instance_assigned"},
    {EventType::kStatusChanged, "worker.status_changed"},
    {EventType::kStatusChecksChanged, "worker.status_checks_changed"},
    {EventType::kServiceStatusChanged, "worker.service_status_changed"},
    {EventType::kEndpointChanged, "worker.endpoint_changed"},
    {EventType::kLicenseChanged, "worker.license_changed"},
    {EventType::kLicenseOperation, "worker.license_operation"},
    {EventType::kTelemetryUpdated, "worker.telemetry_updated"},
    {EventType::kTagsChanged, "worker.tags_changed"},
    {EventType::kAccessChanged, "worker.access_changed"},
    {EventType::kMonitoringChanged, "worker.monitoring_changed"},
    {EventType::kIdlePolicyChanged, "worker.idle_policy_changed"},
    {EventType::kIdleWarning, "worker.idle_warning"},
    {EventType::kAutoStopped, "worker.auto_stopped"},
    {EventType::kCommandRequested, "worker.command_requested"},
    {EventType::kTerminated, "worker.terminated"},
    {EventType::kDeleted, "worker.deleted"},
    {EventType::kOrphanFound, "worker.orphan_found"},
};

}  // namespace

std::string_view ToString(EventType type) {
  for (const auto& t : kTypeNames) {
    if (t.type == type) return t.name;
  }
  return "worker.invalid";
}

std::optional<EventType> ParseEventType(std::string_view text) {
  for (const auto& t : kTypeNames) {
    if (t.name == text) return t.type;
  }
  return std::nullopt;
}

std::array<EventType, kEventTypeCount> AllEventTypes() {
  std::array<EventType, kEventTypeCount> all{};
  for (size_t i = 0; i < kEventTypeCount; ++i) all[i] = kTypeNames[i].type;
  return all;
}

TimePoint TruncateToMillis(TimePoint t) {
  return TimePoint{std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch())};
}

DomainEvent MakeOrphanFoundEvent(std::string_view instance_id, std::string_view region,
                                 std::string_view account, std::string_view ec2_state,
                                 const ChangeContext& ctx) {
  Json data = {{"aws_instance_id", instance_id},
               {"region", region},
               {"account", account},
               {"ec2_state", ec2_state}};
  DomainEvent e;
  e.type = EventType::kOrphanFound;
  e.actor = ctx.actor;
  e.occurred_at = TruncateToMillis(ctx.at);
  e.data = data.dump();
  e.trace_id = ctx.trace_id;
  return e;
}

}  // namespace ccm::domain
