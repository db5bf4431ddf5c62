// The reconciler's CML steps: the probe round and the activity read.
#include <algorithm>

#include "control/automation/reconciler.hpp"
#include "control/observe.hpp"
#include "core/log.hpp"

namespace ccm::control::automation {
namespace {

bool Probeable(const domain::WorkerRecord& w) {
  return w.status == domain::WorkerStatus::kRunning && !w.https_endpoint.empty();
}

Duration Seconds(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

}  // namespace

PassReport Reconciler::ProbeCml() {
  PassReport report;
  auto workers = LoadActiveWorkers(deps_.writer->store());
  if (!workers) {
    report.errors.push_back("store: " + log::Redact(workers.error().message));
    return report;
  }
  std::vector<cml::CmlTarget> targets;
  std::vector<std::string> ids;
  for (const auto& w : *workers) {
    if (!Probeable(w)) continue;
    targets.push_back(MakeCmlTarget(deps_.settings, w));
    ids.push_back(w.id);
  }
  report.workers = static_cast<int>(targets.size());
  if (targets.empty()) return report;
  cml::ProbeOptions options;
  options.health = false;
  options.lab_details = false;
  const auto snapshots = deps_.cml->Probe(targets, options);
  const Duration timeout = Seconds(deps_.settings.cml_startup_timeout_seconds);
  for (size_t i = 0; i < snapshots.size() && i < ids.size(); ++i) {
    const cml::WorkerSnapshot& snapshot = snapshots[i];
    Write(
        ids[i],
        [&](domain::Worker& x) {
          // The worker may have stopped since it was listed: the domain then keeps it unavailable.
          ApplySnapshot(x, snapshot, timeout, Context());
          return Ok();
        },
        report);
  }
  return report;
}

Status Reconciler::RefreshActivity(const domain::WorkerRecord& worker, PassReport& report) {
  auto events = deps_.cml->ReadNewEvents(MakeCmlTarget(deps_.settings, worker));
  if (!events) return Fail(events.error());
  const cml::TelemetryEvent* newest = nullptr;
  for (const auto& e : *events) {
    if (e.person_activity && (newest == nullptr || e.time >= newest->time)) newest = &e;
  }
  if (newest == nullptr) return Ok();
  const TimePoint at = newest->time;
  const std::string source = "cml:" + newest->category;
  Write(
      worker.id,
      [&](domain::Worker& x) {
        domain::Telemetry t = x.record().telemetry;
        if (t.last_activity_at && *t.last_activity_at >= at) return Ok();
        t.last_activity_at = at;
        t.last_activity_source = source;
        x.UpdateTelemetry(t, Context());
        return Ok();
      },
      report);
  return Ok();
}

PassReport Reconciler::ReadActivity() {
  PassReport report;
  auto workers = LoadActiveWorkers(deps_.writer->store());
  if (!workers) {
    report.errors.push_back("store: " + log::Redact(workers.error().message));
    return report;
  }
  for (const auto& w : *workers) {
    if (!Probeable(w) || w.service_status != domain::ServiceStatus::kAvailable) continue;
    ++report.workers;
    if (auto st = RefreshActivity(w, report); !st) {
      report.errors.push_back("worker " + w.id + ": activity: " + log::Redact(st.error().message));
    }
  }
  return report;
}

PassReport Reconciler::RunOnce() {
  PassReport report = SweepEc2();
  report.Merge(ProbeCml());
  PassReport activity = ReadActivity();
  activity.scopes = 0;
  activity.workers = 0;
  report.Merge(std::move(activity));
  return report;
}

}  // namespace ccm::control::automation
