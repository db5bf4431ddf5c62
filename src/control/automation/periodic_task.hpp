#pragma once
// PeriodicTask: one background loop (EC2 sweep, CML probe, idle detector...) as an object.
//
// RunOnce() runs the body once, records ccm_loop_duration_seconds{loop} and, on failure,
// ccm_loop_errors_total{loop}, and plans the next run: `interval` plus up to `jitter` (a fraction
// of the interval, drawn at random) after a success; after n consecutive failures the interval
// doubles per failure, capped at `max_backoff`. Start() runs the body on its own thread at the
// planned times (time from the injected Clock, waited in slices of at most one real second, so a
// ManualClock works too); Trigger() makes the next run happen now; Stop() joins the thread.
// The body must not throw (a throw is logged and counted as a failure).
// Threading: all methods are thread-safe; the body never runs twice at once.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace ccm::control::automation {

struct PeriodicTaskOptions {
  std::string name;  // the metrics' loop label
  Duration interval = std::chrono::seconds(60);
  double jitter = 0.1;  // 0..1, fraction of the interval
  Duration max_backoff = std::chrono::minutes(10);
};

class PeriodicTask {
 public:
  using Body = std::function<Status()>;
  // `clock` must outlive the task.
  PeriodicTask(PeriodicTaskOptions options, Body body, Clock& clock);
  ~PeriodicTask();  // Stop()
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  Status RunOnce();
  void Start();
  void Trigger();
  void Stop();

  TimePoint next_run_at() const;
  int consecutive_failures() const;
  int64_t runs() const;
  const std::string& name() const { return options_.name; }

 private:
  void Loop();
  Duration NextDelay(bool failed);

  const PeriodicTaskOptions options_;
  const Body body_;
  Clock& clock_;
  std::mutex run_mu_;  // one body at a time
  mutable std::mutex mu_;
  std::condition_variable cv_;
  TimePoint next_run_at_;   // guarded by mu_
  int failures_ = 0;        // guarded by mu_
  int64_t runs_ = 0;        // guarded by mu_
  bool triggered_ = false;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  std::mt19937_64 rng_;     // guarded by mu_
  std::thread thread_;
};

}  // namespace ccm::control::automation
