#include "control/automation/automation.hpp"

#include <algorithm>

#include "core/log.hpp"

namespace ccm::control::automation {
namespace {

Duration Seconds(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(std::max(s, 0.001)));
}

ReconcilerDeps WithWriter(ReconcilerDeps deps) {
  if (deps.writer == nullptr && deps.service != nullptr) deps.writer = &deps.service->writer();
  return deps;
}

}  // namespace

Automation::Automation(ReconcilerDeps deps)
    : reconciler_(WithWriter(deps)),
      idle_(reconciler_, *WithWriter(deps).writer, *deps.clouds, *deps.clock) {
  const config::Settings& s = reconciler_.settings();
  AddTask("ec2_sweep", s.ec2_sweep_interval_seconds, [this] { return reconciler_.SweepEc2(); });
  AddTask("cml_probe", s.cml_health_check_interval_seconds,
          [this] { return reconciler_.ProbeCml(); });
  AddTask("activity", s.cml_worker_telemetry_collection_interval_seconds,
          [this] { return reconciler_.ReadActivity(); });
  AddTask("idle", s.cml_worker_telemetry_collection_interval_seconds,
          [this] { return idle_.RunOnce(); });
}

Automation::~Automation() { Stop(); }

void Automation::AddTask(const std::string& name, double interval_seconds,
                         std::function<PassReport()> run) {
  PeriodicTaskOptions options;
  options.name = name;
  options.interval = Seconds(interval_seconds);
  options.max_backoff = std::max<Duration>(options.interval * 10, std::chrono::minutes(10));
  Clock& clock = *reconciler_.clock();
  tasks_.push_back(std::make_unique<PeriodicTask>(
      options,
      [name, run = std::move(run)]() -> Status {
        PassReport report = run();
        if (!report.events.empty()) {
          log::Info("loop recorded changes",
                    {{"loop", name}, {"events", std::to_string(report.events.size())}});
        }
        if (report.errors.empty()) return Ok();
        for (const auto& e : report.errors)
          log::Warn("loop step failed", {{"loop", name}, {"error", e}});
        return MakeError(Code::kUnavailable, report.errors.front());
      },
      clock));
}

PassReport Automation::RunOnce() {
  PassReport report = reconciler_.RunOnce();
  PassReport idle = idle_.RunOnce();
  idle.workers = 0;
  report.Merge(std::move(idle));
  return report;
}

void Automation::Start() {
  for (auto& t : tasks_) t->Start();
}

void Automation::Stop() {
  for (auto& t : tasks_) t->Stop();
}

void Automation::TriggerSweep() {
  for (auto& t : tasks_) {
    if (t->name() == "ec2_sweep" || t->name() == "cml_probe") t->Trigger();
  }
}

}  // namespace ccm::control::automation
