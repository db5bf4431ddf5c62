// Ec2Client against a scripted transport: call sequences, batching, pagination and fallbacks.
#include "aws/ec2_client.hpp"

#include <gtest/gtest.h>

#include "aws/ec2_fake_transport.hpp"
#include "aws/ec2_test_util.hpp"

namespace ccm::aws {
namespace {

LaunchSpec Spec() {
  LaunchSpec s;
  s.client_token = "tok-1";
  s.worker_id = "w-1";
  s.image_id = "ami-1";
  s.instance_type = "c5.2xlarge";
  s.root_volume_gib = 80;
  return s;
}

TEST(Ec2ClientTest, RunInstancesLooksForTheTokenThenResolvesRootDeviceThenLaunches) {
  ScriptedTransport t;
  t.Reply("DescribeInstances", DescribeXml({}));
  t.Reply("DescribeImages",
          "<DescribeImagesResponse><imagesSet><item><imageId>ami-1</imageId>"
          "<rootDeviceName>/dev/xvda</rootDeviceName></item></imagesSet></DescribeImagesResponse>");
  t.Reply("RunInstances", "<RunInstancesResponse><reservationId>r-9</reservationId><instancesSet>" +
                              InstanceXml("i-new", "pending") +
                              "</instancesSet></RunInstancesResponse>");
  Ec2Client ec2(t);
  auto r = ec2.RunInstances(kTestScope, Spec());
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_FALSE(r->reused);
  EXPECT_EQ(r->reservation_id, "r-9");
  ASSERT_EQ(r->instances.size(), 1u);
  EXPECT_EQ(r->instances[0].id, "i-new");
  auto calls = t.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].action, "DescribeInstances");
  EXPECT_EQ(Param(calls[0], "Filter.1.Name"), "tag:ccm:client-token");
  EXPECT_EQ(Param(calls[0], "Filter.1.Value.1"), "tok-1");
  EXPECT_EQ(calls[1].action, "DescribeImages");
  EXPECT_EQ(Param(calls[1], "ImageId.1"), "ami-1");
  EXPECT_EQ(calls[2].action, "RunInstances");
  EXPECT_EQ(calls[2].service, "ec2");
  EXPECT_EQ(calls[2].region, "eu-west-1");
  EXPECT_EQ(calls[2].version, "2016-11-15");
  EXPECT_EQ(Param(calls[2], "ClientToken"), "tok-1");
  EXPECT_EQ(Param(calls[2], "BlockDeviceMapping.1.DeviceName"), "/dev/xvda");
}

TEST(Ec2ClientTest, RunInstancesWithAKnownTokenReturnsTheSameInstancesAndLaunchesNothing) {
  ScriptedTransport t;
  t.Reply("DescribeInstances", DescribeXml({"i-old"}));
  Ec2Client ec2(t);
  auto r = ec2.RunInstances(kTestScope, Spec());
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_TRUE(r->reused);
  EXPECT_EQ(r->reservation_id, "r-i-old");
  EXPECT_EQ(r->instances.at(0).id, "i-old");
  EXPECT_TRUE(t.calls("RunInstances").empty());
}

TEST(Ec2ClientTest, InvalidSpecOrRegionSendsNothing) {
  ScriptedTransport t;
  Ec2Client ec2(t);
  LaunchSpec s = Spec();
  s.client_token.clear();
  auto r = ec2.RunInstances(kTestScope, s);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().field, "client_token");
  auto d = ec2.DescribeInstances(AwsScope{"", ""}, {});
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().field, "region");
  EXPECT_TRUE(t.calls().empty());
}

TEST(Ec2ClientTest, LaunchErrorsKeepTheirCanonicalCode) {
  ScriptedTransport t;
  t.Reply("DescribeInstances", DescribeXml({}));
  t.Fail("RunInstances", AwsError(Code::kAborted, "IdempotentParameterMismatch", "mismatch"));
  Ec2Client ec2(t);
  LaunchSpec s = Spec();
  s.root_device_name = "/dev/sda1";
  auto r = ec2.RunInstances(kTestScope, s);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Code::kAborted);
  EXPECT_EQ(r.error().provider_code, "IdempotentParameterMismatch");
  EXPECT_TRUE(t.calls("DescribeImages").empty());  // the device name was given
}

TEST(Ec2ClientTest, TerminateBatchesAThousandIdsPerCall) {
  ScriptedTransport t;
  t.On("TerminateInstances", [](const QueryCall& c) -> Result<std::string> {
    return StateXml("TerminateInstancesResponse", IdsOf(c), "shutting-down");
  });
  Ec2Client ec2(t);
  auto ids = MakeIds(2500);
  auto r = ec2.TerminateInstances(kTestScope, ids);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->size(), 2500u);
  auto calls = t.calls("TerminateInstances");
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(IdsOf(calls[0]).size(), 1000u);
  EXPECT_EQ(IdsOf(calls[1]).size(), 1000u);
  EXPECT_EQ(IdsOf(calls[2]).size(), 500u);
  EXPECT_EQ(IdsOf(calls[2]).back(), ids.back());
  EXPECT_EQ((*r)[0].current_state, "shutting-down");
}

TEST(Ec2ClientTest, StartAndNoIdsMeansNoCall) {
  ScriptedTransport t;
  t.Reply("StartInstances", StateXml("StartInstancesResponse", {"i-1"}, "pending"));
  Ec2Client ec2(t);
  auto none = ec2.StartInstances(kTestScope, {});
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(t.calls().empty());
  auto r = ec2.StartInstances(kTestScope, {"i-1"});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->at(0).current_state, "pending");
}

TEST(Ec2ClientTest, HibernateFallsBackToAPlainStop) {
  ScriptedTransport t;
  t.Fail("StopInstances", AwsError(Code::kUnknown, "UnsupportedHibernationConfiguration",
                                   "not configured for hibernation"));
  t.Reply("StopInstances", StateXml("StopInstancesResponse", {"i-1"}, "stopping"));
  Ec2Client ec2(t);
  auto r = ec2.StopInstances(kTestScope, {"i-1"}, /*hibernate=*/true);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_TRUE(r->hibernate_fell_back);
  EXPECT_EQ(r->changes.at(0).current_state, "stopping");
  auto calls = t.calls("StopInstances");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(Param(calls[0], "Hibernate"), "true");
  EXPECT_FALSE(HasParam(calls[1], "Hibernate"));
}

TEST(Ec2ClientTest, OtherStopErrorsDoNotFallBack) {
  ScriptedTransport t;
  t.Fail("StopInstances",
         AwsError(Code::kFailedPrecondition, "IncorrectInstanceState", "not running"));
  Ec2Client ec2(t);
  auto r = ec2.StopInstances(kTestScope, {"i-1"}, true);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Code::kFailedPrecondition);
  EXPECT_EQ(t.calls("StopInstances").size(), 1u);
}

TEST(Ec2ClientTest, TagsAreBatchedAndEncoded) {
  ScriptedTransport t;
  t.On("CreateTags", [](const QueryCall&) -> Result<std::string> {
    return "<CreateTagsResponse><return>true</return></CreateTagsResponse>";
  });
  t.Reply("DeleteTags", "<DeleteTagsResponse><return>true</return></DeleteTagsResponse>");
  Ec2Client ec2(t);
  ASSERT_TRUE(ec2.CreateTags(kTestScope, MakeIds(1001), {{"owner", "ann"}, {"Name", "w"}}));
  auto create = t.calls("CreateTags");
  ASSERT_EQ(create.size(), 2u);
  EXPECT_EQ(Param(create[1], "ResourceId.1"), "i-101000");
  EXPECT_EQ(Param(create[0], "Tag.1.Key"), "Name");
  EXPECT_EQ(Param(create[0], "Tag.2.Value"), "ann");
  ASSERT_TRUE(ec2.DeleteTags(kTestScope, {"i-1"}, {"owner"}));
  EXPECT_EQ(Param(t.calls("DeleteTags")[0], "Tag.1.Key"), "owner");
  EXPECT_FALSE(HasParam(t.calls("DeleteTags")[0], "Tag.1.Value"));
  EXPECT_EQ(ec2.CreateTags(kTestScope, {"i-1"}, {}).error().field, "tags");
  EXPECT_EQ(ec2.DeleteTags(kTestScope, {"i-1"}, {}).error().field, "keys");
}

TEST(Ec2ClientTest, ImagesByNameAndOwner) {
  ScriptedTransport t;
  t.Reply("DescribeImages",
          "<DescribeImagesResponse><imagesSet><item><imageId>ami-7</imageId><name>cml-2.9</name>"
          "</item></imagesSet></DescribeImagesResponse>");
  Ec2Client ec2(t);
  auto r = ec2.DescribeImages(kTestScope, ImageQuery{{}, {"cml-*"}, {"self"}});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->at(0).id, "ami-7");
  auto c = t.calls()[0];
  EXPECT_EQ(Param(c, "Owner.1"), "self");
  EXPECT_EQ(Param(c, "Filter.1.Name"), "name");
  EXPECT_EQ(Param(c, "Filter.1.Value.1"), "cml-*");
  EXPECT_EQ(ec2.DescribeImages(kTestScope, ImageQuery{}).error().field, "image_query");
}

TEST(Ec2ClientTest, MonitorAndUnmonitor) {
  ScriptedTransport t;
  t.Reply("MonitorInstances",
          "<MonitorInstancesResponse><instancesSet><item><instanceId>i-1</instanceId>"
          "<monitoring><state>pending</state></monitoring></item></instancesSet>"
          "</MonitorInstancesResponse>");
  t.Reply("UnmonitorInstances",
          "<UnmonitorInstancesResponse><instancesSet><item><instanceId>i-1</instanceId>"
          "<monitoring><state>disabling</state></monitoring></item></instancesSet>"
          "</UnmonitorInstancesResponse>");
  Ec2Client ec2(t);
  auto on = ec2.MonitorInstances(kTestScope, {"i-1"});
  ASSERT_TRUE(on.has_value());
  EXPECT_EQ(on->at(0).monitoring_state, "pending");
  auto off = ec2.UnmonitorInstances(kTestScope, {"i-1"});
  ASSERT_TRUE(off.has_value());
  EXPECT_EQ(off->at(0).monitoring_state, "disabling");
  EXPECT_EQ(Param(t.calls()[0], "InstanceId.1"), "i-1");
}

TEST(Ec2ClientTest, PreflightClassifiesEveryAction) {
  ScriptedTransport t;
  for (const auto& action : Ec2Actions()) {
    t.On(action, [action](const QueryCall& c) -> Result<std::string> {
      EXPECT_EQ(Param(c, "DryRun"), "true") << action;
      if (action == "TerminateInstances") {
        return tl::unexpected<Error>(
            AwsError(Code::kPermissionDenied, "UnauthorizedOperation", "not authorized"));
      }
      if (action == "RunInstances") {
        return tl::unexpected<Error>(
            AwsError(Code::kInvalidArgument, "InvalidAMIID.NotFound", "no such AMI"));
      }
      if (action == "DescribeInstanceStatus") {
        return std::string("<DescribeInstanceStatusResponse/>");
      }
      return tl::unexpected<Error>(
          AwsError(Code::kOk, "DryRunOperation", "Request would have succeeded"));
    });
  }
  Ec2Client ec2(t);
  PreflightTargets targets;
  targets.instance_id = "i-real";
  auto r = ec2.CheckPermissions(kTestScope, targets);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->size(), Ec2Actions().size());
  for (const auto& check : *r) {
    if (check.action == "TerminateInstances") {
      EXPECT_EQ(check.permission, Permission::kDenied);
      EXPECT_NE(check.reason.find("UnauthorizedOperation"), std::string::npos);
    } else if (check.action == "RunInstances") {
      EXPECT_EQ(check.permission, Permission::kUnknown);
      EXPECT_NE(check.reason.find("InvalidAMIID.NotFound"), std::string::npos);
    } else {
      EXPECT_EQ(check.permission, Permission::kAllowed) << check.action;
    }
  }
  EXPECT_EQ(Param(t.calls("StopInstances")[0], "InstanceId.1"), "i-real");
  EXPECT_EQ(Param(t.calls("CreateTags")[0], "ResourceId.1"), "i-real");
  EXPECT_EQ(Param(t.calls("RunInstances")[0], "MetadataOptions.HttpTokens"), "required");
}

}  // namespace
}  // namespace ccm::aws
