// Import and tags.
#include <gmock/gmock.h>

#include "control/service_test_util.hpp"

namespace ccm::control {
namespace {

using domain::WorkerStatus;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

aws::Instance Existing(const std::string& name, const std::string& state = "running") {
  aws::Instance i;
  i.state = state;
  i.instance_type = "c5.2xlarge";
  i.image_id = "ami-0123456789abcdef0";
  i.private_ip = "10.1.0.9";
  i.public_ip = "198.51.100.9";
  i.monitoring_state = "disabled";
  if (!name.empty()) i.tags["Name"] = name;
  i.tags["team"] = "netops";
  return i;
}

TEST_F(ServiceTest, ImportByIdCreatesWorkersAndReportsKnownOnes) {
  const std::string a = ec2_.AddInstance(Existing("cml-a"));
  const std::string b = ec2_.AddInstance(Existing("", "stopped"));
  ImportRequest req;
  req.region = kRegion;
  req.instance_ids = {a, b};
  req.owner = "bob";
  auto out = service_->Import(Admin(), req);
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  ASSERT_EQ(out->imported.size(), 2u);
  EXPECT_TRUE(out->already_known.empty());
  const auto& wa = out->imported[0];
  EXPECT_EQ(wa.name, "cml-a");
  EXPECT_EQ(wa.aws_instance_id, a);
  EXPECT_EQ(wa.status, WorkerStatus::kRunning);
  EXPECT_EQ(wa.owner, "bob");
  EXPECT_EQ(wa.https_endpoint, "https://198.51.100.9");
  EXPECT_EQ(wa.tags.at("team"), "netops");
  EXPECT_EQ(out->imported[1].name, b);  // no Name tag: the instance id
  EXPECT_EQ(out->imported[1].status, WorkerStatus::kStopped);
  // ccm's tags were written on the instances, and match the record.
  EXPECT_EQ(ec2_.instance(a)->tags.at(aws::kTagWorkerId), wa.id);
  EXPECT_EQ(ec2_.instance(a)->tags.at(aws::kTagManaged), "true");
  EXPECT_EQ(ec2_.instance(a)->tags, wa.tags);
  // Again: nothing new, both reported.
  auto again = service_->Import(Admin(), req);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->imported.empty());
  ASSERT_EQ(again->already_known.size(), 2u);
  EXPECT_EQ(again->already_known[0].worker_id, wa.id);
  EXPECT_EQ(store::ListAllWorkers(*store_, {})->size(), 2u);
}

TEST_F(ServiceTest, ImportByTagsOrImageNameSkipsEndedInstances) {
  auto tagged = Existing("lab-x");
  tagged.tags["course"] = "ccna";
  const std::string x = ec2_.AddInstance(tagged);
  auto gone = tagged;
  gone.state = "terminated";
  ec2_.AddInstance(gone);
  ec2_.AddInstance(Existing("other"));
  ImportRequest by_tag;
  by_tag.region = kRegion;
  by_tag.tags = {{"course", "ccna"}};
  auto out = service_->Import(Admin(), by_tag);
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  ASSERT_EQ(out->imported.size(), 1u);
  EXPECT_EQ(out->imported[0].aws_instance_id, x);
  ec2_.AddImage(
      aws::Image{"ami-0123456789abcdef0", "CML-2.9.0", "", "", "available", "", "", "", {}, {}});
  ImportRequest by_image;
  by_image.region = kRegion;
  by_image.ami_name = "CML-2.9*";
  auto all = service_->Import(Admin(), by_image);
  ASSERT_TRUE(all.has_value()) << all.error().ToString();
  EXPECT_EQ(all->imported.size(), 1u);  // "other"
  EXPECT_EQ(all->already_known.size(), 1u);
}

TEST_F(ServiceTest, ImportRefusesBadSelectors) {
  ImportRequest none;
  none.region = kRegion;
  EXPECT_EQ(service_->Import(Admin(), none).error().field, "instance_id");
  ImportRequest two = none;
  two.instance_id = "i-0123456789abcdef0";
  two.ami_name = "x";
  EXPECT_EQ(service_->Import(Admin(), two).error().field, "instance_id");
  ImportRequest bad = none;
  bad.instance_id = "i-'; drop table";
  EXPECT_EQ(service_->Import(Admin(), bad).error().field, "instance_ids");
  ImportRequest missing = none;
  missing.instance_id = "i-0123456789abcdef0";
  auto out = service_->Import(Admin(), missing);
  EXPECT_EQ(out.error().code, Code::kInvalidArgument);
  EXPECT_THAT(out.error().message, HasSubstr("no instance"));
  ImportRequest region = missing;
  region.region = "eu-north-1";
  EXPECT_EQ(service_->Import(Admin(), region).error().field, "region");
}

TEST_F(ServiceTest, TagsReplaceAndMergeWriteAwsAndTheRecordKeepingCcmTags) {
  auto w = Running();
  auto replaced = service_->ReplaceTags(Admin(), w.id, {{"course", "ccna"}, {"Name", "lab"}});
  ASSERT_TRUE(replaced.has_value()) << replaced.error().ToString();
  auto on_aws = ec2_.instance(w.aws_instance_id)->tags;
  EXPECT_EQ(on_aws, replaced->tags);
  EXPECT_EQ(on_aws.count("ManagedBy"), 0u);
  EXPECT_EQ(on_aws.at(aws::kTagWorkerId), w.id);
  EXPECT_EQ(on_aws.at("course"), "ccna");
  auto merged = service_->MergeTags(Admin(), w.id, {{"course", std::nullopt}, {"term", "fall"}});
  ASSERT_TRUE(merged.has_value()) << merged.error().ToString();
  EXPECT_EQ(merged->tags.count("course"), 0u);
  EXPECT_EQ(merged->tags.at("term"), "fall");
  EXPECT_EQ(ec2_.instance(w.aws_instance_id)->tags, merged->tags);
  EXPECT_EQ(*service_->GetTags(Admin(), w.id), merged->tags);
  EXPECT_EQ(Log(w.id).back().type, domain::EventType::kTagsChanged);
}

TEST_F(ServiceTest, CcmTagsAreProtected) {
  auto w = Running();
  const int creates = ec2_.Count("CreateTags");
  auto put = service_->ReplaceTags(Admin(), w.id, {{"ccm:managed", "false"}});
  EXPECT_EQ(put.error().code, Code::kInvalidArgument);
  EXPECT_EQ(put.error().field, "tags.ccm:managed");
  auto patch = service_->MergeTags(Admin(), w.id, {{"ccm:worker-id", std::nullopt}});
  EXPECT_EQ(patch.error().field, "tags.ccm:worker-id");
  auto aws_key = service_->MergeTags(Admin(), w.id, {{"aws:x", "1"}});
  EXPECT_EQ(aws_key.error().code, Code::kInvalidArgument);
  EXPECT_EQ(ec2_.Count("CreateTags"), creates);
  EXPECT_EQ(ec2_.Count("DeleteTags"), 0);
}

}  // namespace
}  // namespace ccm::control
