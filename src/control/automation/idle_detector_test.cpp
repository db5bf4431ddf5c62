#include "control/automation/idle_detector.hpp"

#include <gtest/gtest.h>

#include "control/automation/automation_test_util.hpp"

namespace ccm::control::automation {
namespace {

using domain::EventType;
using domain::WorkerStatus;
using std::chrono::minutes;
using std::chrono::seconds;

// Defaults: warning after 20 idle minutes, stop after 30, start grace 5 (the fixture's).
class IdleTest : public AutomationTest {
 protected:
  // Runs the detector with the reconciler first, as `ccm serve` interleaves them.
  PassReport Tick() {
    reconciler_->RunOnce();
    return detector_->RunOnce();
  }

  void SetTelemetryCpu(const std::string& id, double cpu) {
    auto done = service_->writer().Update(id, [&](domain::Worker& w) {
      domain::Telemetry t = w.record().telemetry;
      t.cpu_utilization = cpu;
      w.UpdateTelemetry(t, {"test", clock_.Now(), ""});
      return Ok();
    });
    ASSERT_TRUE(done.has_value());
  }
};

TEST_F(IdleTest, OneWarningThenExactlyOneStop) {
  auto w = Available();
  clock_.Advance(minutes(19));
  EXPECT_TRUE(Tick().events.empty());
  clock_.Advance(minutes(2));
  PassReport warned = Tick();
  ASSERT_EQ(CountType(warned, EventType::kIdleWarning), 1);
  EXPECT_NE(warned.events.front().data.find("planned"), std::string::npos)
      << warned.events.front().data;
  EXPECT_EQ(CountType(Tick(), EventType::kIdleWarning), 0);
  clock_.Advance(minutes(10));
  PassReport stopped = Tick();
  EXPECT_EQ(CountType(stopped, EventType::kAutoStopped), 1);
  EXPECT_EQ(ec2_.Count("StopInstances"), 1);
  EXPECT_EQ(Reload(w.id).status, WorkerStatus::kStopping);
  clock_.Advance(minutes(5));
  Tick();
  Tick();
  EXPECT_EQ(ec2_.Count("StopInstances"), 1);
  EXPECT_EQ(Reload(w.id).status, WorkerStatus::kStopped);
}

TEST_F(IdleTest, ActivityOneSecondBeforeTheStopKeepsItRunning) {
  auto w = Available();
  clock_.Advance(minutes(21));
  ASSERT_EQ(CountType(Tick(), EventType::kIdleWarning), 1);
  clock_.Advance(minutes(10));
  // The person acts after the last activity read: only the detector's fresh read sees it.
  reconciler_->RunOnce();
  cml_.Configure(w.id, [&](FakeCmlController& c) {
    cml::TelemetryEvent e;
    e.category = "start_node";
    e.time = clock_.Now() - seconds(1);
    e.person_activity = true;
    c.new_events = {e};
  });
  PassReport r = detector_->RunOnce();
  EXPECT_EQ(CountType(r, EventType::kAutoStopped), 0);
  EXPECT_EQ(ec2_.Count("StopInstances"), 0);
  EXPECT_EQ(Reload(w.id).status, WorkerStatus::kRunning);
  EXPECT_EQ(Reload(w.id).telemetry.last_activity_source, "cml:start_node");
}

TEST_F(IdleTest, FailedFreshActivityReadStopsNothing) {
  auto w = Available();
  clock_.Advance(minutes(21));
  Tick();
  clock_.Advance(minutes(10));
  reconciler_->RunOnce();
  cml_.FailNext("ReadNewEvents", Error{Code::kUnavailable, "controller unreachable", "", true, "", ""});
  PassReport r = detector_->RunOnce();
  EXPECT_EQ(ec2_.Count("StopInstances"), 0);
  EXPECT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(Reload(w.id).status, WorkerStatus::kRunning);
}

TEST_F(IdleTest, CpuAboveVetoIsActivity) {
  auto w = Available();
  SetTelemetryCpu(w.id, 55);
  clock_.Advance(minutes(31));
  PassReport r = Tick();
  EXPECT_EQ(CountType(r, EventType::kIdleWarning), 0);
  EXPECT_EQ(ec2_.Count("StopInstances"), 0);
  EXPECT_EQ(Reload(w.id).telemetry.last_activity_source, "cloudwatch:cpu");
  SetTelemetryCpu(w.id, 1);
  clock_.Advance(minutes(19));
  EXPECT_EQ(CountType(Tick(), EventType::kIdleWarning), 0);  // the period restarted
}

TEST_F(IdleTest, NeverWithinStartGrace) {
  settings_.cml_worker_start_grace_minutes = 60;
  BuildLoops();
  auto w = Available();
  clock_.Advance(minutes(21));
  Tick();
  clock_.Advance(minutes(20));
  EXPECT_EQ(CountType(Tick(), EventType::kAutoStopped), 0);
  EXPECT_EQ(ec2_.Count("StopInstances"), 0);
  clock_.Advance(minutes(20));
  EXPECT_EQ(CountType(Tick(), EventType::kAutoStopped), 1);
  EXPECT_EQ(ec2_.Count("StopInstances"), 1);
  EXPECT_EQ(Reload(w.id).status, WorkerStatus::kStopping);
}

TEST_F(IdleTest, NeverWhenDisabledOrKeptUntilLater) {
  auto off = Available("off");
  auto kept = Available("kept");
  IdleUpdate disable;
  disable.enabled = false;
  ASSERT_TRUE(service_->SetIdle(Admin(), off.id, disable).has_value());
  IdleUpdate keep;
  keep.set_keep_until = true;
  keep.keep_until = clock_.Now() + minutes(120);
  ASSERT_TRUE(service_->SetIdle(Admin(), kept.id, keep).has_value());
  for (int i = 0; i < 6; ++i) {
    clock_.Advance(minutes(10));
    PassReport r = Tick();
    EXPECT_EQ(CountType(r, EventType::kAutoStopped), 0);
  }
  EXPECT_EQ(ec2_.Count("StopInstances"), 0);
  EXPECT_EQ(Reload(off.id).status, WorkerStatus::kRunning);
  EXPECT_EQ(Reload(kept.id).status, WorkerStatus::kRunning);
}

TEST_F(IdleTest, AutoShutdownOffStillWarns) {
  settings_.cml_worker_auto_shutdown_enabled = false;
  BuildLoops();
  auto w = Available();
  clock_.Advance(minutes(21));
  EXPECT_EQ(CountType(Tick(), EventType::kIdleWarning), 1);
  clock_.Advance(minutes(30));
  EXPECT_EQ(CountType(Tick(), EventType::kAutoStopped), 0);
  EXPECT_EQ(ec2_.Count("StopInstances"), 0);
  EXPECT_EQ(Reload(w.id).status, WorkerStatus::kRunning);
}

}  // namespace
}  // namespace ccm::control::automation
