#pragma once
// Idle detection as a pure decision: given a worker's record, the idle settings and the time,
// is the worker idle, since when, when will it be warned and stopped, and what should the idle
// detector do now. The detector records the outcome with Worker::RecordIdleWarning /
// RecordAutoStop, and must re-check fresh CML activity before acting on kStop.
//
// Rules (issue 6): the idle period starts at the latest of the last activity and the last start;
// a CPU reading above the veto counts as activity now (record it with UpdateTelemetry so the
// period restarts); one warning per idle period at `warning_after`; a stop at `stop_after`, only
// after that period's warning, never within `start_grace` of a start, never while the worker's
// idle detection is off or a keep_until is in the future, never when auto-shutdown is off
// (warnings still flow). Pure; thread-safe.
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "domain/worker.hpp"

namespace ccm::domain {

struct IdleSettings {
  Duration warning_after = std::chrono::minutes(20);  // cml_worker_max_idle_before_warning_minutes
  Duration stop_after = std::chrono::minutes(30);     // cml_worker_idle_threshold_minutes
  Duration start_grace = std::chrono::minutes(30);    // cml_worker_start_grace_minutes
  bool auto_shutdown_enabled = true;                  // cml_worker_auto_shutdown_enabled
  std::optional<double> cpu_veto_percent;             // CPU above this is activity
};

enum class IdleAction { kNone, kWarn, kStop };
std::string_view ToString(IdleAction action);  // "none", "warn", "stop"

struct IdleAssessment {
  bool running = false;
  bool idle = false;  // running and without activity for at least warning_after
  TimePoint idle_since{};
  Duration idle_for{};
  std::optional<TimePoint> last_activity_at;
  std::string last_activity_source;
  TimePoint warn_at{};                       // idle_since + warning_after
  TimePoint stop_at{};                       // idle_since + stop_after
  std::optional<TimePoint> planned_stop_at;  // when an auto-stop would happen; none when blocked
  bool warning_sent = false;                 // for this idle period
  IdleAction action = IdleAction::kNone;
  // Why the worker is not idle or will not be stopped, for a person: "idle detection is
  // disabled", "kept until ...", "start grace until ...", "auto-shutdown is off",
  // "cpu 45.0% is above the 20.0% veto", "instance is stopped".
  std::vector<std::string> reasons;
};

IdleAssessment AssessIdle(const WorkerRecord& worker, const IdleSettings& settings, TimePoint now);

}  // namespace ccm::domain
