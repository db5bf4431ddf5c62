// Ec2Client against a real moto_server that checks SigV4 (IAM users bootstrapped by the test).
#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <set>

#include "aws/ec2_client.hpp"
#include "aws/ec2_fake_transport.hpp"
#include "aws/ec2_moto_fixture.hpp"
#include "aws/transport.hpp"

namespace ccm::aws {
namespace {

const AwsScope kAdmin{"", testing::MotoEc2::kRegion};
const AwsScope kRestricted{testing::MotoEc2::kRestricted, testing::MotoEc2::kRegion};
const char kUnknownId[] = "i-0123456789abcdef0";

std::vector<std::string> IdsOf(const std::vector<Instance>& instances) {
  std::vector<std::string> ids;
  for (const auto& i : instances) ids.push_back(i.id);
  return ids;
}

class Ec2MotoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    moto_ = new testing::MotoEc2();
    start_error_ = new std::string(moto_->Start());
  }
  static void TearDownTestSuite() {
    delete moto_;
    delete start_error_;
  }
  void SetUp() override {
    ASSERT_EQ(*start_error_, "") << "moto could not be started: " << *start_error_;
    ASSERT_EQ(moto_->Reset(), "");
    counting_ = std::make_unique<CountingTransport>(moto_->transport());
    ec2_ = std::make_unique<Ec2Client>(*counting_);
    auto ami = moto_->SomeAmi();
    ASSERT_TRUE(ami.has_value()) << ami.error().ToString();
    ami_ = ami->first;
    root_device_ = ami->second;
    auto net = moto_->DefaultSubnetAndGroup();
    ASSERT_TRUE(net.has_value()) << net.error().ToString();
    subnet_ = net->first;
    group_ = net->second;
  }

  LaunchSpec Spec(const std::string& token, int count = 1) {
    LaunchSpec s;
    s.client_token = token;
    s.worker_id = "w-" + token;
    s.image_id = ami_;
    s.instance_type = "t3.micro";
    s.subnet_id = subnet_;
    s.security_group_ids = {group_};
    s.count = count;
    return s;
  }

  std::vector<std::string> Launch(const std::string& token, int count = 1) {
    auto r = ec2_->RunInstances(kAdmin, Spec(token, count));
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return r ? IdsOf(r->instances) : std::vector<std::string>{};
  }

  static testing::MotoEc2* moto_;
  static std::string* start_error_;
  std::unique_ptr<CountingTransport> counting_;
  std::unique_ptr<Ec2Client> ec2_;
  std::string ami_, root_device_, subnet_, group_;
};

testing::MotoEc2* Ec2MotoTest::moto_ = nullptr;
std::string* Ec2MotoTest::start_error_ = nullptr;

TEST_F(Ec2MotoTest, LaunchWithPublicIpRootVolumeImdsV2AndTags) {
  LaunchSpec s = Spec("launch-1");
  s.assign_public_ip = true;
  s.key_name = "ops-key";
  s.root_volume_gib = 64;
  s.tags = {{"Name", "cml-w1"}, {"team", "lab"}};
  auto r = ec2_->RunInstances(kAdmin, s);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_FALSE(r->reused);
  ASSERT_EQ(r->instances.size(), 1u);
  const Instance& in = r->instances[0];
  EXPECT_EQ(in.image_id, ami_);
  EXPECT_EQ(in.instance_type, "t3.micro");
  EXPECT_EQ(in.http_tokens, "required");
  EXPECT_EQ(in.key_name, "ops-key");
  EXPECT_EQ(in.subnet_id, subnet_);
  EXPECT_EQ(in.security_group_ids, std::vector<std::string>{group_});
  EXPECT_FALSE(in.public_ip.empty());
  EXPECT_FALSE(in.private_ip.empty());
  EXPECT_TRUE(in.launch_time.has_value());
  EXPECT_EQ(in.Name(), "cml-w1");
  EXPECT_EQ(in.tags.at("ccm:worker-id"), "w-launch-1");
  EXPECT_EQ(in.tags.at("ccm:managed"), "true");
  EXPECT_EQ(in.tags.at("ccm:client-token"), "launch-1");
  EXPECT_EQ(counting_->count("DescribeImages"), 1);  // root device name of the AMI
  EXPECT_EQ(counting_->count("RunInstances"), 1);

  auto volumes = moto_->Raw(
      "ec2", "DescribeVolumes",
      {{"Filter.1.Name", "attachment.instance-id"}, {"Filter.1.Value.1", in.id}}, "2016-11-15");
  ASSERT_TRUE(volumes.has_value()) << volumes.error().ToString();
  pugi::xml_document doc;
  doc.load_string(volumes->c_str());
  pugi::xml_node vol = doc.document_element().child("volumeSet").child("item");
  EXPECT_EQ(std::string(vol.child("size").text().as_string()), "64");
  EXPECT_EQ(std::string(vol.child("volumeType").text().as_string()), "gp3");
  EXPECT_EQ(
      std::string(vol.child("attachmentSet").child("item").child("device").text().as_string()),
      root_device_);
  std::map<std::string, std::string> vol_tags;
  for (auto t : vol.child("tagSet").children("item")) {
    vol_tags[t.child("key").text().as_string()] = t.child("value").text().as_string();
  }
  EXPECT_EQ(vol_tags["ccm:managed"], "true");
  EXPECT_EQ(vol_tags["ccm:worker-id"], "w-launch-1");

  auto found = ec2_->DescribeInstances(kAdmin, {{"tag:ccm:worker-id", {"w-launch-1"}},
                                                {"instance-state-name", {"pending", "running"}},
                                                {"instance-type", {"t3.micro"}},
                                                {"image-id", {ami_}}});
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->at(0).id, in.id);
  EXPECT_EQ(found->at(0).public_ip, in.public_ip);
  auto none = ec2_->DescribeInstances(kAdmin, {{"instance-type", {"c5.9xlarge"}}});
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST_F(Ec2MotoTest, ClientTokenReuseReturnsTheSameInstanceAndLaunchesNoOther) {
  auto first = ec2_->RunInstances(kAdmin, Spec("same-token"));
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  auto again = ec2_->RunInstances(kAdmin, Spec("same-token"));
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_TRUE(again->reused);
  EXPECT_EQ(IdsOf(again->instances), IdsOf(first->instances));
  EXPECT_EQ(again->reservation_id, first->reservation_id);
  EXPECT_EQ(counting_->count("RunInstances"), 1);
  auto all = ec2_->DescribeInstances(kAdmin, {{"tag:ccm:managed", {"true"}}});
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), 1u);
}

TEST_F(Ec2MotoTest, StopWithHibernateStartStatusChecksAndTerminate) {
  auto ids = Launch("lifecycle", 3);
  ASSERT_EQ(ids.size(), 3u);
  // moto accepts Hibernate=true (it has no hibernation rules), so no fallback happens here; the
  // UnsupportedHibernationConfiguration fallback is covered by Ec2ClientTest.
  auto stopped = ec2_->StopInstances(kAdmin, ids, /*hibernate=*/true);
  ASSERT_TRUE(stopped.has_value()) << stopped.error().ToString();
  EXPECT_FALSE(stopped->hibernate_fell_back);
  ASSERT_EQ(stopped->changes.size(), 3u);
  EXPECT_EQ(stopped->changes[0].previous_state, "running");
  auto status = ec2_->DescribeInstanceStatus(kAdmin, ids);
  ASSERT_TRUE(status.has_value()) << status.error().ToString();
  ASSERT_EQ(status->statuses.size(), 3u);
  for (const auto& s : status->statuses) EXPECT_EQ(s.state, "stopped") << s.instance_id;

  auto started = ec2_->StartInstances(kAdmin, ids);
  ASSERT_TRUE(started.has_value()) << started.error().ToString();
  EXPECT_EQ(started->at(0).previous_state, "stopped");
  status = ec2_->DescribeInstanceStatus(kAdmin, ids);
  ASSERT_TRUE(status.has_value());
  for (const auto& s : status->statuses) {
    EXPECT_EQ(s.state, "running");
    EXPECT_EQ(s.instance_check, "ok");
    EXPECT_EQ(s.system_check, "ok");
  }
  auto everything = ec2_->DescribeInstanceStatus(kAdmin, {});
  ASSERT_TRUE(everything.has_value());
  EXPECT_EQ(everything->statuses.size(), 3u);

  auto terminated = ec2_->TerminateInstances(kAdmin, ids);
  ASSERT_TRUE(terminated.has_value()) << terminated.error().ToString();
  EXPECT_EQ(terminated->size(), 3u);
  auto after = ec2_->DescribeInstancesById(kAdmin, ids);
  ASSERT_TRUE(after.has_value());
  for (const auto& in : after->instances) EXPECT_EQ(in.state, "terminated");
}

TEST_F(Ec2MotoTest, CreateAndDeleteTagsWithTagFilters) {
  auto ids = Launch("tags", 2);
  ASSERT_EQ(ids.size(), 2u);
  ASSERT_TRUE(ec2_->CreateTags(kAdmin, {ids[0]}, {{"owner", "ann"}, {"Name", "cml-ann"}}));
  auto ann = ec2_->DescribeInstances(kAdmin, {{"tag:owner", {"ann"}}});
  ASSERT_TRUE(ann.has_value());
  ASSERT_EQ(ann->size(), 1u);
  EXPECT_EQ(ann->at(0).id, ids[0]);
  EXPECT_EQ(ann->at(0).Name(), "cml-ann");
  ASSERT_TRUE(ec2_->DeleteTags(kAdmin, {ids[0]}, {"owner"}));
  ann = ec2_->DescribeInstances(kAdmin, {{"tag:owner", {"ann"}}});
  ASSERT_TRUE(ann.has_value());
  EXPECT_TRUE(ann->empty());
  auto managed = ec2_->DescribeInstances(kAdmin, {{"tag:ccm:managed", {"true"}}});
  ASSERT_TRUE(managed.has_value());
  EXPECT_EQ(managed->size(), 2u);
}

TEST_F(Ec2MotoTest, ExplicitIdsReportTheOnesThatAreGone) {
  auto ids = Launch("explicit", 2);
  ASSERT_EQ(ids.size(), 2u);
  counting_->Clear();
  auto r = ec2_->DescribeInstancesById(kAdmin, {ids[0], kUnknownId, ids[1]});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  std::vector<std::string> got = IdsOf(r->instances);
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()),
            std::set<std::string>(ids.begin(), ids.end()));
  EXPECT_EQ(r->missing_ids, std::vector<std::string>{kUnknownId});
  // moto names the missing id, so the batch is asked again without it: no per-id calls.
  EXPECT_EQ(counting_->count("DescribeInstances"), 2);

  auto status = ec2_->DescribeInstanceStatus(kAdmin, {kUnknownId, ids[0]});
  ASSERT_TRUE(status.has_value()) << status.error().ToString();
  ASSERT_EQ(status->statuses.size(), 1u);
  EXPECT_EQ(status->statuses[0].instance_id, ids[0]);
  EXPECT_EQ(status->missing_ids, std::vector<std::string>{kUnknownId});
}

TEST_F(Ec2MotoTest, PaginationOver2500Instances) {
  // moto pages DescribeInstances by reservation and is slow to render many instances (it scans
  // every tag per instance), so: 25 reservations of 100 instances launched with plain
  // RunInstances calls, and a page of 10 reservations -> 3 pages.
  for (int i = 0; i < 25; ++i) {
    auto r = moto_->Raw("ec2", "RunInstances",
                        {{"ImageId", ami_},
                         {"InstanceType", "t3.micro"},
                         {"MinCount", "100"},
                         {"MaxCount", "100"},
                         {"ClientToken", "bulk-" + std::to_string(i)},
                         {"TagSpecification.1.ResourceType", "instance"},
                         {"TagSpecification.1.Tag.1.Key", "ccm:managed"},
                         {"TagSpecification.1.Tag.1.Value", "true"}},
                        "2016-11-15");
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
  }
  Ec2ClientOptions options;
  options.page_size = 10;
  Ec2Client paged(*counting_, options);
  counting_->Clear();
  auto all = paged.DescribeInstances(kAdmin, {});
  ASSERT_TRUE(all.has_value()) << all.error().ToString();
  EXPECT_EQ(all->size(), 2500u);
  std::vector<std::string> ids = IdsOf(*all);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 2500u);
  EXPECT_EQ(counting_->count("DescribeInstances"), 3);

  auto status = ec2_->DescribeInstanceStatus(kAdmin, ids);
  ASSERT_TRUE(status.has_value()) << status.error().ToString();
  EXPECT_EQ(status->statuses.size(), 2500u);
  EXPECT_TRUE(status->missing_ids.empty());
  EXPECT_EQ(counting_->count("DescribeInstanceStatus"), 25);  // 100 ids per call
}

TEST_F(Ec2MotoTest, ImagesByIdNameAndOwner) {
  auto by_id = ec2_->DescribeImages(kAdmin, ImageQuery{{ami_}, {}, {}});
  ASSERT_TRUE(by_id.has_value()) << by_id.error().ToString();
  ASSERT_EQ(by_id->size(), 1u);
  const Image& image = by_id->at(0);
  EXPECT_EQ(image.root_device_name, root_device_);
  ASSERT_FALSE(image.name.empty());
  auto by_name = ec2_->DescribeImages(kAdmin, ImageQuery{{}, {image.name}, {"amazon"}});
  ASSERT_TRUE(by_name.has_value()) << by_name.error().ToString();
  ASSERT_EQ(by_name->size(), 1u);
  EXPECT_EQ(by_name->at(0).id, ami_);
  auto mine = ec2_->DescribeImages(kAdmin, ImageQuery{{}, {}, {"self"}});
  ASSERT_TRUE(mine.has_value());
  EXPECT_TRUE(mine->empty());
  auto missing = ec2_->DescribeImages(kAdmin, ImageQuery{{"ami-00000000000000000"}, {}, {}});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Code::kInvalidArgument) << missing.error().ToString();
}

TEST_F(Ec2MotoTest, DryRunPreflightAllowsAdminAndDeniesTerminateToTheRestrictedUser) {
  auto ids = Launch("preflight");
  ASSERT_EQ(ids.size(), 1u);
  PreflightTargets targets;
  targets.instance_id = ids[0];
  targets.image_id = ami_;
  auto admin = ec2_->CheckPermissions(kAdmin, targets);
  ASSERT_TRUE(admin.has_value());
  ASSERT_EQ(admin->size(), Ec2Actions().size());
  for (const auto& c : *admin) {
    EXPECT_EQ(c.permission, Permission::kAllowed) << c.action << ": " << c.reason;
  }
  auto restricted = ec2_->CheckPermissions(kRestricted, targets);
  ASSERT_TRUE(restricted.has_value());
  for (const auto& c : *restricted) {
    if (c.action == "TerminateInstances") {
      EXPECT_EQ(c.permission, Permission::kDenied) << c.reason;
      EXPECT_NE(c.reason.find("AccessDenied"), std::string::npos) << c.reason;
    } else {
      EXPECT_EQ(c.permission, Permission::kAllowed) << c.action << ": " << c.reason;
    }
  }
  // Dry runs changed nothing: still one running instance, untagged by the preflight.
  auto after = ec2_->DescribeInstances(kAdmin, {});
  ASSERT_TRUE(after.has_value());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ(after->at(0).state, "running");
  EXPECT_EQ(after->at(0).tags.count("ccm:preflight"), 0u);
  // And the denial is real, not only a dry-run answer.
  auto denied = ec2_->TerminateInstances(kRestricted, ids);
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code, Code::kPermissionDenied);
}

TEST_F(Ec2MotoTest, WrongSecretIsUnauthenticated) {
  Credentials bad = moto_->credentials("");
  bad.secret_access_key = "not-the-secret-of-this-key";
  TransportOptions options;
  options.endpoint_url = moto_->endpoint();
  auto transport = MakeQueryTransport(
      options, [bad](const std::string&) { return Result<Credentials>(bad); },
      SystemClock::Instance());
  Ec2Client ec2(*transport);
  auto r = ec2.DescribeInstances(kAdmin, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Code::kUnauthenticated) << r.error().ToString();
}

}  // namespace
}  // namespace ccm::aws
