// Retries through a fault-injecting proxy in front of a real moto_server (SigV4 checked):
// attempts, backoff bounds, the retry quota, and that faults never apply an operation twice.
#include <gtest/gtest.h>

#include <regex>

#include "aws/retry.hpp"
#include "aws/sts_client.hpp"
#include "aws/testing/moto_iam.hpp"
#include "aws/transport.hpp"
#include "tests/support/fault_proxy.hpp"

namespace ccm::aws {
namespace {

using ccm::testing::Fault;
using ccm::testing::FaultProxy;
using namespace std::chrono_literals;

class RetryProxyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    moto_ = new testing::MotoWithAuth();
    start_error_ = moto_->Start();
  }
  static void TearDownTestSuite() {
    delete moto_;
    moto_ = nullptr;
  }
  void SetUp() override {
    ASSERT_EQ(start_error_, "") << start_error_;
    proxy_ = std::make_unique<FaultProxy>(moto_->server.port());
    ASSERT_EQ(proxy_->Start(), "");
  }

  std::unique_ptr<QueryTransport> Transport(int max_attempts = 3, int quota = 500,
                                            const std::string& endpoint = "") {
    TransportOptions o;
    o.endpoint_url = endpoint.empty() ? proxy_->endpoint() : endpoint;
    o.max_attempts = max_attempts;
    o.retry_quota = quota;
    o.random = [] { return 0.5; };
    return MakeQueryTransport(o, testing::FixedCredentials(moto_->admin), clock_);
  }
  Duration Slept() const { return clock_.Now() - start_; }

  static QueryCall Ec2(const std::string& action, Params params = {}) {
    return QueryCall{"ec2", "us-east-1", action, "2016-11-15", std::move(params), "", std::nullopt};
  }
  static int CountInstances(QueryTransport& direct, const std::string& token) {
    auto xml = direct.Call(
        Ec2("DescribeInstances", {{"Filter.1.Name", "tag:run"}, {"Filter.1.Value.1", token}}));
    EXPECT_TRUE(xml.has_value()) << xml.error().ToString();
    if (!xml) return -1;
    std::regex id("<instanceId>i-[0-9a-f]+</instanceId>");
    return static_cast<int>(
        std::distance(std::sregex_iterator(xml->begin(), xml->end(), id), std::sregex_iterator()));
  }
  static QueryCall RunInstances(const std::string& token) {
    return Ec2("RunInstances", {{"ImageId", "ami-12c6146b"},
                                {"InstanceType", "t3.micro"},
                                {"MinCount", "1"},
                                {"MaxCount", "1"},
                                {"ClientToken", token},
                                {"TagSpecification.1.ResourceType", "instance"},
                                {"TagSpecification.1.Tag.1.Key", "run"},
                                {"TagSpecification.1.Tag.1.Value", token}});
  }

  static testing::MotoWithAuth* moto_;
  static std::string start_error_;
  std::unique_ptr<FaultProxy> proxy_;
  ManualClock clock_;
  TimePoint start_ = clock_.Now();
};

testing::MotoWithAuth* RetryProxyTest::moto_ = nullptr;
std::string RetryProxyTest::start_error_;

TEST_F(RetryProxyTest, ThrottlingIsRetriedWithBoundedBackoff) {
  proxy_->SetSequence({Fault::kThrottle503, Fault::kThrottle503});
  auto t = Transport();
  StsClient sts(*t, "us-east-1");
  auto id = sts.GetCallerIdentity();
  ASSERT_TRUE(id.has_value()) << id.error().ToString();
  EXPECT_EQ(id->account, "123456789012");
  EXPECT_EQ(proxy_->requests(), 3);
  EXPECT_EQ(proxy_->forwarded(), 1);
  EXPECT_EQ(Slept(), Duration(1500ms));  // 0.5 * 1 s + 0.5 * 2 s
}

TEST_F(RetryProxyTest, ServerErrorsExhaustTheAttempts) {
  proxy_->SetSequence({Fault::kError500, Fault::kError500, Fault::kError500, Fault::kError500});
  auto t = Transport(3);
  auto r = t->Call(Ec2("DescribeInstances"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Code::kUnavailable);
  EXPECT_EQ(r.error().provider_code, "InternalError");
  EXPECT_EQ(r.error().request_id, "fault-proxy");
  EXPECT_EQ(proxy_->requests(), 3);
  EXPECT_EQ(proxy_->forwarded(), 0);
  EXPECT_LE(Slept(), Duration(3s));
}

TEST_F(RetryProxyTest, DroppedConnectionsAreRetried) {
  proxy_->SetSequence({Fault::kDrop, Fault::kDrop});
  auto t = Transport(3);
  auto r = t->Call(Ec2("DescribeInstances"));
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(proxy_->requests(), 3);
}

TEST_F(RetryProxyTest, ClientErrorsAreNotRetried) {
  auto t = Transport(3);
  auto r = t->Call(Ec2("DescribeInstances", {{"InstanceId.1", "i-0000000000000000f"}}));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Code::kNotFound);
  EXPECT_EQ(r.error().provider_code, "InvalidInstanceID.NotFound");
  EXPECT_EQ(proxy_->requests(), 1);
}

TEST_F(RetryProxyTest, QuotaHoldsUnderPersistentThrottling) {
  proxy_->SetRate(1.0, Fault::kThrottle503);
  auto t = Transport(3, 500);
  for (int i = 0; i < 60; ++i) EXPECT_FALSE(t->Call(Ec2("DescribeInstances")).has_value());
  // 500 tokens / 5 per retry = 100 retries, i.e. 50 calls with 2 retries, then single attempts.
  EXPECT_EQ(proxy_->requests(), 50 * 3 + 10);
  // Each call's backoff stays within 0.5 * (1 s + 2 s).
  EXPECT_EQ(Slept(), Duration(50 * 1500ms));
  proxy_->SetRate(0, Fault::kNone);
  ASSERT_TRUE(t->Call(Ec2("DescribeInstances")).has_value());
  EXPECT_EQ(proxy_->requests(), 161);
}

TEST_F(RetryProxyTest, RandomFaultsAtARateAllRecover) {
  proxy_->SetRate(0.3, Fault::kDrop, 7);
  auto t = Transport(6);
  for (int i = 0; i < 40; ++i) {
    auto r = t->Call(Ec2("DescribeInstances"));
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
  }
  EXPECT_EQ(proxy_->forwarded(), 40);
  EXPECT_EQ(proxy_->requests(), 40 + proxy_->faults(Fault::kDrop));
  EXPECT_GT(proxy_->faults(Fault::kDrop), 0);
}

TEST_F(RetryProxyTest, FaultsNeverApplyALaunchTwice) {
  proxy_->SetSequence({Fault::kThrottle503, Fault::kError500, Fault::kDrop});
  auto t = Transport(4);
  auto r = t->Call(RunInstances("launch-once-1"));
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(proxy_->ActionCounts()["RunInstances"], 4);
  EXPECT_EQ(proxy_->forwarded(), 1);
  auto direct = Transport(1, 500, moto_->server.endpoint());
  EXPECT_EQ(CountInstances(*direct, "launch-once-1"), 1);
}

TEST_F(RetryProxyTest, LostAnswersAreRetriedWithTheSameClientToken) {
  // The first attempt reaches moto but its answer is lost: the retry must carry the same
  // ClientToken, which is what makes EC2 answer with the first launch instead of a second one.
  proxy_->SetSequence({Fault::kForwardThenDrop});
  auto t = Transport(3);
  ASSERT_TRUE(t->Call(RunInstances("lost-answer-1")).has_value());
  auto requests = proxy_->Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body, requests[1].body);
  EXPECT_NE(requests[0].body.find("ClientToken=lost-answer-1"), std::string::npos);
}

}  // namespace
}  // namespace ccm::aws
