#pragma once
// Reading CML telemetry incrementally, and telling a person's activity from system noise.
//
// GET /telemetry/events answers the controller's whole event list (the 2.9 API has no "since"
// parameter), so the client keeps a watermark per worker: the newest event time handed on and how
// many events at exactly that time were handed on. Only events past it are handed on; events that
// share a timestamp are told apart by their order in the list.
//
// Person activity (what keeps a worker from being stopped as idle): lab and node operations
// (start/stop lab, queue/start/stop/wipe node, import/export lab, packet capture) and
// user_activity, unless the event names a system user (ccm's own service account, CML internals).
// Everything else (boot_node, system_stats, license_info, ...) is system noise.
// Threading: WatermarkStore is thread-safe; the free functions are pure.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cml/cml_types.hpp"

namespace ccm::cml {

struct TelemetryWatermark {
  std::optional<TimePoint> time;  // nullopt: nothing handed on yet
  size_t seen_at_time = 0;        // events at exactly `time` already handed on
};

// True for categories a person causes: lab/node operations and user_activity.
bool IsPersonCategory(std::string_view category);

// A person-category event whose user (id or name) is not one of `system_users`. Events with no
// user at all count as a person's: when in doubt, do not call a worker idle.
bool IsPersonActivity(const TelemetryEvent& event, const std::vector<std::string>& system_users);

// The events past `watermark`, in list order; moves `watermark` past every event in `all`.
std::vector<TelemetryEvent> TakeNewEvents(const std::vector<TelemetryEvent>& all,
                                          TelemetryWatermark* watermark);

class WatermarkStore {
 public:
  // Atomically filters `all` against the worker's watermark and advances it, so two readers of
  // the same worker never hand on the same event twice.
  std::vector<TelemetryEvent> Advance(const std::string& worker_id,
                                      const std::vector<TelemetryEvent>& all);
  TelemetryWatermark Get(const std::string& worker_id) const;
  void Set(const std::string& worker_id, TelemetryWatermark watermark);
  void Forget(std::string_view worker_id);

 private:
  mutable std::mutex mu_;
  std::map<std::string, TelemetryWatermark, std::less<>> marks_;  // guarded by mu_
};

}  // namespace ccm::cml
