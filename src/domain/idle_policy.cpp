#include "domain/idle_policy.hpp"

#include <algorithm>
#include <cstdio>

namespace ccm::domain {
namespace {

std::string Percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v);
  return buf;
}

TimePoint IdleSince(const WorkerRecord& w) {
  TimePoint since = w.launched_at.value_or(w.created_at);
  if (w.last_started_at) since = std::max(since, *w.last_started_at);
  if (w.telemetry.last_activity_at) since = std::max(since, *w.telemetry.last_activity_at);
  return since;
}

// Blockers of a stop (and of warnings, when `blocks_warning`), latest end time first-come.
struct Blockers {
  bool warning = false;
  bool stop = false;
  std::optional<TimePoint> until;  // a blocker that lifts by itself (grace, keep_until)
};

Blockers CollectBlockers(const WorkerRecord& w, const IdleSettings& s, TimePoint now,
                         std::vector<std::string>& reasons) {
  Blockers b;
  if (!w.idle_policy.enabled) {
    b.warning = b.stop = true;
    reasons.push_back("idle detection is disabled for this worker");
  }
  if (w.idle_policy.keep_until && *w.idle_policy.keep_until > now) {
    b.warning = b.stop = true;
    b.until = *w.idle_policy.keep_until;
    reasons.push_back("kept until " + FormatTime(*w.idle_policy.keep_until));
  }
  if (w.last_started_at && *w.last_started_at + s.start_grace > now) {
    b.stop = true;
    TimePoint end = *w.last_started_at + s.start_grace;
    b.until = b.until ? std::max(*b.until, end) : end;
    reasons.push_back("start grace until " + FormatTime(end));
  }
  if (!s.auto_shutdown_enabled) {
    b.stop = true;
    reasons.push_back("auto-shutdown is off");
  }
  return b;
}

}  // namespace

std::string_view ToString(IdleAction action) {
  switch (action) {
    case IdleAction::kNone:
      return "none";
    case IdleAction::kWarn:
      return "warn";
    case IdleAction::kStop:
      return "stop";
  }
  return "none";
}

IdleAssessment AssessIdle(const WorkerRecord& w, const IdleSettings& s, TimePoint now) {
  IdleAssessment a;
  a.running = w.status == WorkerStatus::kRunning;
  a.last_activity_at = w.telemetry.last_activity_at;
  a.last_activity_source = w.telemetry.last_activity_source;
  a.idle_since = IdleSince(w);
  if (a.running && s.cpu_veto_percent && w.telemetry.cpu_utilization &&
      *w.telemetry.cpu_utilization > *s.cpu_veto_percent) {
    a.idle_since = std::max(a.idle_since, now);
    a.reasons.push_back("cpu " + Percent(*w.telemetry.cpu_utilization) + " is above the " +
                        Percent(*s.cpu_veto_percent) + " veto");
  }
  a.idle_for = std::max(Duration::zero(), now - a.idle_since);
  a.warn_at = a.idle_since + s.warning_after;
  a.stop_at = a.idle_since + s.stop_after;
  a.warning_sent = w.idle_warning_sent_for == a.idle_since;
  if (!a.running) {
    a.reasons.insert(a.reasons.begin(), "instance is " + std::string(ToString(w.status)));
    return a;
  }
  a.idle = a.idle_for >= s.warning_after;
  Blockers b = CollectBlockers(w, s, now, a.reasons);
  if (!b.stop || (b.until && w.idle_policy.enabled && s.auto_shutdown_enabled)) {
    a.planned_stop_at = b.until ? std::max(a.stop_at, *b.until) : a.stop_at;
  }
  if (now >= a.stop_at && !b.stop && a.warning_sent) {
    a.action = IdleAction::kStop;
  } else if (now >= a.warn_at && !b.warning && !a.warning_sent) {
    // Also when the stop time has passed without a warning (the detector was down): a person
    // gets warned before anything is stopped.
    a.action = IdleAction::kWarn;
  }
  return a;
}

}  // namespace ccm::domain
