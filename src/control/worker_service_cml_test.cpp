// Connect, idle policy, monitoring and metrics, labs, licence, queries and visibility.
#include <gmock/gmock.h>

#include "control/service_test_util.hpp"
#include "core/json.hpp"

namespace ccm::control {
namespace {

using domain::LicenseStatus;
using domain::WorkerStatus;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST_F(ServiceTest, ConnectWalksThroughTheStages) {
  auto w = Launched();
  cml_.Configure(w.id, [](auto& c) { c.readiness = cml::Readiness::kStarting; });
  auto booting = service_->Connect(Admin(), w.id, {});
  ASSERT_TRUE(booting.has_value()) << booting.error().ToString();
  EXPECT_EQ(booting->stage, "waiting_for_cml");  // refreshed on the way: running now
  EXPECT_FALSE(booting->ready);
  EXPECT_EQ(booting->url, "");
  EXPECT_GT(booting->estimate_seconds, 0);
  cml_.Configure(w.id, [](auto& c) { c.readiness = cml::Readiness::kReady; });
  auto ready = service_->Connect(Admin(), w.id, {});
  EXPECT_EQ(ready->stage, "ready");
  EXPECT_TRUE(ready->ready);
  EXPECT_EQ(ready->url, ready->worker.https_endpoint);
  EXPECT_EQ(ready->estimate_seconds, 0);
  ASSERT_TRUE(service_->Stop(Admin(), w.id, {}).has_value());
  ASSERT_TRUE(service_->Refresh(Admin(), w.id).has_value());
  auto stopped = service_->Connect(Admin(), w.id, ConnectRequest{false});
  EXPECT_EQ(stopped->stage, "stopped");
  EXPECT_FALSE(stopped->started);
  EXPECT_EQ(ec2_.Count("StartInstances"), 0);
  auto starting = service_->Connect(Admin(), w.id, ConnectRequest{true});
  ASSERT_TRUE(starting.has_value()) << starting.error().ToString();
  EXPECT_TRUE(starting->started);
  EXPECT_EQ(starting->stage, "starting_instance");
  EXPECT_EQ(ec2_.Count("StartInstances"), 1);
  ASSERT_TRUE(service_->Terminate(Admin(), w.id, {}).has_value());
  EXPECT_EQ(service_->Connect(Admin(), w.id, ConnectRequest{true})->stage, "unavailable");
}

TEST_F(ServiceTest, ConnectWaitsForTheLicenceWhenOneIsExpected) {
  settings_.cml_license_token = "lic-token-secret-1";
  Build();
  auto w = Running();
  auto answer = service_->Connect(Admin(), w.id, {});
  EXPECT_EQ(answer->stage, "license");
  EXPECT_FALSE(answer->ready);
  EXPECT_EQ(answer->url, w.https_endpoint);  // reachable already
  ASSERT_TRUE(service_->RegisterLicense(Admin(), w.id, {}).has_value());
  EXPECT_EQ(service_->Connect(Admin(), w.id, {})->stage, "ready");
}

TEST_F(ServiceTest, IdleReportAndPolicy) {
  auto w = Running();
  clock_.Advance(std::chrono::minutes(45));
  auto idle = service_->GetIdle(Admin(), w.id);
  ASSERT_TRUE(idle.has_value());
  EXPECT_TRUE(idle->enabled);
  EXPECT_TRUE(idle->assessment.idle);
  EXPECT_TRUE(idle->assessment.planned_stop_at.has_value());
  const TimePoint keep = clock_.Now() + std::chrono::hours(2);
  auto kept = service_->SetIdle(Admin(), w.id, IdleUpdate{std::nullopt, true, keep});
  ASSERT_TRUE(kept.has_value()) << kept.error().ToString();
  EXPECT_EQ(kept->keep_until, domain::TruncateToMillis(keep));
  EXPECT_THAT(kept->assessment.reasons, ::testing::Contains(HasSubstr("kept until")));
  auto off = service_->SetIdle(Admin(), w.id, IdleUpdate{false, true, std::nullopt});
  EXPECT_FALSE(off->enabled);
  EXPECT_FALSE(off->keep_until.has_value());
  EXPECT_EQ(Log(w.id).back().type, domain::EventType::kIdlePolicyChanged);
}

TEST_F(ServiceTest, MonitoringAndMetrics) {
  auto w = Running();
  auto on = service_->SetMonitoring(Admin(), w.id, true);
  ASSERT_TRUE(on.has_value()) << on.error().ToString();
  EXPECT_TRUE(on->monitoring);
  EXPECT_EQ(ec2_.instance(w.aws_instance_id)->monitoring_state, "enabled");
  const TimePoint now = clock_.Now();
  cloudwatch_.Seed(w.aws_instance_id, aws::InstanceMetric::kCpuUtilization,
                   now - std::chrono::minutes(10), 12.5);
  cloudwatch_.Seed(w.aws_instance_id, aws::InstanceMetric::kCpuUtilization,
                   now - std::chrono::minutes(5), 40);
  cloudwatch_.Seed(w.aws_instance_id, aws::InstanceMetric::kNetworkIn, now - std::chrono::hours(3),
                   1);  // outside the hour
  auto m = service_->Metrics(Admin(), w.id);
  ASSERT_TRUE(m.has_value()) << m.error().ToString();
  EXPECT_EQ(m->period_seconds, 300);
  EXPECT_EQ(m->end - m->start, std::chrono::hours(1));
  ASSERT_EQ(m->series.size(), 3u);
  EXPECT_EQ(m->series[0].name, "CPUUtilization");
  ASSERT_EQ(m->series[0].points.size(), 2u);
  EXPECT_EQ(m->series[0].latest, 40);
  EXPECT_TRUE(m->series[1].points.empty());
  EXPECT_EQ(m->series[2].name, "NetworkOut");
}

TEST_F(ServiceTest, LabsNeedTheServiceAndActionsAreRecorded) {
  auto w = Launched();
  EXPECT_EQ(service_->ListLabs(Admin(), w.id).error().code, Code::kFailedPrecondition);
  ASSERT_TRUE(service_->Refresh(Admin(), w.id).has_value());
  auto labs = service_->ListLabs(Admin(), w.id);
  ASSERT_TRUE(labs.has_value()) << labs.error().ToString();
  ASSERT_EQ(labs->size(), 2u);
  EXPECT_EQ((*labs)[0].title, "Routing basics");
  ASSERT_TRUE(service_->ControlLab(Admin(), w.id, "lab-b", LabAction::kStart).has_value());
  EXPECT_EQ(cml_.controller(w.id).labs[1].state, "STARTED");
  auto e = Log(w.id).back();
  EXPECT_EQ(e.type, domain::EventType::kCommandRequested);
  EXPECT_EQ((*ParseJson(e.data))["lab_id"], "lab-b");
  auto wipe = service_->ControlLab(Admin(), w.id, "lab-b", LabAction::kWipe);
  EXPECT_EQ(wipe.error().code, Code::kInvalidArgument);  // CML refuses to wipe a running lab
  EXPECT_EQ(service_->ControlLab(Admin(), w.id, "../x", LabAction::kStop).error().field, "lab_id");
  EXPECT_EQ(service_->ControlLab(Admin(), w.id, "nope", LabAction::kStop).error().code,
            Code::kNotFound);
}

TEST_F(ServiceTest, LicenceRegisterAndReleaseNeverLeakTheToken) {
  auto w = Running();
  auto none = service_->RegisterLicense(Admin(), w.id, {});
  EXPECT_EQ(none.error().code, Code::kFailedPrecondition);
  auto reg = service_->RegisterLicense(Admin(), w.id, RegisterLicenseRequest{"tok-sEcReT-42"});
  ASSERT_TRUE(reg.has_value()) << reg.error().ToString();
  EXPECT_EQ(reg->status, LicenseStatus::kRegistered);
  EXPECT_THAT(cml_.controller(w.id).tokens, ElementsAre("tok-sEcReT-42"));
  auto again = service_->RegisterLicense(Admin(), w.id, RegisterLicenseRequest{"tok-sEcReT-42"});
  EXPECT_EQ(again.error().code, Code::kInvalidArgument);
  EXPECT_EQ(again.error().message.find("sEcReT"), std::string::npos);
  cml_.Configure(w.id,
                 [](auto& c) { c.next_deregistration = cml::Deregistration::kDoneLocallyOnly; });
  auto rel = service_->ReleaseLicense(Admin(), w.id);
  ASSERT_TRUE(rel.has_value()) << rel.error().ToString();
  EXPECT_EQ(rel->outcome, cml::Deregistration::kDoneLocallyOnly);
  EXPECT_EQ(rel->license.status, LicenseStatus::kUnregistered);
  auto twice = service_->ReleaseLicense(Admin(), w.id);
  EXPECT_EQ(twice->outcome, cml::Deregistration::kAlreadyDeregistered);
  std::vector<std::string> outcomes;
  for (const auto& e : Log()) {
    EXPECT_EQ(e.data.find("sEcReT"), std::string::npos) << e.data;
    if (e.type != domain::EventType::kLicenseOperation) continue;
    auto data = ParseJson(e.data);
    outcomes.push_back((*data)["operation"].get<std::string>() + ":" +
                       (*data)["outcome"].get<std::string>());
  }
  EXPECT_THAT(outcomes, ElementsAre("register-license:completed", "register-license:failed",
                                    "release-license:completed", "release-license:completed"));
  auto info = service_->GetLicense(Admin(), w.id);
  EXPECT_EQ(info->licensing.registration_status, "NOT_REGISTERED");
}

TEST_F(ServiceTest, ListFiltersPagesAndHidesOtherPeoplesWorkersFromUsers) {
  auto r1 = Request("w1");
  r1.owner = "bob";
  auto r2 = Request("w2");
  auto a = service_->Create(Admin(), r1);
  auto b = service_->Create(Admin(), r2);
  ASSERT_TRUE(a && b);
  service_->Drain();
  ASSERT_TRUE(service_->SetAccess(Admin(), b->id,
                                  AccessUpdate{std::nullopt, std::vector<std::string>{"carol"}}));
  RequestContext bob{"bob", "", "bob"};
  auto mine = service_->List(bob, {});
  ASSERT_TRUE(mine.has_value());
  ASSERT_EQ(mine->items.size(), 1u);
  EXPECT_EQ(mine->items[0].id, a->id);
  EXPECT_EQ(service_->Get(bob, b->id).error().code, Code::kNotFound);
  EXPECT_EQ(service_->Stop(bob, b->id, {}).error().code, Code::kNotFound);
  EXPECT_TRUE(service_->Get(RequestContext{"carol", "", "carol"}, b->id).has_value());
  ListQuery page;
  page.limit = 1;
  auto first = service_->List(Admin(), page);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->total, 2);
  ASSERT_FALSE(first->next_cursor.empty());
  page.cursor = first->next_cursor;
  auto second = service_->List(Admin(), page);
  EXPECT_EQ(second->items.size(), 1u);
  EXPECT_NE(second->items[0].id, first->items[0].id);
  page = {};
  page.limit = 501;
  EXPECT_EQ(service_->List(Admin(), page).error().field, "limit");
  ASSERT_TRUE(service_->Terminate(Admin(), a->id, {}).has_value());
  ASSERT_EQ(service_->Refresh(Admin(), a->id)->status, WorkerStatus::kTerminated);
  EXPECT_EQ(service_->List(Admin(), {})->items.size(), 1u);
  ListQuery all;
  all.include_terminated = true;
  EXPECT_EQ(service_->List(Admin(), all)->items.size(), 2u);
  EXPECT_EQ(service_->Get(Admin(), "../../etc/passwd").error().code, Code::kNotFound);
}

}  // namespace
}  // namespace ccm::control
