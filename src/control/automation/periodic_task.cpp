#include "control/automation/periodic_task.hpp"

#include <algorithm>
#include <exception>

#include "core/log.hpp"
#include "core/metrics.hpp"

namespace ccm::control::automation {
namespace {

metrics::Histogram& DurationMetric(const std::string& loop) {
  return metrics::Registry::Default()
      .AddHistogram("ccm_loop_duration_seconds", "Duration of one run of a background loop.",
                    {"loop"})
      .WithLabels({loop});
}

metrics::Counter& ErrorMetric(const std::string& loop) {
  return metrics::Registry::Default()
      .AddCounter("ccm_loop_errors_total", "Failed runs of a background loop.", {"loop"})
      .WithLabels({loop});
}

}  // namespace

PeriodicTask::PeriodicTask(PeriodicTaskOptions options, Body body, Clock& clock)
    : options_(std::move(options)),
      body_(std::move(body)),
      clock_(clock),
      next_run_at_(clock.Now()),
      rng_(std::random_device{}()) {
  ErrorMetric(options_.name);  // the series exists (at 0) before the first failure
}

PeriodicTask::~PeriodicTask() { Stop(); }

Duration PeriodicTask::NextDelay(bool failed) {
  if (failed) {
    Duration d = options_.interval;
    for (int i = 0; i < failures_ && d < options_.max_backoff; ++i) d *= 2;
    return std::min(d, std::max(options_.max_backoff, options_.interval));
  }
  const double fraction = std::clamp(options_.jitter, 0.0, 1.0);
  std::uniform_real_distribution<double> draw(0.0, fraction);
  const double extra = draw(rng_) * static_cast<double>(options_.interval.count());
  return options_.interval + Duration(static_cast<Duration::rep>(extra));
}

Status PeriodicTask::RunOnce() {
  std::lock_guard run(run_mu_);
  const auto started = std::chrono::steady_clock::now();
  Status status = Ok();
  try {
    status = body_();
  } catch (const std::exception& e) {
    status = MakeError(Code::kInternal, std::string("loop body threw: ") + e.what());
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  DurationMetric(options_.name).Observe(took.count());
  std::lock_guard lock(mu_);
  ++runs_;
  if (!status) {
    ErrorMetric(options_.name).Inc();
    ++failures_;
    log::Warn("background loop failed",
              {{"loop", options_.name}, {"error", status.error().message}});
  } else {
    failures_ = 0;
  }
  next_run_at_ = clock_.Now() + NextDelay(!status);
  return status;
}

void PeriodicTask::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void PeriodicTask::Trigger() {
  std::lock_guard lock(mu_);
  triggered_ = true;
  cv_.notify_all();
}

void PeriodicTask::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void PeriodicTask::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      while (!stopping_ && !triggered_ && clock_.Now() < next_run_at_) {
        const Duration left = next_run_at_ - clock_.Now();
        cv_.wait_for(lock, std::min<Duration>(left, std::chrono::seconds(1)));
      }
      if (stopping_) return;
      triggered_ = false;
    }
    (void)RunOnce();
  }
}

TimePoint PeriodicTask::next_run_at() const {
  std::lock_guard lock(mu_);
  return next_run_at_;
}

int PeriodicTask::consecutive_failures() const {
  std::lock_guard lock(mu_);
  return failures_;
}

int64_t PeriodicTask::runs() const {
  std::lock_guard lock(mu_);
  return runs_;
}

}  // namespace ccm::control::automation
