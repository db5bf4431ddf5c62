// Ec2Client read side against a scripted transport: pagination, 100-id status batches and the
// explicit-ids fallback.
#include <gtest/gtest.h>

#include "aws/ec2_client.hpp"
#include "aws/ec2_fake_transport.hpp"
#include "aws/ec2_test_util.hpp"

namespace ccm::aws {
namespace {

TEST(Ec2ClientTest, DescribeFollowsEveryNextToken) {
  ScriptedTransport t;
  t.On("DescribeInstances", [](const QueryCall& c) -> Result<std::string> {
    std::string token = Param(c, "NextToken");
    if (token.empty()) return DescribeXml({"i-1", "i-2"}, "p2");
    if (token == "p2") return DescribeXml({"i-3"}, "p3");
    return DescribeXml({"i-4"});
  });
  Ec2Client ec2(t);
  auto r = ec2.DescribeInstances(kTestScope, {{"tag:ccm:managed", {"true"}}});
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ(r->back().id, "i-4");
  auto calls = t.calls();
  ASSERT_EQ(calls.size(), 3u);
  for (const auto& c : calls) {
    EXPECT_EQ(Param(c, "MaxResults"), "1000");
    EXPECT_EQ(Param(c, "Filter.1.Name"), "tag:ccm:managed");
  }
  EXPECT_EQ(Param(calls[2], "NextToken"), "p3");
}

TEST(Ec2ClientTest, ARepeatedNextTokenStopsTheLoop) {
  ScriptedTransport t;
  t.On("DescribeInstances",
       [](const QueryCall&) -> Result<std::string> { return DescribeXml({"i-1"}, "same"); });
  Ec2Client ec2(t);
  auto r = ec2.DescribeInstances(kTestScope, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Code::kInternal);
  EXPECT_EQ(t.calls().size(), 2u);
}

TEST(Ec2ClientTest, ExplicitIdsDropTheIdsEc2NamesAsMissing) {
  ScriptedTransport t;
  t.Fail("DescribeInstances", AwsError(Code::kNotFound, "InvalidInstanceID.NotFound",
                                       "The instance ID 'i-2' does not exist"));
  t.Reply("DescribeInstances", DescribeXml({"i-1", "i-3"}));
  Ec2Client ec2(t);
  auto r = ec2.DescribeInstancesById(kTestScope, {"i-1", "i-2", "i-3"});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->instances.size(), 2u);
  EXPECT_EQ(r->missing_ids, std::vector<std::string>{"i-2"});
  auto calls = t.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(IdsOf(calls[1]), (std::vector<std::string>{"i-1", "i-3"}));
  EXPECT_FALSE(HasParam(calls[0], "MaxResults"));  // EC2 refuses it with explicit ids
}

TEST(Ec2ClientTest, ExplicitIdsFallBackToOneCallPerIdWhenTheMessageNamesNone) {
  ScriptedTransport t;
  t.On("DescribeInstances", [](const QueryCall& c) -> Result<std::string> {
    auto ids = IdsOf(c);
    if (ids.size() > 1 || ids[0] == "i-gone") {
      return tl::unexpected<Error>(
          AwsError(Code::kNotFound, "InvalidInstanceID.NotFound", "some do not exist"));
    }
    return DescribeXml(ids);
  });
  Ec2Client ec2(t);
  auto r = ec2.DescribeInstancesById(kTestScope, {"i-1", "i-gone", "i-3"});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->instances.size(), 2u);
  EXPECT_EQ(r->missing_ids, std::vector<std::string>{"i-gone"});
  EXPECT_EQ(t.calls().size(), 4u);  // the batch, then one per id
}

TEST(Ec2ClientTest, ExplicitIdsOtherErrorsFail) {
  ScriptedTransport t;
  t.Fail("DescribeInstances", AwsError(Code::kPermissionDenied, "UnauthorizedOperation", "no"));
  Ec2Client ec2(t);
  auto r = ec2.DescribeInstancesById(kTestScope, {"i-1"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Code::kPermissionDenied);
}

TEST(Ec2ClientTest, StatusAsksAtMostAHundredIdsPerCall) {
  ScriptedTransport t;
  t.On("DescribeInstanceStatus", [](const QueryCall& c) -> Result<std::string> {
    std::string xml = "<DescribeInstanceStatusResponse><instanceStatusSet>";
    for (const auto& id : IdsOf(c)) {
      xml += "<item><instanceId>" + id +
             "</instanceId><instanceState><name>running</name>"
             "</instanceState><instanceStatus><status>ok</status></instanceStatus>"
             "<systemStatus><status>ok</status></systemStatus></item>";
    }
    return xml + "</instanceStatusSet></DescribeInstanceStatusResponse>";
  });
  Ec2Client ec2(t);
  auto r = ec2.DescribeInstanceStatus(kTestScope, MakeIds(250));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->statuses.size(), 250u);
  EXPECT_EQ(r->statuses[0].instance_check, "ok");
  auto calls = t.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(IdsOf(calls[0]).size(), 100u);
  EXPECT_EQ(IdsOf(calls[2]).size(), 50u);
  for (const auto& c : calls) {
    EXPECT_EQ(Param(c, "IncludeAllInstances"), "true");
    EXPECT_FALSE(HasParam(c, "MaxResults"));
  }
}

TEST(Ec2ClientTest, StatusOfEveryInstanceIsPaged) {
  ScriptedTransport t;
  t.Reply("DescribeInstanceStatus",
          "<DescribeInstanceStatusResponse><instanceStatusSet><item><instanceId>i-1</instanceId>"
          "</item></instanceStatusSet><nextToken>n</nextToken></DescribeInstanceStatusResponse>");
  t.Reply("DescribeInstanceStatus",
          "<DescribeInstanceStatusResponse><instanceStatusSet><item><instanceId>i-2</instanceId>"
          "</item></instanceStatusSet></DescribeInstanceStatusResponse>");
  Ec2ClientOptions options;
  options.page_size = 200;
  Ec2Client ec2(t, options);
  auto r = ec2.DescribeInstanceStatus(kTestScope, {});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->statuses.size(), 2u);
  auto calls = t.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(Param(calls[0], "MaxResults"), "200");
  EXPECT_EQ(Param(calls[1], "NextToken"), "n");
}

}  // namespace
}  // namespace ccm::aws
