#include "control/automation/idle_detector.hpp"

#include <string>

#include "control/observe.hpp"
#include "core/log.hpp"
#include "domain/status.hpp"

namespace ccm::control::automation {
namespace {

std::string Minutes(Duration d) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(d).count();
  return std::to_string(minutes) + " minute" + (minutes == 1 ? "" : "s");
}

void Collect(Result<store::Committed> committed, const std::string& id, PassReport& report) {
  if (!committed) {
    report.errors.push_back("worker " + id + ": " + log::Redact(committed.error().message));
    return;
  }
  for (auto& e : committed->events) report.events.push_back(std::move(e));
}

}  // namespace

IdleDetector::IdleDetector(Reconciler& reconciler, WorkerWriter& writer, CloudClients& clouds,
                           Clock& clock)
    : reconciler_(reconciler),
      writer_(writer),
      clouds_(clouds),
      clock_(clock),
      idle_(IdleSettingsFrom(reconciler.settings())) {}

domain::ChangeContext IdleDetector::Context() const {
  return domain::ChangeContext{std::string(domain::kActorIdleDetector), clock_.Now(), ""};
}

PassReport IdleDetector::RunOnce() {
  PassReport report;
  auto workers = LoadActiveWorkers(writer_.store());
  if (!workers) {
    report.errors.push_back("store: " + log::Redact(workers.error().message));
    return report;
  }
  for (const auto& w : *workers) {
    if (w.status != domain::WorkerStatus::kRunning) continue;
    ++report.workers;
    Consider(w, report);
  }
  return report;
}

void IdleDetector::Consider(const domain::WorkerRecord& worker, PassReport& report) {
  const TimePoint now = clock_.Now();
  if (idle_.cpu_veto_percent && worker.telemetry.cpu_utilization &&
      *worker.telemetry.cpu_utilization > *idle_.cpu_veto_percent) {
    RecordCpuActivity(worker, report);
    return;
  }
  const domain::IdleAssessment a = domain::AssessIdle(worker, idle_, now);
  if (a.action == domain::IdleAction::kWarn) Warn(worker, report);
  if (a.action == domain::IdleAction::kStop) StopIfStillIdle(worker, report);
}

void IdleDetector::RecordCpuActivity(const domain::WorkerRecord& worker, PassReport& report) {
  Collect(writer_.Update(worker.id,
                         [&](domain::Worker& x) {
                           domain::Telemetry t = x.record().telemetry;
                           t.last_activity_at = clock_.Now();
                           t.last_activity_source = "cloudwatch:cpu";
                           x.UpdateTelemetry(t, Context());
                           return Ok();
                         }),
          worker.id, report);
}

void IdleDetector::Warn(const domain::WorkerRecord& worker, PassReport& report) {
  Collect(writer_.Update(worker.id,
                         [&](domain::Worker& x) {
                           const auto a = domain::AssessIdle(x.record(), idle_, clock_.Now());
                           if (a.action != domain::IdleAction::kWarn) return Ok();
                           x.RecordIdleWarning(a.idle_since, a.planned_stop_at.value_or(a.stop_at),
                                               Context());
                           return Ok();
                         }),
          worker.id, report);
}

void IdleDetector::StopIfStillIdle(const domain::WorkerRecord& worker, PassReport& report) {
  if (auto fresh = reconciler_.RefreshActivity(worker, report); !fresh) {
    report.errors.push_back("worker " + worker.id + ": no auto-stop, activity unknown: " +
                            log::Redact(fresh.error().message));
    return;
  }
  bool stop = false;
  auto committed = writer_.Update(worker.id, [&](domain::Worker& x) {
    stop = false;
    const auto a = domain::AssessIdle(x.record(), idle_, clock_.Now());
    if (a.action != domain::IdleAction::kStop) return Ok();
    const std::string reason = "idle for " + Minutes(a.idle_for);
    if (auto st = x.RecordAutoStop(reason, a.idle_since, Context()); !st) return st;
    stop = true;
    return Ok();
  });
  const bool written = committed.has_value();
  Collect(std::move(committed), worker.id, report);
  if (written && stop) StopInstance(worker, report);
}

void IdleDetector::StopInstance(const domain::WorkerRecord& worker, PassReport& report) {
  auto ec2 = clouds_.Ec2(worker.account, worker.region);
  if (!ec2) {
    report.errors.push_back("worker " + worker.id + ": " + log::Redact(ec2.error().message));
    return;
  }
  auto answer =
      (*ec2)->StopInstances({worker.account, worker.region}, {worker.aws_instance_id}, false);
  if (!answer) {
    report.errors.push_back("worker " + worker.id +
                            ": StopInstances: " + log::Redact(answer.error().message));
    return;
  }
  for (const auto& change : answer->changes) {
    if (change.instance_id != worker.aws_instance_id) continue;
    const auto observed = domain::WorkerStatusFromEc2(change.current_state);
    Collect(writer_.Update(worker.id,
                           [&](domain::Worker& x) {
                             x.ObserveState(observed, Context());
                             return Ok();
                           }),
            worker.id, report);
  }
}

}  // namespace ccm::control::automation
