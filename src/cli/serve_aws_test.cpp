#include "cli/serve_aws.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace ccm::cli {
namespace {

constexpr char kIdentityXml[] =
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
    "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ccm</Arn>"
    "<UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
    "</GetCallerIdentityResponse>";

class ScriptedTransport final : public aws::QueryTransport {
 public:
  Result<std::string> Call(const aws::QueryCall& call) override {
    calls.push_back(call);
    if (answers.empty()) return std::string(kIdentityXml);
    auto next = answers.front();
    answers.pop_front();
    return next;
  }
  std::deque<Result<std::string>> answers;
  std::vector<aws::QueryCall> calls;
};

Result<std::string> Denied() {
  Error e{Code::kUnauthenticated,
          "The security token included in the request is invalid",
          "InvalidClientTokenId",
          false,
          "req-1",
          ""};
  return Fail(e);
}

TEST(AwsIdentityCheck, CallsStsInTheDefaultRegionAndCachesSuccess) {
  ScriptedTransport transport;
  ManualClock clock;
  AwsIdentityCheck check(transport, "eu-west-1", clock, std::chrono::minutes(5),
                         std::chrono::seconds(10));
  ASSERT_TRUE(check.Check());
  ASSERT_EQ(transport.calls.size(), 1u);
  EXPECT_EQ(transport.calls[0].service, "sts");
  EXPECT_EQ(transport.calls[0].action, "GetCallerIdentity");
  EXPECT_EQ(transport.calls[0].region, "eu-west-1");
  EXPECT_EQ(transport.calls[0].account, "");
  ASSERT_TRUE(check.identity());
  EXPECT_EQ(check.identity()->account, "123456789012");
  clock.Advance(std::chrono::minutes(4));
  EXPECT_TRUE(check.Check());
  EXPECT_EQ(transport.calls.size(), 1u);
  clock.Advance(std::chrono::minutes(2));
  EXPECT_TRUE(check.Check());
  EXPECT_EQ(transport.calls.size(), 2u);
}

TEST(AwsIdentityCheck, FailuresAreCachedBrieflyThenRetried) {
  ScriptedTransport transport;
  transport.answers = {Denied()};
  ManualClock clock;
  AwsIdentityCheck check(transport, "us-east-1", clock, std::chrono::minutes(5),
                         std::chrono::seconds(10));
  auto first = check.Check();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, Code::kUnauthenticated);
  EXPECT_FALSE(check.identity());
  clock.Advance(std::chrono::seconds(5));
  EXPECT_FALSE(check.Check());
  EXPECT_EQ(transport.calls.size(), 1u);
  clock.Advance(std::chrono::seconds(6));
  EXPECT_TRUE(check.Check());
  EXPECT_EQ(transport.calls.size(), 2u);
}

TEST(SharedTransport, ForwardsEveryCall) {
  ScriptedTransport target;
  SharedTransport shared(target);
  aws::QueryCall call{"ec2", "us-east-1", "DescribeInstances", "2016-11-15", {}, "", std::nullopt};
  EXPECT_TRUE(shared.Call(call));
  ASSERT_EQ(target.calls.size(), 1u);
  EXPECT_EQ(target.calls[0].action, "DescribeInstances");
}

}  // namespace
}  // namespace ccm::cli
