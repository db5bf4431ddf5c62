// RunInstances parameters, filters, batching and validation.
#include "aws/ec2_params.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>

namespace ccm::aws::ec2 {
namespace {

std::multimap<std::string, std::string> AsMap(const Params& p) { return {p.begin(), p.end()}; }

std::string Get(const Params& p, const std::string& key) {
  for (const auto& [k, v] : p) {
    if (k == key) return v;
  }
  return "<absent>";
}

LaunchSpec Spec() {
  LaunchSpec s;
  s.client_token = "3f2b6a0e-token";
  s.worker_id = "w-42";
  s.image_id = "ami-0abc";
  s.instance_type = "c5.2xlarge";
  s.subnet_id = "subnet-1";
  s.security_group_ids = {"sg-1", "sg-2"};
  s.key_name = "ops";
  s.root_volume_gib = 64;
  s.root_device_name = "/dev/sda1";
  s.tags = {{"Name", "cml-42"}, {"team", "lab"}};
  return s;
}

TEST(Ec2ParamsTest, PublicIpGoesThroughThePrimaryNetworkInterface) {
  LaunchSpec s = Spec();
  s.assign_public_ip = true;
  Params p = RunInstancesParams(s);
  EXPECT_EQ(Get(p, "ImageId"), "ami-0abc");
  EXPECT_EQ(Get(p, "InstanceType"), "c5.2xlarge");
  EXPECT_EQ(Get(p, "MinCount"), "1");
  EXPECT_EQ(Get(p, "MaxCount"), "1");
  EXPECT_EQ(Get(p, "ClientToken"), "3f2b6a0e-token");
  EXPECT_EQ(Get(p, "KeyName"), "ops");
  EXPECT_EQ(Get(p, "NetworkInterface.1.DeviceIndex"), "0");
  EXPECT_EQ(Get(p, "NetworkInterface.1.AssociatePublicIpAddress"), "true");
  EXPECT_EQ(Get(p, "NetworkInterface.1.SubnetId"), "subnet-1");
  EXPECT_EQ(Get(p, "NetworkInterface.1.SecurityGroupId.1"), "sg-1");
  EXPECT_EQ(Get(p, "NetworkInterface.1.SecurityGroupId.2"), "sg-2");
  // EC2 refuses an instance-level subnet or groups next to a network interface.
  EXPECT_EQ(Get(p, "SubnetId"), "<absent>");
  EXPECT_EQ(Get(p, "SecurityGroupId.1"), "<absent>");
}

TEST(Ec2ParamsTest, PrivateLaunchUsesInstanceLevelSubnetAndGroups) {
  Params p = RunInstancesParams(Spec());
  EXPECT_EQ(Get(p, "SubnetId"), "subnet-1");
  EXPECT_EQ(Get(p, "SecurityGroupId.1"), "sg-1");
  EXPECT_EQ(Get(p, "SecurityGroupId.2"), "sg-2");
  EXPECT_EQ(Get(p, "NetworkInterface.1.DeviceIndex"), "<absent>");
}

TEST(Ec2ParamsTest, RootVolumeImdsV2AndTagsOnInstanceAndVolume) {
  Params p = RunInstancesParams(Spec());
  EXPECT_EQ(Get(p, "BlockDeviceMapping.1.DeviceName"), "/dev/sda1");
  EXPECT_EQ(Get(p, "BlockDeviceMapping.1.Ebs.VolumeSize"), "64");
  EXPECT_EQ(Get(p, "BlockDeviceMapping.1.Ebs.VolumeType"), "gp3");
  EXPECT_EQ(Get(p, "BlockDeviceMapping.1.Ebs.DeleteOnTermination"), "true");
  EXPECT_EQ(Get(p, "MetadataOptions.HttpTokens"), "required");
  EXPECT_EQ(Get(p, "TagSpecification.1.ResourceType"), "instance");
  EXPECT_EQ(Get(p, "TagSpecification.2.ResourceType"), "volume");
  for (std::string spec : {"TagSpecification.1", "TagSpecification.2"}) {
    Tags tags;
    for (int i = 1; i <= 10; ++i) {
      std::string key = Get(p, spec + ".Tag." + std::to_string(i) + ".Key");
      if (key == "<absent>") break;
      tags[key] = Get(p, spec + ".Tag." + std::to_string(i) + ".Value");
    }
    EXPECT_EQ(tags, (Tags{{"Name", "cml-42"},
                          {"team", "lab"},
                          {"ccm:worker-id", "w-42"},
                          {"ccm:managed", "true"},
                          {"ccm:client-token", "3f2b6a0e-token"}}))
        << spec;
  }
}

TEST(Ec2ParamsTest, NoRootVolumeMappingWhenSizeIsDefault) {
  LaunchSpec s = Spec();
  s.root_volume_gib = 0;
  s.count = 100;
  Params p = RunInstancesParams(s);
  EXPECT_EQ(AsMap(p).count("BlockDeviceMapping.1.DeviceName"), 0u);
  EXPECT_EQ(Get(p, "MinCount"), "100");
  EXPECT_EQ(Get(p, "MaxCount"), "100");
}

TEST(Ec2ParamsTest, ValidationNamesTheField) {
  struct Case {
    std::function<void(LaunchSpec&)> change;
    std::string field;
  };
  std::vector<Case> cases = {
      {[](LaunchSpec& s) { s.client_token.clear(); }, "client_token"},
      {[](LaunchSpec& s) { s.client_token = std::string(65, 'x'); }, "client_token"},
      {[](LaunchSpec& s) { s.client_token = "has space"; }, "client_token"},
      {[](LaunchSpec& s) { s.worker_id.clear(); }, "worker_id"},
      {[](LaunchSpec& s) { s.image_id = "img-1"; }, "image_id"},
      {[](LaunchSpec& s) { s.instance_type.clear(); }, "instance_type"},
      {[](LaunchSpec& s) { s.count = 0; }, "count"},
      {[](LaunchSpec& s) { s.root_volume_gib = 20000; }, "root_volume_gib"},
      {[](LaunchSpec& s) {
         s.security_group_ids = {"sg-1", "sg-1"};
       },
       "security_group_ids"},
      {[](LaunchSpec& s) { s.tags["aws:cloudformation"] = "x"; }, "tags"},
      {[](LaunchSpec& s) { s.tags[kTagManaged] = "false"; }, "tags"},
      {[](LaunchSpec& s) { s.tags["k"] = std::string(257, 'v'); }, "tags"},
  };
  EXPECT_TRUE(ValidateLaunchSpec(Spec()).has_value());
  for (const auto& c : cases) {
    LaunchSpec s = Spec();
    c.change(s);
    auto r = ValidateLaunchSpec(s);
    ASSERT_FALSE(r.has_value()) << c.field;
    EXPECT_EQ(r.error().code, Code::kInvalidArgument);
    EXPECT_EQ(r.error().field, c.field);
  }
  LaunchSpec many = Spec();
  for (int i = 0; i < 46; ++i) many.tags["t" + std::to_string(i)] = "v";
  EXPECT_EQ(ValidateLaunchSpec(many).error().field, "tags");
}

TEST(Ec2ParamsTest, FiltersAndLists) {
  Params p;
  AddFilters(p, {{"tag:ccm:managed", {"true"}}, {"instance-state-name", {"running", "stopped"}}});
  AddList(p, "InstanceId", {"i-1", "i-2"});
  Params want = {{"Filter.1.Name", "tag:ccm:managed"},
                 {"Filter.1.Value.1", "true"},
                 {"Filter.2.Name", "instance-state-name"},
                 {"Filter.2.Value.1", "running"},
                 {"Filter.2.Value.2", "stopped"},
                 {"InstanceId.1", "i-1"},
                 {"InstanceId.2", "i-2"}};
  EXPECT_EQ(p, want);
}

TEST(Ec2ParamsTest, BatchesKeepOrderAndSize) {
  std::vector<std::string> ids;
  for (int i = 0; i < 2501; ++i) ids.push_back("i-" + std::to_string(i));
  auto batches = Batches(ids, 1000);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].size(), 1000u);
  EXPECT_EQ(batches[2].size(), 501u);
  EXPECT_EQ(batches[1].front(), "i-1000");
  EXPECT_EQ(batches[2].back(), "i-2500");
  EXPECT_TRUE(Batches({}, 1000).empty());
}

TEST(Ec2ParamsTest, IdsMustBeNonEmptyAndUnique) {
  EXPECT_TRUE(ValidateIds("instance_ids", {"i-1", "i-2"}).has_value());
  EXPECT_EQ(ValidateIds("instance_ids", {"i-1", ""}).error().field, "instance_ids");
  EXPECT_EQ(ValidateIds("instance_ids", {"i-1", "i-1"}).error().code, Code::kInvalidArgument);
}

}  // namespace
}  // namespace ccm::aws::ec2
