// Start, Stop (with licence release), Terminate (and purge), Refresh, and the events they leave.
#include <gmock/gmock.h>

#include "control/service_test_util.hpp"
#include "core/json.hpp"

namespace ccm::control {
namespace {

using domain::LicenseStatus;
using domain::ServiceStatus;
using domain::WorkerStatus;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

bool CanConnect(const domain::WorkerRecord& r) { return domain::Worker::Restore(r).CanConnect(); }

TEST_F(ServiceTest, RefreshObservesStateChecksAndTheCmlService) {
  auto w = Launched();
  auto r = service_->Refresh(Admin(), w.id);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, WorkerStatus::kRunning);
  EXPECT_EQ(r->status_checks.instance, domain::CheckStatus::kOk);
  EXPECT_EQ(r->status_checks.system, domain::CheckStatus::kOk);
  EXPECT_EQ(r->service_status, ServiceStatus::kAvailable);
  EXPECT_EQ(r->license_status, LicenseStatus::kUnregistered);
  EXPECT_EQ(r->telemetry.active_labs_count, 1);
  EXPECT_TRUE(CanConnect(*r));
  // The probe went to the worker's endpoint with the configured credentials.
  auto target = cml_.targets().back();
  EXPECT_EQ(target.endpoint, r->https_endpoint);
  EXPECT_EQ(target.api_base, r->https_endpoint + "/api/v0");
  EXPECT_EQ(target.username, "admin");
  // A second refresh with nothing new changes nothing.
  const size_t events = Log(w.id).size();
  ASSERT_TRUE(service_->Refresh(Admin(), w.id).has_value());
  EXPECT_EQ(Log(w.id).size(), events);
}

TEST_F(ServiceTest, RefreshOfABootingControllerIsStartingThenErrorAfterTheAllowance) {
  auto w = Launched();
  cml_.Configure(w.id, [](auto& c) { c.readiness = cml::Readiness::kStarting; });
  auto r = service_->Refresh(Admin(), w.id);
  EXPECT_EQ(r->service_status, ServiceStatus::kStarting);
  clock_.Advance(std::chrono::seconds(601));
  r = service_->Refresh(Admin(), w.id);
  EXPECT_EQ(r->service_status, ServiceStatus::kError);
}

TEST_F(ServiceTest, RefreshOfAnInstanceGoneFromAwsTerminatesTheWorker) {
  auto w = Running();
  ec2_.Remove(w.aws_instance_id);
  auto r = service_->Refresh(Admin(), w.id);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, WorkerStatus::kTerminated);
  EXPECT_EQ(r->https_endpoint, "");
}

TEST_F(ServiceTest, StopRecordsTheCommandBeforeCallingAwsThenObservesTheState) {
  auto w = Running();
  bool recorded_first = false;
  ec2_.OnCall([&](const std::string& action) {
    if (action != "StopInstances") return;
    auto stored = store_->GetWorker(w.id);
    recorded_first = stored && stored->record().last_command == domain::WorkerCommand::kStop;
  });
  auto stopped = service_->Stop(Admin(), w.id, {});
  ASSERT_TRUE(stopped.has_value()) << stopped.error().ToString();
  EXPECT_TRUE(recorded_first);
  EXPECT_EQ(stopped->status, WorkerStatus::kStopping);
  EXPECT_EQ(stopped->service_status, ServiceStatus::kUnavailable);
  EXPECT_EQ(stopped->last_command_by, "alice");
  auto events = Log(w.id);
  std::vector<std::string> tail;
  for (size_t i = events.size() - 3; i < events.size(); ++i) {
    tail.emplace_back(ToString(events[i].type));
  }
  EXPECT_THAT(tail, ElementsAre("worker.command_requested", "worker.status_changed",
                                "worker.service_status_changed"));
  EXPECT_EQ(events.back().trace_id, Admin().trace_id);
  EXPECT_EQ(service_->Refresh(Admin(), w.id)->status, WorkerStatus::kStopped);
}

TEST_F(ServiceTest, RefusedTransitionsAreFailedPreconditionWithTheReason) {
  auto w = Running();
  auto started = service_->Start(Admin(), w.id);
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, Code::kFailedPrecondition);
  EXPECT_THAT(started.error().message, HasSubstr("already running"));
  ASSERT_TRUE(service_->Stop(Admin(), w.id, {}).has_value());
  auto again = service_->Stop(Admin(), w.id, {});
  EXPECT_EQ(again.error().code, Code::kFailedPrecondition);
  EXPECT_EQ(ec2_.Count("StartInstances"), 0);
  EXPECT_EQ(ec2_.Count("StopInstances"), 1);
  ASSERT_TRUE(service_->Terminate(Admin(), w.id, {}).has_value());
  ASSERT_EQ(service_->Refresh(Admin(), w.id)->status, WorkerStatus::kTerminated);
  auto refused = service_->Start(Admin(), w.id);
  EXPECT_EQ(refused.error().code, Code::kFailedPrecondition);
  EXPECT_THAT(refused.error().message, HasSubstr("terminated"));
  auto twice = service_->Terminate(Admin(), w.id, {});
  EXPECT_EQ(twice.error().code, Code::kFailedPrecondition);
}

TEST_F(ServiceTest, StartAfterStopRunsAgain) {
  auto w = Running();
  ASSERT_TRUE(service_->Stop(Admin(), w.id, {}).has_value());
  ASSERT_TRUE(service_->Refresh(Admin(), w.id).has_value());
  auto started = service_->Start(Admin(), w.id);
  ASSERT_TRUE(started.has_value()) << started.error().ToString();
  EXPECT_EQ(started->status, WorkerStatus::kPending);
  auto r = service_->Refresh(Admin(), w.id);
  EXPECT_EQ(r->status, WorkerStatus::kRunning);
  EXPECT_EQ(r->service_status, ServiceStatus::kAvailable);
}

TEST_F(ServiceTest, ReleaseLicenseDeregistersBeforeStoppingAndReportsTheOutcome) {
  auto w = Running();
  cml_.Configure(w.id, [](auto& c) {
    c.licensing.registration_status = "COMPLETED";
    c.licensing.authorization_status = "IN_COMPLIANCE";
  });
  ASSERT_EQ(service_->Refresh(Admin(), w.id)->license_status, LicenseStatus::kRegistered);
  auto stopped = service_->Stop(Admin(), w.id, StopRequest{true, false});
  ASSERT_TRUE(stopped.has_value()) << stopped.error().ToString();
  const int release = calls_.IndexOf("cml:DeregisterLicence");
  const int stop = calls_.IndexOf("ec2:StopInstances");
  ASSERT_GE(release, 0);
  EXPECT_LT(release, stop);
  EXPECT_EQ(stopped->license_status, LicenseStatus::kUnregistered);
  int operations = 0;
  for (const auto& e : Log(w.id)) {
    if (e.type == domain::EventType::kLicenseOperation) {
      ++operations;
      EXPECT_EQ((*ParseJson(e.data))["outcome"], "completed");
    }
    if (e.type != domain::EventType::kCommandRequested) continue;
    auto data = ParseJson(e.data);
    EXPECT_EQ((*data)["command"], "stop");
    EXPECT_EQ((*data)["release_license"], true);
    EXPECT_EQ((*data)["license_release"], cml::DeregistrationName(cml::Deregistration::kDone));
  }
  EXPECT_EQ(operations, 1);
}

TEST_F(ServiceTest, ReleaseLicenseIsBestEffortWhenCmlIsNotAvailable) {
  auto w = Launched();  // pending -> refresh makes it running; CML still booting
  cml_.Configure(w.id, [](auto& c) { c.readiness = cml::Readiness::kStarting; });
  ASSERT_TRUE(service_->Refresh(Admin(), w.id).has_value());
  auto stopped = service_->Stop(Admin(), w.id, StopRequest{true, false});
  ASSERT_TRUE(stopped.has_value()) << stopped.error().ToString();
  EXPECT_EQ(cml_.Count("DeregisterLicence"), 0);
  auto events = Log(w.id);
  std::string outcome;
  for (const auto& e : events) {
    if (e.type == domain::EventType::kCommandRequested) {
      outcome = (*ParseJson(e.data))["license_release"];
    }
  }
  EXPECT_THAT(outcome, HasSubstr("skipped"));
}

TEST_F(ServiceTest, TerminateKeepsTheRecordAndPurgeDeletesIt) {
  auto w = Running();
  auto ended = service_->Terminate(Admin(), w.id, {});
  ASSERT_TRUE(ended.has_value()) << ended.error().ToString();
  ASSERT_TRUE(ended->worker.has_value());
  EXPECT_EQ(ended->worker->status, WorkerStatus::kShuttingDown);
  EXPECT_EQ(ec2_.instance(w.aws_instance_id)->state, "terminated");
  EXPECT_THAT(cml_.forgotten(), ElementsAre(w.id));
  EXPECT_EQ(service_->Refresh(Admin(), w.id)->status, WorkerStatus::kTerminated);
  auto purged = service_->Terminate(Admin(), w.id, TerminateRequest{true});
  ASSERT_TRUE(purged.has_value()) << purged.error().ToString();
  EXPECT_TRUE(purged->purged);
  EXPECT_EQ(service_->Get(Admin(), w.id).error().code, Code::kNotFound);
  EXPECT_EQ(Log(w.id).back().type, domain::EventType::kDeleted);
}

TEST_F(ServiceTest, TerminateWithPurgeOfARunningWorkerDoesBoth) {
  auto w = Running();
  auto out = service_->Terminate(Admin(), w.id, TerminateRequest{true});
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  EXPECT_TRUE(out->purged);
  EXPECT_EQ(ec2_.Count("TerminateInstances"), 1);
  EXPECT_FALSE(store_->GetWorker(w.id).has_value());
}

TEST_F(ServiceTest, EveryCommittedEventIsPublishedExactlyOnce) {
  auto w = Running();
  ASSERT_TRUE(service_->Stop(Admin(), w.id, {}).has_value());
  ASSERT_TRUE(service_->Refresh(Admin(), w.id).has_value());
  ASSERT_TRUE(bus_->Poll().has_value());  // a poll re-reading the log publishes nothing again
  ASSERT_TRUE(bus_->Poll().has_value());
  auto log = Log();
  auto seen = published();
  ASSERT_EQ(seen.size(), log.size());
  for (size_t i = 0; i < log.size(); ++i) EXPECT_EQ(seen[i].id, log[i].id) << i;
}

TEST_F(ServiceTest, AConcurrentWriteIsRetriedOnTheFreshWorker) {
  auto w = Running();
  auto stale = store_->GetWorker(w.id);
  ASSERT_TRUE(stale.has_value());
  // Someone else writes first.
  ASSERT_TRUE(service_->SetIdle(Admin(), w.id, IdleUpdate{false, false, std::nullopt}));
  int runs = 0;
  auto out = service_->writer().Update(*stale, [&](domain::Worker& x) {
    ++runs;
    return x.SetMonitoring(true, {"bob", clock_.Now(), ""});
  });
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  EXPECT_EQ(runs, 2);
  EXPECT_TRUE(out->worker.record().monitoring);
  EXPECT_FALSE(out->worker.record().idle_policy.enabled);
}

}  // namespace
}  // namespace ccm::control
