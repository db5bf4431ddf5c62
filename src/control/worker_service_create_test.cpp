// Create, the background launch and ResumePending.
#include <gmock/gmock.h>

#include "control/service_test_util.hpp"
#include "core/json.hpp"

namespace ccm::control {
namespace {

using domain::WorkerStatus;
using ::testing::ElementsAre;

TEST_F(ServiceTest, CreateAnswersPendingThenTheLaunchAssignsTheInstance) {
  auto created = service_->Create(Admin(), Request());
  ASSERT_TRUE(created.has_value()) << created.error().ToString();
  EXPECT_EQ(created->status, WorkerStatus::kPending);
  EXPECT_EQ(created->created_by, "alice");
  EXPECT_EQ(created->instance_type, "c5.2xlarge");
  EXPECT_EQ(created->ami_id, kAmi);
  EXPECT_EQ(created->cml_version, "2.9.0");
  EXPECT_FALSE(created->client_token.empty());
  service_->Drain();
  auto w = service_->Get(Admin(), created->id);
  ASSERT_TRUE(w.has_value());
  ASSERT_EQ(ec2_.instances().size(), 1u);
  const aws::Instance instance = ec2_.instances()[0];
  EXPECT_EQ(w->aws_instance_id, instance.id);
  EXPECT_EQ(w->public_ip, instance.public_ip);
  EXPECT_EQ(w->https_endpoint, "https://" + instance.public_ip);
  EXPECT_EQ(w->status, WorkerStatus::kPending);
  EXPECT_THAT(Types(Log(w->id)),
              ElementsAre("worker.created", "worker.instance_assigned", "worker.endpoint_changed"));
  // What was launched: the token, the image, default and ccm tags.
  auto spec = ec2_.launches().at(0);
  EXPECT_EQ(spec.client_token, created->client_token);
  EXPECT_EQ(spec.image_id, kAmi);
  EXPECT_EQ(spec.tags.at("Name"), "cml-worker-" + w->id);
  EXPECT_EQ(spec.tags.at("ManagedBy"), "cml-cloud-manager");
  EXPECT_EQ(spec.tags.count(aws::kTagWorkerId), 0u);  // set by the client itself
  EXPECT_EQ(instance.tags.at(aws::kTagWorkerId), w->id);
  EXPECT_EQ(instance.tags.at(aws::kTagManaged), "true");
  EXPECT_EQ(w->tags, instance.tags);
}

TEST_F(ServiceTest, TheClientTokenIsStoredBeforeRunInstancesIsCalled) {
  int checked = 0;
  ec2_.OnCall([&](const std::string& action) {
    if (action != "RunInstances") return;
    auto launches = ec2_.launches();  // the spec is recorded inside; read the store instead
    (void)launches;
    store::WorkerFilter pending;
    pending.statuses = {WorkerStatus::kPending};
    auto all = store::ListAllWorkers(*store_, pending);
    ASSERT_TRUE(all.has_value());
    ASSERT_EQ(all->size(), 1u);
    EXPECT_FALSE(all->front().record().client_token.empty());
    EXPECT_TRUE(all->front().record().aws_instance_id.empty());
    ++checked;
  });
  auto created = service_->Create(Admin(), Request());
  ASSERT_TRUE(created.has_value());
  service_->Drain();
  EXPECT_EQ(checked, 1);
  EXPECT_EQ(ec2_.launches().at(0).client_token, created->client_token);
}

TEST_F(ServiceTest, CreateValidatesRegionTypeAmiTagsAndAccount) {
  auto field_of = [&](CreateWorkerRequest r) {
    auto out = service_->Create(Admin(), r);
    EXPECT_FALSE(out.has_value());
    return out ? std::string("ok") : out.error().field;
  };
  auto r = Request();
  r.region = "mars-1";
  EXPECT_EQ(field_of(r), "region");
  r = Request();
  r.region = "ap-south-1";  // well-formed but not allowed
  EXPECT_EQ(field_of(r), "region");
  r = Request();
  r.instance_type = "p4d.24xlarge";
  EXPECT_EQ(field_of(r), "instance_type");
  r = Request();
  r.ami_id = "ami-zz";
  EXPECT_EQ(field_of(r), "ami_id");
  r = Request();
  r.ami_name = "No-Such-Image*";
  EXPECT_EQ(field_of(r), "ami_name");
  r = Request();
  r.tags = {{"ccm:worker-id", "x"}};
  EXPECT_EQ(field_of(r), "tags.ccm:worker-id");
  r = Request();
  r.account = "nobody";
  EXPECT_EQ(field_of(r), "account");
  r = Request();
  r.name = "../etc";
  EXPECT_EQ(field_of(r), "name");
  settings_.cml_worker_ami_config.clear();
  Build();
  EXPECT_EQ(field_of(Request()), "ami_id");
  EXPECT_TRUE(ec2_.launches().empty());
  auto all = store::ListAllWorkers(*store_, {});
  EXPECT_TRUE(all->empty());
}

TEST_F(ServiceTest, AmiNameResolvesToTheNewestAvailableImage) {
  aws::Image older{"ami-00000000000000001", "CML-2.9.0-a", "", "", "available", "", "", "", {}, {}};
  older.creation_date = clock_.Now() - std::chrono::hours(48);
  aws::Image newer = older;
  newer.id = "ami-00000000000000002";
  newer.name = "CML-2.9.0-b";
  newer.creation_date = clock_.Now() - std::chrono::hours(1);
  aws::Image failed = newer;
  failed.id = "ami-00000000000000003";
  failed.state = "failed";
  failed.creation_date = clock_.Now();
  ec2_.AddImage(older);
  ec2_.AddImage(newer);
  ec2_.AddImage(failed);
  auto r = Request();
  r.ami_name = "CML-2.9.0-*";
  r.instance_type = "t3.xlarge";
  auto created = service_->Create(Admin(), r);
  ASSERT_TRUE(created.has_value()) << created.error().ToString();
  EXPECT_EQ(created->ami_id, "ami-00000000000000002");
  EXPECT_EQ(created->ami_name, "CML-2.9.0-b");
  EXPECT_EQ(created->instance_type, "t3.xlarge");
}

TEST_F(ServiceTest, ADefiniteLaunchRefusalTerminatesTheWorkerWithTheReason) {
  ec2_.FailNext("RunInstances", Error{Code::kResourceExhausted,
                                      "You have requested more vCPU "
                                      "capacity than your current vCPU limit",
                                      "VcpuLimitExceeded", false, "", ""});
  auto created = service_->Create(Admin(), Request());
  ASSERT_TRUE(created.has_value());
  service_->Drain();
  auto w = service_->Get(Admin(), created->id);
  EXPECT_EQ(w->status, WorkerStatus::kTerminated);
  EXPECT_EQ(ec2_.Count("RunInstances"), 1);
  auto events = Log(created->id);
  EXPECT_THAT(Types(events), ElementsAre("worker.created", "worker.command_requested",
                                         "worker.status_changed", "worker.terminated"));
  auto data = ParseJson(events[1].data);
  EXPECT_EQ((*data)["command"], "terminate");
  EXPECT_EQ((*data)["reason"], "launch failed");
  EXPECT_NE((*data)["error"].get<std::string>().find("vCPU"), std::string::npos);
}

TEST_F(ServiceTest, UncertainFailuresKeepThePendingWorkerForResumePending) {
  ec2_.FailNext("RunInstances", Error{Code::kUnavailable, "503", "", true, "", ""},
                WorkerService::kLaunchAttempts);
  auto created = service_->Create(Admin(), Request());
  ASSERT_TRUE(created.has_value());
  service_->Drain();
  EXPECT_EQ(ec2_.Count("RunInstances"), WorkerService::kLaunchAttempts);
  auto w = service_->Get(Admin(), created->id);
  EXPECT_EQ(w->status, WorkerStatus::kPending);
  EXPECT_TRUE(w->aws_instance_id.empty());
  EXPECT_THAT(Types(Log(created->id)), ElementsAre("worker.created"));
  auto report = service_->ResumePending(Admin());
  ASSERT_TRUE(report.has_value());
  EXPECT_THAT(report->resumed, ElementsAre(created->id));
  EXPECT_EQ(ec2_.instances().size(), 1u);
}

TEST_F(ServiceTest, CrashAfterTheLaunchIsRepairedWithTheSameTokenAndOneInstance) {
  // The launch reaches EC2 but its answer is lost, and EC2 stays unreachable for the retries:
  // then the process "crashes" (the service is rebuilt on the same store).
  ec2_.LoseNextLaunchAnswer();
  ec2_.FailNext("RunInstances", Error{Code::kUnavailable, "timeout", "", true, "", ""},
                WorkerService::kLaunchAttempts - 1);
  auto created = service_->Create(Admin(), Request());
  ASSERT_TRUE(created.has_value());
  service_->Drain();
  ASSERT_EQ(ec2_.instances().size(), 1u);
  EXPECT_TRUE(service_->Get(Admin(), created->id)->aws_instance_id.empty());
  Build();
  auto report = service_->ResumePending({"system:startup", "", ""});
  ASSERT_TRUE(report.has_value());
  EXPECT_THAT(report->resumed, ElementsAre(created->id));
  ASSERT_EQ(ec2_.instances().size(), 1u);
  auto w = service_->Get(Admin(), created->id);
  EXPECT_EQ(w->aws_instance_id, ec2_.instances()[0].id);
  for (const auto& spec : ec2_.launches()) EXPECT_EQ(spec.client_token, created->client_token);
  // Resuming again finds nothing to do.
  EXPECT_TRUE(service_->ResumePending(Admin())->resumed.empty());
  EXPECT_EQ(ec2_.instances().size(), 1u);
}

TEST_F(ServiceTest, TerminatedDuringItsLaunchTheNewInstanceIsTerminatedToo) {
  std::string worker_id;
  ec2_.OnCall([&](const std::string& action) {
    if (action != "RunInstances") return;
    store::WorkerFilter pending;
    pending.statuses = {WorkerStatus::kPending};
    auto all = store::ListAllWorkers(*store_, pending);
    ASSERT_EQ(all->size(), 1u);
    worker_id = all->front().id();
    auto ended = service_->Terminate(Admin(), worker_id, {});
    ASSERT_TRUE(ended.has_value()) << ended.error().ToString();
  });
  ASSERT_TRUE(service_->Create(Admin(), Request()).has_value());
  service_->Drain();
  ASSERT_EQ(ec2_.instances().size(), 1u);
  EXPECT_EQ(ec2_.instances()[0].state, "terminated");
  auto w = service_->Get(Admin(), worker_id);
  EXPECT_EQ(w->status, WorkerStatus::kTerminated);
  EXPECT_TRUE(w->aws_instance_id.empty());
}

}  // namespace
}  // namespace ccm::control
