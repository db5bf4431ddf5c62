#include "domain/idle_policy.hpp"

#include <gtest/gtest.h>

namespace ccm::domain {
namespace {

using namespace std::chrono_literals;
const TimePoint kStart{std::chrono::seconds(1'800'000'000)};

// Running since kStart, no activity yet, default settings: warn at 20 min, stop at 30 min,
// start grace 30 min.
WorkerRecord Running() {
  WorkerRecord r;
  r.status = WorkerStatus::kRunning;
  r.created_at = kStart - 1h;
  r.launched_at = kStart - 1h;
  r.last_started_at = kStart;
  return r;
}

IdleSettings Settings(Duration grace = 0min) {
  IdleSettings s;
  s.start_grace = grace;
  return s;
}

bool Has(const IdleAssessment& a, std::string_view text) {
  for (const auto& r : a.reasons) {
    if (r.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(IdlePolicy, WarnsOnceThenStops) {
  WorkerRecord w = Running();
  w.telemetry.last_activity_at = kStart + 10min;
  w.telemetry.last_activity_source = "cml:user_activity";
  auto a = AssessIdle(w, Settings(), kStart + 29min);
  EXPECT_EQ(a.action, IdleAction::kNone);
  EXPECT_FALSE(a.idle);
  EXPECT_EQ(a.idle_since, kStart + 10min);
  EXPECT_EQ(a.idle_for, 19min);
  EXPECT_EQ(a.planned_stop_at, kStart + 40min);
  a = AssessIdle(w, Settings(), kStart + 30min);
  EXPECT_TRUE(a.idle);
  EXPECT_EQ(a.action, IdleAction::kWarn);
  EXPECT_EQ(a.last_activity_source, "cml:user_activity");
  w.idle_warning_sent_for = a.idle_since;
  EXPECT_EQ(AssessIdle(w, Settings(), kStart + 35min).action, IdleAction::kNone);
  a = AssessIdle(w, Settings(), kStart + 40min);
  EXPECT_EQ(a.action, IdleAction::kStop);
  EXPECT_TRUE(a.warning_sent);
}

TEST(IdlePolicy, ActivityStartsANewPeriod) {
  WorkerRecord w = Running();
  w.idle_warning_sent_for = kStart;
  w.telemetry.last_activity_at = kStart + 29min;  // a person acted just before the stop
  auto a = AssessIdle(w, Settings(), kStart + 30min);
  EXPECT_EQ(a.action, IdleAction::kNone);
  EXPECT_FALSE(a.warning_sent);
  EXPECT_EQ(a.planned_stop_at, kStart + 59min);
}

TEST(IdlePolicy, NoStopWithoutAWarningFirst) {
  WorkerRecord w = Running();
  auto a = AssessIdle(w, Settings(), kStart + 2h);
  EXPECT_EQ(a.action, IdleAction::kWarn);
}

TEST(IdlePolicy, StartGraceDelaysTheStop) {
  WorkerRecord w = Running();
  w.idle_warning_sent_for = kStart;
  auto a = AssessIdle(w, Settings(45min), kStart + 35min);
  EXPECT_EQ(a.action, IdleAction::kNone);
  EXPECT_TRUE(Has(a, "start grace until"));
  EXPECT_EQ(a.planned_stop_at, kStart + 45min);
  EXPECT_EQ(AssessIdle(w, Settings(45min), kStart + 45min).action, IdleAction::kStop);
}

TEST(IdlePolicy, DisabledAndKeepUntilBlockWarningsAndStops) {
  WorkerRecord w = Running();
  w.idle_policy.enabled = false;
  auto a = AssessIdle(w, Settings(), kStart + 2h);
  EXPECT_EQ(a.action, IdleAction::kNone);
  EXPECT_FALSE(a.planned_stop_at);
  EXPECT_TRUE(Has(a, "disabled"));
  w.idle_policy = {true, kStart + 3h};
  a = AssessIdle(w, Settings(), kStart + 2h);
  EXPECT_EQ(a.action, IdleAction::kNone);
  EXPECT_TRUE(Has(a, "kept until"));
  EXPECT_EQ(a.planned_stop_at, kStart + 3h);
  a = AssessIdle(w, Settings(), kStart + 3h);
  EXPECT_EQ(a.action, IdleAction::kWarn) << "keep_until in the past no longer blocks";
}

TEST(IdlePolicy, AutoShutdownOffStillWarns) {
  WorkerRecord w = Running();
  IdleSettings s = Settings();
  s.auto_shutdown_enabled = false;
  auto a = AssessIdle(w, s, kStart + 25min);
  EXPECT_EQ(a.action, IdleAction::kWarn);
  w.idle_warning_sent_for = kStart;
  a = AssessIdle(w, s, kStart + 2h);
  EXPECT_EQ(a.action, IdleAction::kNone);
  EXPECT_FALSE(a.planned_stop_at);
  EXPECT_TRUE(Has(a, "auto-shutdown is off"));
}

TEST(IdlePolicy, CpuVetoCountsAsActivityNow) {
  WorkerRecord w = Running();
  w.idle_warning_sent_for = kStart;
  w.telemetry.cpu_utilization = 45.0;
  IdleSettings s = Settings();
  s.cpu_veto_percent = 20.0;
  auto a = AssessIdle(w, s, kStart + 2h);
  EXPECT_EQ(a.action, IdleAction::kNone);
  EXPECT_EQ(a.idle_since, kStart + 2h);
  EXPECT_TRUE(Has(a, "cpu 45.0% is above the 20.0% veto"));
  w.telemetry.cpu_utilization = 5.0;
  EXPECT_EQ(AssessIdle(w, s, kStart + 2h).action, IdleAction::kStop);
}

TEST(IdlePolicy, OnlyRunningWorkersAreIdle) {
  for (WorkerStatus s : kAllWorkerStatuses) {
    if (s == WorkerStatus::kRunning) continue;
    WorkerRecord w = Running();
    w.status = s;
    auto a = AssessIdle(w, Settings(), kStart + 5h);
    EXPECT_EQ(a.action, IdleAction::kNone);
    EXPECT_FALSE(a.idle);
    EXPECT_TRUE(Has(a, "instance is " + std::string(ToString(s))));
  }
  EXPECT_EQ(ToString(IdleAction::kStop), "stop");
}

}  // namespace
}  // namespace ccm::domain
