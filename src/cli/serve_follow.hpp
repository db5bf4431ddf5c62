#pragma once
// FollowUp: after a change that leaves a worker on its way somewhere (an instance launched, a
// start, stop or terminate asked for, a state or CML service change), `ccm serve` refreshes that
// worker (WorkerService::Refresh: EC2, then its CML controller) with a growing delay until it
// settles, so the change reaches the API and the event stream without anyone asking for a
// refresh. The reconciler's periodic sweep covers every worker; this only follows the ones that
// are moving, promptly.
// Settled: stopped, terminated, or running with the CML service available or in error. A worker
// that does not settle within give_up_after is dropped (with a log line); one that disappears
// (kNotFound) is dropped silently.
// Events arrive through an EventBus subscription (the callback only records the worker id and
// wakes the thread); refreshes run one at a time on FollowUp's own thread.
// Threading: Track() and tracked() from any thread; Stop() joins the thread (idempotent; the
// destructor calls it). The service and bus must outlive the FollowUp.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "control/event_bus.hpp"
#include "control/worker_service.hpp"
#include "domain/worker.hpp"

namespace ccm::cli {

struct FollowUpOptions {
  std::chrono::milliseconds first_delay{1000};
  std::chrono::milliseconds max_delay{10000};
  std::chrono::milliseconds give_up_after{std::chrono::minutes(15)};
};

// Whether a worker has reached a state where nothing is in motion (see above).
bool Settled(const domain::WorkerRecord& worker);
// Whether an event says its worker may now be moving.
bool StartsMotion(const domain::DomainEvent& event);

class FollowUp {
 public:
  FollowUp(control::WorkerService& workers, control::EventBus& bus, FollowUpOptions options = {});
  ~FollowUp();
  FollowUp(const FollowUp&) = delete;
  FollowUp& operator=(const FollowUp&) = delete;

  // Follows this worker (again from the first delay when it is already followed).
  void Track(const std::string& worker_id);
  // Follows the workers the store holds in pending (with an instance), stopping or
  // shutting-down: changes a previous run left in motion.
  Status TrackUnsettled(store::WorkerStore& store);
  void Stop();
  size_t tracked() const;

 private:
  using SteadyClock = std::chrono::steady_clock;
  struct Entry {
    SteadyClock::time_point due;
    std::chrono::milliseconds delay;
    SteadyClock::time_point give_up_at;
  };

  void Run();
  void RefreshOne(const std::string& worker_id);

  control::WorkerService& workers_;
  control::EventBus& bus_;
  FollowUpOptions options_;
  control::EventBus::SubscriptionId subscription_ = 0;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Entry> entries_;  // guarded by mu_
  bool stopping_ = false;                 // guarded by mu_
  std::thread thread_;
};

}  // namespace ccm::cli
