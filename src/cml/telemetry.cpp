#include "cml/telemetry.hpp"

#include <algorithm>
#include <array>

namespace ccm::cml {

bool IsPersonCategory(std::string_view category) {
  static constexpr std::array<std::string_view, 10> kPerson = {
      "start_lab", "stop_lab",   "queue_node", "start_node",     "stop_node",
      "wipe_node", "import_lab", "export_lab", "packet_capture", "user_activity"};
  return std::find(kPerson.begin(), kPerson.end(), category) != kPerson.end();
}

bool IsPersonActivity(const TelemetryEvent& event, const std::vector<std::string>& system_users) {
  if (!IsPersonCategory(event.category)) return false;
  auto is_system = [&](const std::string& who) {
    return !who.empty() &&
           std::find(system_users.begin(), system_users.end(), who) != system_users.end();
  };
  return !is_system(event.user_id) && !is_system(event.username);
}

std::vector<TelemetryEvent> TakeNewEvents(const std::vector<TelemetryEvent>& all,
                                          TelemetryWatermark* watermark) {
  std::vector<TelemetryEvent> fresh;
  size_t skipped_at_mark = 0;
  std::optional<TimePoint> newest = watermark->time;
  for (const TelemetryEvent& e : all) {
    if (watermark->time && e.time < *watermark->time) continue;
    if (watermark->time && e.time == *watermark->time &&
        skipped_at_mark < watermark->seen_at_time) {
      ++skipped_at_mark;
      continue;
    }
    fresh.push_back(e);
    if (!newest || e.time > *newest) newest = e.time;
  }
  if (newest) {
    size_t at_newest = 0;
    for (const TelemetryEvent& e : all) at_newest += e.time == *newest ? 1 : 0;
    // Never move backwards: a shrunken list (controller restarted) keeps the old count.
    if (watermark->time && *newest == *watermark->time) {
      at_newest = std::max(at_newest, watermark->seen_at_time);
    }
    watermark->time = newest;
    watermark->seen_at_time = at_newest;
  }
  return fresh;
}

std::vector<TelemetryEvent> WatermarkStore::Advance(const std::string& worker_id,
                                                    const std::vector<TelemetryEvent>& all) {
  std::lock_guard lock(mu_);
  return TakeNewEvents(all, &marks_[worker_id]);
}

TelemetryWatermark WatermarkStore::Get(const std::string& worker_id) const {
  std::lock_guard lock(mu_);
  auto it = marks_.find(worker_id);
  return it == marks_.end() ? TelemetryWatermark{} : it->second;
}

void WatermarkStore::Set(const std::string& worker_id, TelemetryWatermark watermark) {
  std::lock_guard lock(mu_);
  marks_[worker_id] = watermark;
}

void WatermarkStore::Forget(std::string_view worker_id) {
  std::lock_guard lock(mu_);
  auto it = marks_.find(worker_id);
  if (it != marks_.end()) marks_.erase(it);
}

}  // namespace ccm::cml
