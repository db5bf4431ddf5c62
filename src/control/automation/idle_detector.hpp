#pragma once
// IdleDetector: warns about and stops idle workers (issue 6), deciding with
// domain::AssessIdle and recording through WorkerWriter.
//
// RunOnce(), for every running worker:
// - a CPU reading above idle_cpu_veto_percent is activity now: recorded as last_activity_at
//   (source "cloudwatch:cpu"), so the idle period restarts;
// - kWarn: worker.idle_warning with the planned stop time (once per idle period; the domain
//   refuses a second one);
// - kStop: fresh CML activity is read first (Reconciler::RefreshActivity) and the decision is
//   made again on the re-read record inside the write, so a person acting just before the stop
//   keeps the worker; still idle -> worker.auto_stopped (reason and idle duration), then
//   StopInstances and the answered state observed. When the fresh read fails nothing is
//   stopped (a worker is never stopped on stale knowledge).
// Never stops within the start grace, when idle detection is disabled for the worker, while a
// keep_until is in the future, or when cml_worker_auto_shutdown_enabled is off (the domain's
// rules; warnings still flow then). Threading: thread-safe.
#include "control/automation/reconciler.hpp"

namespace ccm::control::automation {

class IdleDetector {
 public:
  // All must outlive the detector.
  IdleDetector(Reconciler& reconciler, WorkerWriter& writer, CloudClients& clouds, Clock& clock);

  PassReport RunOnce();

 private:
  void Consider(const domain::WorkerRecord& worker, PassReport& report);
  void RecordCpuActivity(const domain::WorkerRecord& worker, PassReport& report);
  void Warn(const domain::WorkerRecord& worker, PassReport& report);
  void StopIfStillIdle(const domain::WorkerRecord& worker, PassReport& report);
  void StopInstance(const domain::WorkerRecord& worker, PassReport& report);
  domain::ChangeContext Context() const;

  Reconciler& reconciler_;
  WorkerWriter& writer_;
  CloudClients& clouds_;
  Clock& clock_;
  domain::IdleSettings idle_;
};

}  // namespace ccm::control::automation
