#include "cli/serve_follow.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "control/service_test_util.hpp"

namespace ccm::cli {
namespace {

using domain::EventType;
using domain::ServiceStatus;
using domain::WorkerStatus;
using std::chrono::milliseconds;

FollowUpOptions Fast() {
  FollowUpOptions o;
  o.first_delay = milliseconds(10);
  o.max_delay = milliseconds(40);
  o.give_up_after = milliseconds(5000);
  return o;
}

TEST(Settled, OnlyStatesWithNothingInMotion) {
  domain::WorkerRecord w;
  for (auto [status, service, settled] : std::vector<std::tuple<WorkerStatus, ServiceStatus, bool>>{
           {WorkerStatus::kPending, ServiceStatus::kUnavailable, false},
           {WorkerStatus::kRunning, ServiceStatus::kUnavailable, false},
           {WorkerStatus::kRunning, ServiceStatus::kStarting, false},
           {WorkerStatus::kRunning, ServiceStatus::kAvailable, true},
           {WorkerStatus::kRunning, ServiceStatus::kError, true},
           {WorkerStatus::kStopping, ServiceStatus::kUnavailable, false},
           {WorkerStatus::kStopped, ServiceStatus::kUnavailable, true},
           {WorkerStatus::kShuttingDown, ServiceStatus::kUnavailable, false},
           {WorkerStatus::kTerminated, ServiceStatus::kUnavailable, true},
           {WorkerStatus::kUnknown, ServiceStatus::kUnavailable, false}}) {
    w.status = status;
    w.service_status = service;
    EXPECT_EQ(Settled(w), settled) << ToString(status) << "/" << ToString(service);
  }
}

TEST(StartsMotion, LifecycleEventsAndCommandsOnly) {
  domain::DomainEvent e;
  e.type = EventType::kInstanceAssigned;
  EXPECT_TRUE(StartsMotion(e));
  e.type = EventType::kStatusChanged;
  EXPECT_TRUE(StartsMotion(e));
  e.type = EventType::kServiceStatusChanged;
  EXPECT_TRUE(StartsMotion(e));
  e.type = EventType::kTagsChanged;
  EXPECT_FALSE(StartsMotion(e));
  e.type = EventType::kCommandRequested;
  for (const char* c : {"start", "stop", "terminate", "auto-stop"}) {
    e.data = std::string("{\"command\":\"") + c + "\"}";
    EXPECT_TRUE(StartsMotion(e)) << c;
  }
  for (const char* c : {"refresh", "lab-control", "update-tags"}) {
    e.data = std::string("{\"command\":\"") + c + "\"}";
    EXPECT_FALSE(StartsMotion(e)) << c;
  }
  e.data = "not json";
  EXPECT_FALSE(StartsMotion(e));
}

class FollowUpTest : public control::ServiceTest {
 protected:
  // Polls the store until `done` holds for the worker (the FollowUp works in the background).
  template <typename Pred>
  domain::WorkerRecord WaitFor(const std::string& id, Pred done) {
    domain::WorkerRecord last;
    for (int i = 0; i < 500; ++i) {
      auto w = service_->Get(Admin(), id);
      if (w) last = *w;
      if (w && done(*w)) return *w;
      std::this_thread::sleep_for(milliseconds(10));
    }
    ADD_FAILURE() << "worker " << id << " stuck in " << ToString(last.status) << "/"
                  << ToString(last.service_status);
    return last;
  }
  bool Untracked(FollowUp& f) {
    for (int i = 0; i < 500 && f.tracked() != 0; ++i) std::this_thread::sleep_for(milliseconds(10));
    return f.tracked() == 0;
  }
};

TEST_F(FollowUpTest, ALaunchedWorkerIsFollowedUntilItsCmlIsAvailable) {
  FollowUp follow(*service_, *bus_, Fast());
  auto w = Launched();
  ASSERT_EQ(w.status, WorkerStatus::kPending);
  auto ready = WaitFor(w.id, [](const domain::WorkerRecord& r) { return Settled(r); });
  EXPECT_EQ(ready.status, WorkerStatus::kRunning);
  EXPECT_EQ(ready.service_status, ServiceStatus::kAvailable);
  EXPECT_TRUE(Untracked(follow));
}

TEST_F(FollowUpTest, StopAndTerminateAreFollowedToTheirEnd) {
  auto w = Running();
  ASSERT_TRUE(Settled(w));
  FollowUp follow(*service_, *bus_, Fast());
  ASSERT_TRUE(service_->Stop(Admin(), w.id, {}));
  WaitFor(w.id, [](const auto& r) { return r.status == WorkerStatus::kStopped; });
  EXPECT_TRUE(Untracked(follow));
  ASSERT_TRUE(service_->Terminate(Admin(), w.id, {}));
  WaitFor(w.id, [](const auto& r) { return r.status == WorkerStatus::kTerminated; });
  EXPECT_TRUE(Untracked(follow));
}

TEST_F(FollowUpTest, AWorkerThatNeverSettlesIsDroppedAfterTheAllowance) {
  auto w = Launched();
  cml_.Configure(w.id, [](auto& c) { c.readiness = cml::Readiness::kStarting; });
  FollowUpOptions o = Fast();
  o.give_up_after = milliseconds(200);
  FollowUp follow(*service_, *bus_, o);
  follow.Track(w.id);
  EXPECT_EQ(follow.tracked(), 1u);
  EXPECT_TRUE(Untracked(follow));
  auto now = service_->Get(Admin(), w.id);
  ASSERT_TRUE(now);
  EXPECT_EQ(now->status, WorkerStatus::kRunning);
  EXPECT_NE(now->service_status, ServiceStatus::kAvailable);
}

TEST_F(FollowUpTest, UnsettledWorkersFromAPreviousRunAreFollowed) {
  auto w = Running();
  ec2_.SetState(w.aws_instance_id, "stopping");
  ASSERT_TRUE(service_->Refresh(Admin(), w.id));
  ec2_.SetState(w.aws_instance_id, "stopped");
  FollowUp follow(*service_, *bus_, Fast());
  ASSERT_TRUE(follow.TrackUnsettled(*store_));
  EXPECT_EQ(follow.tracked(), 1u);
  WaitFor(w.id, [](const auto& r) { return r.status == WorkerStatus::kStopped; });
  EXPECT_TRUE(Untracked(follow));
}

TEST_F(FollowUpTest, StopEndsFollowing) {
  FollowUp follow(*service_, *bus_, Fast());
  follow.Track("00000000-0000-4000-8000-000000000000");
  follow.Stop();
  EXPECT_EQ(follow.tracked(), 0u);
  follow.Track("00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(follow.tracked(), 0u);
}

}  // namespace
}  // namespace ccm::cli
