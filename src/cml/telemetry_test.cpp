#include "cml/telemetry.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace ccm::cml {
namespace {

TelemetryEvent Event(std::string category, double t, std::string user = "", std::string lab = "") {
  TelemetryEvent e;
  e.category = std::move(category);
  e.time = FromUnixSeconds(t);
  e.timestamp = FormatTime(e.time);
  e.user_id = std::move(user);
  e.lab_id = std::move(lab);
  return e;
}

std::vector<std::string> Categories(const std::vector<TelemetryEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.category + "@" + e.lab_id);
  return out;
}

TEST(ClassifyTest, LabAndNodeOperationsAndUserActivityArePersonCategories) {
  for (const char* c :
       {"start_lab", "stop_lab", "queue_node", "start_node", "stop_node", "wipe_node", "import_lab",
        "export_lab", "packet_capture", "user_activity"}) {
    EXPECT_TRUE(IsPersonCategory(c)) << c;
  }
  for (const char* c : {"boot_node", "system_stats", "license_info", "running_nodes", "cpuinfo",
                        "meminfo", "resource_pool", "aaa_info", "maintenance_state_change", ""}) {
    EXPECT_FALSE(IsPersonCategory(c)) << c;
  }
}

TEST(ClassifyTest, SystemUsersAreNoise) {
  std::vector<std::string> system = {"ccm-service-id", "ccm"};
  EXPECT_TRUE(IsPersonActivity(Event("start_lab", 1, "student-id"), system));
  EXPECT_FALSE(IsPersonActivity(Event("user_activity", 1, "ccm-service-id"), system));
  TelemetryEvent by_name = Event("stop_lab", 1);
  by_name.username = "ccm";
  EXPECT_FALSE(IsPersonActivity(by_name, system));
  // No user named: counted as a person's, so a worker is never called idle by mistake.
  EXPECT_TRUE(IsPersonActivity(Event("stop_node", 1), system));
  EXPECT_FALSE(IsPersonActivity(Event("system_stats", 1, "student-id"), system));
}

TEST(WatermarkTest, FirstReadHandsOnEverythingThenOnlyNewEvents) {
  TelemetryWatermark mark;
  std::vector<TelemetryEvent> all = {Event("start_lab", 10, "u", "a"),
                                     Event("stop_lab", 20, "u", "b")};
  EXPECT_EQ(TakeNewEvents(all, &mark).size(), 2u);
  EXPECT_TRUE(TakeNewEvents(all, &mark).empty());
  all.push_back(Event("wipe_node", 30, "u", "c"));
  EXPECT_EQ(Categories(TakeNewEvents(all, &mark)), std::vector<std::string>{"wipe_node@c"});
  EXPECT_EQ(ToUnixSeconds(*mark.time), 30);
  EXPECT_EQ(mark.seen_at_time, 1u);
}

TEST(WatermarkTest, EventsSharingATimestampAreToldApartByOrder) {
  TelemetryWatermark mark;
  std::vector<TelemetryEvent> all = {Event("start_lab", 10, "u", "a"),
                                     Event("start_node", 10, "u", "b")};
  EXPECT_EQ(TakeNewEvents(all, &mark).size(), 2u);
  all.push_back(Event("stop_node", 10, "u", "c"));
  EXPECT_EQ(Categories(TakeNewEvents(all, &mark)), std::vector<std::string>{"stop_node@c"});
  EXPECT_EQ(mark.seen_at_time, 3u);
}

TEST(WatermarkTest, OlderEventsAndAShrunkenListAreNotRepeated) {
  TelemetryWatermark mark;
  TakeNewEvents({Event("start_lab", 10), Event("stop_lab", 20), Event("stop_lab", 20)}, &mark);
  // The controller restarted and kept only part of its history.
  EXPECT_TRUE(TakeNewEvents({Event("stop_lab", 20)}, &mark).empty());
  EXPECT_EQ(mark.seen_at_time, 2u);
  EXPECT_EQ(TakeNewEvents({Event("stop_lab", 20), Event("x", 25)}, &mark).size(), 1u);
}

TEST(WatermarkStoreTest, ConcurrentReadersNeverHandOnAnEventTwice) {
  WatermarkStore store;
  std::vector<TelemetryEvent> all;
  for (int i = 0; i < 200; ++i) all.push_back(Event("start_node", i));
  std::atomic<size_t> handed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] { handed += store.Advance("w1", all).size(); });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(handed.load(), 200u);
  store.Forget("w1");
  EXPECT_FALSE(store.Get("w1").time);
  store.Set("w2", TelemetryWatermark{FromUnixSeconds(150), 1});
  EXPECT_EQ(store.Advance("w2", all).size(), 49u);
}

}  // namespace
}  // namespace ccm::cml
