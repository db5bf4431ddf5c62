#include "control/automation/reconciler.hpp"

#include <gtest/gtest.h>

#include "control/automation/automation_test_util.hpp"

namespace ccm::control::automation {
namespace {

using domain::EventType;
using domain::ServiceStatus;
using domain::WorkerStatus;

TEST_F(AutomationTest, SweepAppliesAwsStateOnceAndEmitsNothingWhenUnchanged) {
  auto w = Launched();
  const int describes = ec2_.Count("DescribeInstances");
  PassReport first = reconciler_->SweepEc2();
  EXPECT_TRUE(first.errors.empty());
  EXPECT_EQ(first.scopes, 1);
  EXPECT_EQ(ec2_.Count("DescribeInstances"), describes + 1);
  EXPECT_EQ(ec2_.Count("DescribeInstanceStatus") >= 1, true);
  EXPECT_EQ(Reload(w.id).status, WorkerStatus::kRunning);
  EXPECT_FALSE(Reload(w.id).https_endpoint.empty());
  PassReport second = reconciler_->SweepEc2();
  EXPECT_TRUE(second.events.empty()) << ::testing::PrintToString(TypesOf(second));
}

TEST_F(AutomationTest, InstanceGoneFromAwsBecomesTerminated) {
  auto w = Available();
  ec2_.Remove(w.aws_instance_id);
  PassReport r = reconciler_->SweepEc2();
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(CountType(r, EventType::kTerminated), 1);
  auto stored = store_->GetWorker(w.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status(), WorkerStatus::kTerminated);
}

TEST_F(AutomationTest, StoppedOutsideCcmIsObservedAndServiceUnavailable) {
  auto w = Available();
  ASSERT_EQ(w.service_status, ServiceStatus::kAvailable);
  ec2_.SetState(w.aws_instance_id, "stopped");
  PassReport r = reconciler_->RunOnce();
  EXPECT_EQ(Reload(w.id).status, WorkerStatus::kStopped);
  EXPECT_EQ(Reload(w.id).service_status, ServiceStatus::kUnavailable);
  EXPECT_EQ(CountType(r, EventType::kStatusChanged), 1);
}

TEST_F(AutomationTest, OrphanReportedOnceThenImportedWhenAutoImportIsOn) {
  aws::Instance orphan;
  orphan.tags[aws::kTagManaged] = "true";
  orphan.image_id = kAmi;
  orphan.instance_type = "c5.2xlarge";
  const std::string id = ec2_.AddInstance(orphan);
  PassReport first = reconciler_->SweepEc2();
  ASSERT_EQ(CountType(first, EventType::kOrphanFound), 1);
  EXPECT_EQ(first.events.front().worker_id, "");
  EXPECT_NE(first.events.front().data.find(id), std::string::npos);
  EXPECT_EQ(CountType(reconciler_->SweepEc2(), EventType::kOrphanFound), 0);

  settings_.auto_import = true;
  BuildLoops();
  PassReport imported = reconciler_->SweepEc2();
  EXPECT_TRUE(imported.errors.empty()) << imported.errors.front();
  EXPECT_EQ(CountType(imported, EventType::kCreated), 1);
  auto worker = store_->FindWorkerByInstanceId(id);
  ASSERT_TRUE(worker.has_value());
  EXPECT_EQ(CountType(reconciler_->SweepEc2(), EventType::kCreated), 0);
}

TEST_F(AutomationTest, FailingRegionDoesNotStopTheOthers) {
  settings_.aws_allowed_regions = {"eu-west-1", kRegion};
  BuildLoops();
  auto w = Launched();
  ec2_.FailNext("DescribeInstances", Error{Code::kUnavailable, "EC2 is down", "", true, "", ""});
  PassReport r = reconciler_->SweepEc2();
  EXPECT_EQ(r.scopes, 2);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors.front().find("eu-west-1"), std::string::npos);
  EXPECT_EQ(Reload(w.id).status, WorkerStatus::kRunning);
}

TEST_F(AutomationTest, ProbeMovesStartingToErrorAfterTimeoutThenAvailable) {
  auto w = Launched();
  cml_.Configure(w.id, [](FakeCmlController& c) { c.readiness = cml::Readiness::kStarting; });
  reconciler_->RunOnce();
  EXPECT_EQ(Reload(w.id).service_status, ServiceStatus::kStarting);
  clock_.Advance(std::chrono::seconds(601));
  PassReport late = reconciler_->ProbeCml();
  EXPECT_EQ(Reload(w.id).service_status, ServiceStatus::kError);
  EXPECT_EQ(CountType(late, EventType::kServiceStatusChanged), 1);
  cml_.Configure(w.id, [](FakeCmlController& c) { c.readiness = cml::Readiness::kReady; });
  PassReport ready = reconciler_->ProbeCml();
  EXPECT_EQ(Reload(w.id).service_status, ServiceStatus::kAvailable);
  EXPECT_EQ(CountType(ready, EventType::kServiceStatusChanged), 1);
  EXPECT_EQ(CountType(reconciler_->ProbeCml(), EventType::kServiceStatusChanged), 0);
}

TEST_F(AutomationTest, PersonActivityMovesLastActivitySystemNoiseDoesNot) {
  auto w = Available();
  const TimePoint person_at = clock_.Now() - std::chrono::seconds(30);
  cml_.Configure(w.id, [&](FakeCmlController& c) {
    cml::TelemetryEvent noise;
    noise.category = "system_stats";
    noise.time = clock_.Now();
    cml::TelemetryEvent person;
    person.category = "start_lab";
    person.time = person_at;
    person.person_activity = true;
    c.new_events = {person, noise};
  });
  PassReport r = reconciler_->ReadActivity();
  EXPECT_TRUE(r.errors.empty());
  auto after = Reload(w.id);
  ASSERT_TRUE(after.telemetry.last_activity_at.has_value());
  EXPECT_EQ(*after.telemetry.last_activity_at, domain::TruncateToMillis(person_at));
  EXPECT_EQ(after.telemetry.last_activity_source, "cml:start_lab");
  EXPECT_TRUE(reconciler_->ReadActivity().events.empty());
}

}  // namespace
}  // namespace ccm::control::automation
