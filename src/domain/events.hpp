#pragma once
// Domain events: the record of every change to a worker (and of a few facts about no worker,
// such as an orphan instance). The store appends them to the event log in the same transaction
// as the change they describe; SSE, audit and webhooks read them from there.
//
// An event's data is a JSON object held as text, so this header stays free of nlohmann.
// Times are UTC, truncated to milliseconds. Pure values; thread-compatible.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace ccm::domain {

enum class EventType {
  kCreated,               // worker.created
  kInstanceAssigned,      // worker.instance_assigned
  kStatusChanged,         // worker.status_changed
  kStatusChecksChanged,   // worker.status_checks_changed
  kServiceStatusChanged,  // worker.service_status_changed
  kEndpointChanged,       // worker.endpoint_changed
  kLicenseChanged,        // worker.license_changed
  kLicenseOperation,      // worker.license_operation (register/release started/completed/failed)
  kTelemetryUpdated,      // worker.telemetry_updated
  kTagsChanged,           // worker.tags_changed
  kAccessChanged,         // worker.access_changed (owner, assigned users)
  kMonitoringChanged,     // worker.monitoring_changed
  kIdlePolicyChanged,     // worker.idle_policy_changed
  kIdleWarning,           // worker.idle_warning
  kAutoStopped,           // worker.auto_stopped
  kCommandRequested,      // worker.command_requested
  kTerminated,            // worker.terminated
  kDeleted,               // worker.deleted
  kOrphanFound,           // worker.orphan_found (worker_id empty: no worker knows the instance)
};
inline constexpr size_t kEventTypeCount = 19;

std::string_view ToString(EventType type);
std::optional<EventType> ParseEventType(std::string_view text);
std::array<EventType, kEventTypeCount> AllEventTypes();

// Who made a change and when. Every mutator takes one.
struct ChangeContext {
  std::string actor;     // a user's subject, "token:<name>", or "system:<loop>"
  TimePoint at;          // when the change happened (truncated to ms when recorded)
  std::string trace_id;  // W3C trace id of the request or pass that made it; may be empty
};

inline constexpr std::string_view kActorReconciler = "system:reconciler";
inline constexpr std::string_view kActorIdleDetector = "system:idle-detector";

struct DomainEvent {
  int64_t id = 0;  // assigned by the event log when appended; 0 before
  EventType type = EventType::kCreated;
  std::string worker_id;       // empty for events about no known worker
  int64_t worker_version = 0;  // the worker version this change produced (0: none)
  std::string actor;
  TimePoint occurred_at;
  std::string data = "{}";  // a JSON object
  std::string trace_id;

  bool operator==(const DomainEvent&) const = default;
};

// Milliseconds are the precision of every stored and displayed time.
TimePoint TruncateToMillis(TimePoint t);

// An orphan: an instance tagged as managed by ccm that no worker record knows.
DomainEvent MakeOrphanFoundEvent(std::string_view instance_id, std::string_view region,
                                 std::string_view account, std::string_view ec2_state,
                                 const ChangeContext& ctx);

}  // namespace ccm::domain
