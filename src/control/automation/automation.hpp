#pragma once
// Automation: the background loops of `ccm serve`, assembled from a WorkerService's
// dependencies. Four PeriodicTasks (see periodic_task.hpp), each with its interval from the
// settings:
//   ec2_sweep  (ec2_sweep_interval_seconds)                        Reconciler::SweepEc2
//   cml_probe  (cml_health_check_interval_seconds)                 Reconciler::ProbeCml
//   activity   (cml_worker_telemetry_collection_interval_seconds)  Reconciler::ReadActivity
//   idle       (cml_worker_telemetry_collection_interval_seconds)  IdleDetector::RunOnce
// A run that reports any error counts as a failed run for its loop (metrics, backoff); the other
// workers and scopes of that run were still handled. RunOnce() runs one full pass in order
// (sweep, probe, activity, idle) on the calling thread: `ccm reconcile --once` and tests.
// Start() starts the loops on their own threads; Stop() (also the destructor) joins them.
// Threading: thread-safe.
#include <memory>
#include <vector>

#include "control/automation/idle_detector.hpp"
#include "control/automation/periodic_task.hpp"
#include "control/automation/reconciler.hpp"

namespace ccm::control::automation {

class Automation {
 public:
  // deps.service is required (its writer is used); everything must outlive the Automation.
  explicit Automation(ReconcilerDeps deps);
  ~Automation();
  Automation(const Automation&) = delete;
  Automation& operator=(const Automation&) = delete;

  PassReport RunOnce();
  void Start();
  void Stop();
  // Runs the EC2 sweep (then the probe) at once, e.g. after a user's start/stop.
  void TriggerSweep();

  Reconciler& reconciler() { return reconciler_; }
  IdleDetector& idle_detector() { return idle_; }
  const std::vector<std::unique_ptr<PeriodicTask>>& tasks() const { return tasks_; }

 private:
  void AddTask(const std::string& name, double interval_seconds, std::function<PassReport()> run);

  Reconciler reconciler_;
  IdleDetector idle_;
  std::vector<std::unique_ptr<PeriodicTask>> tasks_;
};

}  // namespace ccm::control::automation
