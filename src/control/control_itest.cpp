// WorkerService against real peers: moto_server checking SigV4 (an IAM user bootstrapped by the
// test) for EC2, and cml-sim for the CML controllers, one simulated controller per worker
// allocated through its control API (the sandbox endpoint resolver).
#include <gmock/gmock.h>

#include "aws/ec2_client.hpp"
#include "aws/testing/moto_iam.hpp"
#include "aws/transport.hpp"
#include "cml/cml_client.hpp"
#include "control/worker_service.hpp"
#include "core/ids.hpp"
#include "store/store.hpp"
#include "tests/support/cml_sim.hpp"

namespace ccm::control {
namespace {

using domain::LicenseStatus;
using domain::ServiceStatus;
using domain::WorkerStatus;

constexpr char kRegion[] = "us-east-1";

// Forwards to a real Ec2Api, except that RunInstances answers are lost after EC2 acted on them:
// the launch happened but the caller never learns of it, as when the process dies right after.
class LosingEc2 final : public aws::Ec2Api {
 public:
  explicit LosingEc2(aws::Ec2Api& real) : real_(real) {}
  Result<aws::LaunchResult> RunInstances(const aws::AwsScope& s,
                                         const aws::LaunchSpec& spec) override {
    auto r = real_.RunInstances(s, spec);
    if (!r) return r;
    return MakeError(Code::kUnavailable, "connection reset after RunInstances");
  }
  Result<std::vector<aws::StateChange>> StartInstances(
      const aws::AwsScope& s, const std::vector<std::string>& ids) override {
    return real_.StartInstances(s, ids);
  }
  Result<aws::StopResult> StopInstances(const aws::AwsScope& s, const std::vector<std::string>& ids,
                                        bool h) override {
    return real_.StopInstances(s, ids, h);
  }
  Result<std::vector<aws::StateChange>> TerminateInstances(
      const aws::AwsScope& s, const std::vector<std::string>& ids) override {
    return real_.TerminateInstances(s, ids);
  }
  Result<std::vector<aws::Instance>> DescribeInstances(const aws::AwsScope& s,
                                                       const std::vector<aws::Filter>& f) override {
    return real_.DescribeInstances(s, f);
  }
  Result<aws::InstancesById> DescribeInstancesById(const aws::AwsScope& s,
                                                   const std::vector<std::string>& ids) override {
    return real_.DescribeInstancesById(s, ids);
  }
  Result<aws::InstanceStatusReport> DescribeInstanceStatus(
      const aws::AwsScope& s, const std::vector<std::string>& ids) override {
    return real_.DescribeInstanceStatus(s, ids);
  }
  Status CreateTags(const aws::AwsScope& s, const std::vector<std::string>& ids,
                    const aws::Tags& t) override {
    return real_.CreateTags(s, ids, t);
  }
  Status DeleteTags(const aws::AwsScope& s, const std::vector<std::string>& ids,
                    const std::vector<std::string>& k) override {
    return real_.DeleteTags(s, ids, k);
  }
  Result<std::vector<aws::Image>> DescribeImages(const aws::AwsScope& s,
                                                 const aws::ImageQuery& q) override {
    return real_.DescribeImages(s, q);
  }
  Result<std::vector<aws::MonitoringChange>> MonitorInstances(
      const aws::AwsScope& s, const std::vector<std::string>& ids) override {
    return real_.MonitorInstances(s, ids);
  }
  Result<std::vector<aws::MonitoringChange>> UnmonitorInstances(
      const aws::AwsScope& s, const std::vector<std::string>& ids) override {
    return real_.UnmonitorInstances(s, ids);
  }
  Result<std::vector<aws::PermissionCheck>> CheckPermissions(
      const aws::AwsScope& s, const aws::PreflightTargets& t) override {
    return real_.CheckPermissions(s, t);
  }

 private:
  aws::Ec2Api& real_;
};

class LosingClouds final : public CloudClients {
 public:
  explicit LosingClouds(CloudClients& real) : real_(real) {}
  Result<aws::Ec2Api*> Ec2(const std::string& account, const std::string& region) override {
    auto ec2 = real_.Ec2(account, region);
    if (!ec2) return ec2;
    if (!losing_) losing_ = std::make_unique<LosingEc2>(**ec2);
    return losing_.get();
  }
  Result<aws::CloudWatchApi*> CloudWatch(const std::string& account,
                                         const std::string& region) override {
    return real_.CloudWatch(account, region);
  }

 private:
  CloudClients& real_;
  std::unique_ptr<LosingEc2> losing_;
};

class ControlPeersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    moto_ = new aws::testing::MotoWithAuth();
    sim_ = new ccm::testing::CmlSim();
    error_ = new std::string(moto_->Start());
    if (error_->empty()) *error_ = sim_->Start({});
  }
  static void TearDownTestSuite() {
    delete sim_;
    delete moto_;
    delete error_;
  }

  void SetUp() override {
    ASSERT_EQ(*error_, "") << "test peers could not be started: " << *error_;
    settings_.aws_endpoint_url = moto_->server.endpoint();
    settings_.aws_max_attempts = 2;
    settings_.cml_api_username = "admin";
    settings_.cml_api_password = "admin";
    auto store = store::OpenStore("sqlite::memory:");
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    bus_ = std::make_unique<EventBus>(store_.get());
    aws::TransportOptions options;
    options.endpoint_url = moto_->server.endpoint();
    options.max_attempts = 2;
    clouds_ = MakeCloudClientsWithTransport(
        settings_, aws::MakeQueryTransport(options, aws::testing::FixedCredentials(moto_->admin),
                                           SystemClock::Instance()));
    auto ami = SomeAmi();
    ASSERT_TRUE(ami.has_value()) << ami.error().ToString();
    settings_.cml_worker_ami_config[kRegion].ami_id = ami->id;
    settings_.cml_worker_ami_config[kRegion].cml_version = "2.9.0";
    ami_name_ = ami->name;
    endpoints_ = MakeSandboxEndpointResolver(sim_->control_url());
    service_ = Service(*clouds_);
  }

  void TearDown() override {
    if (service_) service_->Shutdown();
  }

  std::unique_ptr<WorkerService> Service(CloudClients& clouds) {
    WorkerServiceDeps deps;
    deps.settings = settings_;
    deps.store = store_.get();
    deps.bus = bus_.get();
    deps.clouds = &clouds;
    deps.cml = &cml_;
    deps.endpoints = endpoints_.get();
    deps.clock = &SystemClock::Instance();
    return std::make_unique<WorkerService>(std::move(deps));
  }

  aws::Ec2Api& Ec2() { return **clouds_->Ec2("", kRegion); }

  Result<aws::Image> SomeAmi() {
    auto images = Ec2().DescribeImages({"", kRegion}, aws::ImageQuery{{}, {}, {"amazon"}});
    if (!images) return Fail(images.error());
    for (const auto& image : *images) {
      if (image.architecture == "x86_64" && !image.root_device_name.empty() &&
          domain::ValidateAmiId(image.id)) {
        return image;
      }
    }
    return MakeError(Code::kNotFound, "moto lists no usable AMI");
  }

  domain::WorkerRecord Create(const std::string& name) {
    CreateWorkerRequest req;
    req.name = name;
    req.region = kRegion;
    auto created = service_->Create(Admin(), req);
    EXPECT_TRUE(created.has_value()) << created.error().ToString();
    service_->Drain();
    return created ? *service_->Get(Admin(), created->id) : domain::WorkerRecord{};
  }

  std::vector<aws::Instance> ByToken(const std::string& token) {
    auto found =
        Ec2().DescribeInstances({"", kRegion}, {aws::Filter{"tag:ccm:client-token", {token}}});
    EXPECT_TRUE(found.has_value()) << found.error().ToString();
    return found ? *found : std::vector<aws::Instance>{};
  }

  static RequestContext Admin() { return {"alice", RandomHex(16), ""}; }

  static aws::testing::MotoWithAuth* moto_;
  static ccm::testing::CmlSim* sim_;
  static std::string* error_;
  config::Settings settings_;
  std::string ami_name_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<EventBus> bus_;
  std::unique_ptr<CloudClients> clouds_;
  std::unique_ptr<EndpointResolver> endpoints_;
  cml::CmlClient cml_;
  std::unique_ptr<WorkerService> service_;
};

aws::testing::MotoWithAuth* ControlPeersTest::moto_ = nullptr;
ccm::testing::CmlSim* ControlPeersTest::sim_ = nullptr;
std::string* ControlPeersTest::error_ = nullptr;

TEST_F(ControlPeersTest, CreateRunRefreshStopStartTerminate) {
  auto w = Create("itest-life");
  ASSERT_FALSE(w.aws_instance_id.empty());
  ASSERT_FALSE(w.https_endpoint.empty()) << "no simulated controller was allocated";
  EXPECT_EQ(ByToken(w.client_token).size(), 1u);
  auto on_aws = Ec2().DescribeInstancesById({"", kRegion}, {w.aws_instance_id});
  ASSERT_TRUE(on_aws.has_value());
  EXPECT_EQ(on_aws->instances.at(0).tags.at(aws::kTagWorkerId), w.id);
  EXPECT_EQ(on_aws->instances.at(0).instance_type, "c5.2xlarge");

  auto running = service_->Refresh(Admin(), w.id);
  ASSERT_TRUE(running.has_value()) << running.error().ToString();
  EXPECT_EQ(running->status, WorkerStatus::kRunning);
  EXPECT_EQ(running->service_status, ServiceStatus::kAvailable);
  EXPECT_EQ(running->telemetry.active_labs_count, 0);  // the seeded labs are not started
  auto labs = service_->ListLabs(Admin(), w.id);
  ASSERT_TRUE(labs.has_value()) << labs.error().ToString();
  EXPECT_EQ(labs->size(), 2u);
  auto ready = service_->Connect(Admin(), w.id, {});
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->stage, "ready");
  EXPECT_EQ(ready->url, w.https_endpoint);

  auto stopping = service_->Stop(Admin(), w.id, {});
  ASSERT_TRUE(stopping.has_value()) << stopping.error().ToString();
  auto stopped = service_->Refresh(Admin(), w.id);
  ASSERT_TRUE(stopped.has_value());
  EXPECT_EQ(stopped->status, WorkerStatus::kStopped);
  EXPECT_EQ(stopped->service_status, ServiceStatus::kUnavailable);
  EXPECT_EQ(stopped->https_endpoint, w.https_endpoint);  // the same simulated controller

  ASSERT_TRUE(service_->Start(Admin(), w.id).has_value());
  auto again = service_->Refresh(Admin(), w.id);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->status, WorkerStatus::kRunning);
  EXPECT_EQ(again->service_status, ServiceStatus::kAvailable);

  auto ended = service_->Terminate(Admin(), w.id, {});
  ASSERT_TRUE(ended.has_value()) << ended.error().ToString();
  auto gone = service_->Refresh(Admin(), w.id);
  ASSERT_TRUE(gone.has_value());
  EXPECT_EQ(gone->status, WorkerStatus::kTerminated);
  EXPECT_EQ(ByToken(w.client_token).size(), 1u);  // still exactly one instance, terminated
}

TEST_F(ControlPeersTest, CreateByImageName) {
  CreateWorkerRequest req;
  req.name = "itest-by-name";
  req.region = kRegion;
  req.ami_name = ami_name_;
  req.instance_type = "t3.xlarge";
  auto created = service_->Create(Admin(), req);
  ASSERT_TRUE(created.has_value()) << created.error().ToString();
  EXPECT_EQ(created->ami_name, ami_name_);
  req.ami_name = "no-such-image-" + RandomHex(4);
  EXPECT_EQ(service_->Create(Admin(), req).error().field, "ami_name");
  service_->Drain();
}

TEST_F(ControlPeersTest, ImportByTagThenAgainReportsKnown) {
  const std::string course = "course-" + RandomHex(4);
  aws::LaunchSpec spec;
  spec.client_token = "manual-" + RandomHex(8);
  spec.worker_id = "none";
  spec.image_id = settings_.cml_worker_ami_config[kRegion].ami_id;
  spec.instance_type = "t3.xlarge";
  spec.tags = {{"Name", "hand-made"}, {"course", course}};
  auto launched = Ec2().RunInstances({"", kRegion}, spec);
  ASSERT_TRUE(launched.has_value()) << launched.error().ToString();
  const std::string iid = launched->instances.at(0).id;
  ImportRequest req;
  req.region = kRegion;
  req.tags = {{"course", course}};
  req.owner = "bob";
  auto out = service_->Import(Admin(), req);
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  ASSERT_EQ(out->imported.size(), 1u);
  const auto& w = out->imported[0];
  EXPECT_EQ(w.aws_instance_id, iid);
  EXPECT_EQ(w.name, "hand-made");
  EXPECT_EQ(w.owner, "bob");
  auto tagged = Ec2().DescribeInstancesById({"", kRegion}, {iid});
  EXPECT_EQ(tagged->instances.at(0).tags.at(aws::kTagWorkerId), w.id);
  EXPECT_EQ(tagged->instances.at(0).tags.at(aws::kTagManaged), "true");
  auto again = service_->Import(Admin(), req);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->imported.empty());
  ASSERT_EQ(again->already_known.size(), 1u);
  EXPECT_EQ(again->already_known[0].worker_id, w.id);
  ImportRequest by_id;
  by_id.region = kRegion;
  by_id.instance_id = iid;
  EXPECT_EQ(service_->Import(Admin(), by_id)->already_known.size(), 1u);
}

TEST_F(ControlPeersTest, TagsAreWrittenToAwsAndTheRecord) {
  auto w = Create("itest-tags");
  auto put = service_->ReplaceTags(Admin(), w.id, {{"course", "ccnp"}, {"Name", "tags-lab"}});
  ASSERT_TRUE(put.has_value()) << put.error().ToString();
  auto patch = service_->MergeTags(Admin(), w.id, {{"course", std::nullopt}, {"term", "fall"}});
  ASSERT_TRUE(patch.has_value()) << patch.error().ToString();
  auto on_aws = Ec2().DescribeInstancesById({"", kRegion}, {w.aws_instance_id});
  ASSERT_TRUE(on_aws.has_value());
  aws::Tags tags = on_aws->instances.at(0).tags;
  EXPECT_EQ(tags.count("course"), 0u);
  EXPECT_EQ(tags.count("ManagedBy"), 0u);
  EXPECT_EQ(tags.at("term"), "fall");
  EXPECT_EQ(tags.at(aws::kTagWorkerId), w.id);
  EXPECT_EQ(tags, patch->tags);
  // A refresh sees nothing new: the record and AWS agree.
  auto before = store_->ReadEventsAfter(
      0, store::EventFilter{{w.id}, {domain::EventType::kTagsChanged}}, 100);
  ASSERT_TRUE(service_->Refresh(Admin(), w.id).has_value());
  auto refreshed = service_->Get(Admin(), w.id);
  EXPECT_EQ(refreshed->tags, tags);
  EXPECT_EQ(service_->ReplaceTags(Admin(), w.id, {{"ccm:managed", "no"}}).error().field,
            "tags.ccm:managed");
  auto after = store_->ReadEventsAfter(
      0, store::EventFilter{{w.id}, {domain::EventType::kTagsChanged}}, 100);
  EXPECT_EQ(after->size(), before->size());
}

TEST_F(ControlPeersTest, LicenceRegisterAndReleaseOnTheSimulatedController) {
  auto w = Create("itest-licence");
  ASSERT_EQ(service_->Refresh(Admin(), w.id)->service_status, ServiceStatus::kAvailable);
  auto reg = service_->RegisterLicense(Admin(), w.id, RegisterLicenseRequest{"itest-token-0001"});
  ASSERT_TRUE(reg.has_value()) << reg.error().ToString();
  EXPECT_EQ(reg->licensing.registration_status, "COMPLETED");
  EXPECT_EQ(reg->status, LicenseStatus::kRegistered);
  auto rel = service_->Stop(Admin(), w.id, StopRequest{true, false});
  ASSERT_TRUE(rel.has_value()) << rel.error().ToString();
  EXPECT_EQ(rel->license_status, LicenseStatus::kUnregistered);
  ASSERT_TRUE(service_->Refresh(Admin(), w.id).has_value());
  ASSERT_TRUE(service_->Start(Admin(), w.id).has_value());
  ASSERT_EQ(service_->Refresh(Admin(), w.id)->service_status, ServiceStatus::kAvailable);
  auto none = service_->ReleaseLicense(Admin(), w.id);
  ASSERT_TRUE(none.has_value()) << none.error().ToString();
  EXPECT_EQ(none->outcome, cml::Deregistration::kAlreadyDeregistered);
  ASSERT_TRUE(service_->RegisterLicense(Admin(), w.id, RegisterLicenseRequest{"itest-token-0002"}));
  auto done = service_->ReleaseLicense(Admin(), w.id);
  ASSERT_TRUE(done.has_value()) << done.error().ToString();
  EXPECT_EQ(done->outcome, cml::Deregistration::kDone);
  auto log = store_->ReadEventsAfter(0, {}, 10000);
  ASSERT_TRUE(log.has_value());
  for (const auto& e : *log) {
    EXPECT_EQ(e.data.find("itest-token"), std::string::npos) << e.data;
  }
}

TEST_F(ControlPeersTest, CrashBetweenLaunchAndPersistIsRepairedWithOneInstance) {
  LosingClouds losing(*clouds_);
  auto crashing = Service(losing);
  CreateWorkerRequest req;
  req.name = "itest-crash";
  req.region = kRegion;
  auto created = crashing->Create(Admin(), req);
  ASSERT_TRUE(created.has_value()) << created.error().ToString();
  crashing->Drain();
  crashing.reset();  // the "crash": the instance exists, the record does not know it
  ASSERT_EQ(ByToken(created->client_token).size(), 1u);
  EXPECT_TRUE(service_->Get(Admin(), created->id)->aws_instance_id.empty());

  auto report = service_->ResumePending({"system:startup", "", ""});
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_THAT(report->resumed, ::testing::Contains(created->id));
  auto instances = ByToken(created->client_token);
  ASSERT_EQ(instances.size(), 1u);
  EXPECT_EQ(service_->Get(Admin(), created->id)->aws_instance_id, instances[0].id);
}

}  // namespace
}  // namespace ccm::control
