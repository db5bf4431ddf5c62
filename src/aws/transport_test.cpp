// The Query transport's retries (SDK standard mode) through a scripted HTTP layer and a
// ManualClock: attempts, backoff bounds, the quota, what is never retried, and what is sent.
#include "aws/transport.hpp"

#include <gtest/gtest.h>

#include <deque>

#include "aws/retry.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "core/trace.hpp"

namespace ccm::aws {
namespace {

using namespace std::chrono_literals;

const char kOkBody[] = "<DescribeInstancesResponse><reservationSet/></DescribeInstancesResponse>";

std::string Ec2Error(const std::string& code) {
  return "<Response><Errors><Error><Code>" + code +
         "</Code><Message>m</Message></Error></Errors>"
         "<RequestID>rid-" +
         code + "</RequestID></Response>";
}

// Answers from a script; records every request. Past the end of the script it answers 200.
struct ScriptedHttp {
  std::deque<Result<http::Response>> script;
  std::vector<http::Request> requests;

  void Answer(long status, std::string body) {
    http::Response r;
    r.status = status;
    r.body = std::move(body);
    script.emplace_back(std::move(r));
  }
  void Drop(Code code = Code::kUnavailable, const char* provider = "ConnectionError") {
    script.emplace_back(tl::unexpected<Error>(Error{code, "dropped", provider, true, {}, {}}));
  }
  Result<http::Response> operator()(const http::Request& req) {
    requests.push_back(req);
    if (script.empty()) return http::Response{200, {}, kOkBody, 0};
    auto r = std::move(script.front());
    script.pop_front();
    return r;
  }
};

class TransportTest : public ::testing::Test {
 protected:
  std::unique_ptr<QueryTransport> Make(int max_attempts = 3, int quota = 500,
                                       double random = 0.999) {
    TransportOptions o;
    o.endpoint_url = "http://127.0.0.1:1";
    o.max_attempts = max_attempts;
    o.retry_quota = quota;
    o.random = [random] { return random; };
    o.send = [this](const http::Request& r) { return http_(r); };
    Credentials c{"AKIDTEST", "secret-key-for-tests", "session-token-for-tests", {}, "test"};
    return MakeQueryTransport(
        o, [c](const std::string&) -> Result<Credentials> { return c; }, clock_);
  }
  QueryCall Describe() {
    return QueryCall{"ec2", "us-east-1", "DescribeInstances", "2016-11-15", {}, "", std::nullopt};
  }
  Duration Slept() const { return clock_.Now() - start_; }

  ManualClock clock_;
  TimePoint start_ = clock_.Now();
  ScriptedHttp http_;
};

TEST_F(TransportTest, SignsAndSendsAFormPost) {
  ScopedTrace trace(NewTrace());
  auto t = Make();
  QueryCall call = Describe();
  call.params = {{"InstanceId.1", "i-1"}};
  ASSERT_TRUE(t->Call(call).has_value());
  ASSERT_EQ(http_.requests.size(), 1u);
  const http::Request& req = http_.requests[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "http://127.0.0.1:1");
  EXPECT_EQ(req.body, "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1");
  std::map<std::string, std::string> h(req.headers.begin(), req.headers.end());
  EXPECT_EQ(h["Content-Type"], "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(h["Host"], "127.0.0.1:1");
  EXPECT_EQ(h["X-Amz-Security-Token"], "session-token-for-tests");
  EXPECT_EQ(h["X-Amz-Date"], "20231114T221320Z");
  EXPECT_TRUE(h["Authorization"].starts_with(
      "AWS4-HMAC-SHA256 Credential=AKIDTEST/20231114/us-east-1/ec2/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="));
  auto parsed = ParseTraceparent(h["traceparent"]);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->trace_id, CurrentTrace().trace_id);
}

TEST_F(TransportTest, NoTraceparentWithoutATrace) {
  auto t = Make();
  ASSERT_TRUE(t->Call(Describe()).has_value());
  for (const auto& [k, v] : http_.requests[0].headers) EXPECT_NE(k, "traceparent");
}

TEST_F(TransportTest, ThrottlingIsRetriedWithFullJitterBackoff) {
  http_.Answer(503, Ec2Error("RequestLimitExceeded"));
  http_.Answer(503, Ec2Error("RequestLimitExceeded"));
  auto t = Make(3, 500, 0.5);
  auto r = t->Call(Describe());
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(*r, kOkBody);
  EXPECT_EQ(http_.requests.size(), 3u);
  EXPECT_EQ(Slept(), Duration(500ms + 1000ms));  // 0.5 * 1 s, then 0.5 * 2 s
}

TEST_F(TransportTest, GivesUpAfterMaxAttempts) {
  for (int i = 0; i < 5; ++i) http_.Answer(500, Ec2Error("InternalError"));
  auto t = Make(3);
  auto r = t->Call(Describe());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(http_.requests.size(), 3u);
  EXPECT_EQ(r.error().code, Code::kUnavailable);
  EXPECT_EQ(r.error().provider_code, "InternalError");
  EXPECT_EQ(r.error().request_id, "rid-InternalError");
  EXPECT_NE(r.error().message.find("after 3 attempts"), std::string::npos);
  EXPECT_NE(r.error().message.find("ec2 DescribeInstances"), std::string::npos);
  EXPECT_LE(Slept(), Duration(1s + 2s));
}

TEST_F(TransportTest, MaxAttemptsIsConfigurable) {
  for (int i = 0; i < 10; ++i) http_.Answer(503, "");
  auto t = Make(5);
  EXPECT_FALSE(t->Call(Describe()).has_value());
  EXPECT_EQ(http_.requests.size(), 5u);
}

TEST_F(TransportTest, BackoffIsCappedAt20Seconds) {
  for (int i = 0; i < 9; ++i) http_.Answer(503, Ec2Error("Throttling"));
  auto t = Make(10, 500, 0.999999);
  ASSERT_TRUE(t->Call(Describe()).has_value());
  // Caps 1, 2, 4, 8, 16, 20, 20, 20, 20 seconds.
  Duration max = Duration(111s);
  EXPECT_LE(Slept(), max);
  EXPECT_GE(Slept(), Duration(110s));
}

TEST_F(TransportTest, ConnectionErrorsAndTimeoutsAreRetried) {
  http_.Drop();
  http_.Drop(Code::kDeadlineExceeded, "Timeout");
  auto t = Make();
  auto r = t->Call(Describe());
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(http_.requests.size(), 3u);
}

TEST_F(TransportTest, ClientErrorsAreNeverRetried) {
  for (const char* code :
       {"InvalidParameterValue", "UnauthorizedOperation", "AuthFailure", "InstanceLimitExceeded",
        "IncorrectInstanceState", "InsufficientInstanceCapacity", "DryRunOperation"}) {
    SCOPED_TRACE(code);
    http_.requests.clear();
    http_.Answer(400, Ec2Error(code));
    auto r = Make()->Call(Describe());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().provider_code, code);
    EXPECT_EQ(http_.requests.size(), 1u);
  }
  EXPECT_EQ(Slept(), Duration(0));
}

TEST_F(TransportTest, NotFoundIsRetriedOnlyShortlyAfterLaunch) {
  auto t = Make();
  QueryCall call = Describe();
  http_.Answer(400, Ec2Error("InvalidInstanceID.NotFound"));
  auto r = t->Call(call);  // no launched_at: not retried
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Code::kNotFound);
  EXPECT_EQ(http_.requests.size(), 1u);

  call.launched_at = clock_.Now() - 10s;
  http_.Answer(400, Ec2Error("InvalidInstanceID.NotFound"));
  EXPECT_TRUE(t->Call(call).has_value());
  EXPECT_EQ(http_.requests.size(), 3u);

  call.launched_at = clock_.Now() - 5min;
  http_.Answer(400, Ec2Error("InvalidInstanceID.NotFound"));
  EXPECT_FALSE(t->Call(call).has_value());
  EXPECT_EQ(http_.requests.size(), 4u);
}

TEST_F(TransportTest, QuotaExhaustionStopsRetries) {
  // 12 tokens: two retries (5 each) fit, the third does not.
  auto t = Make(3, 12);
  for (int i = 0; i < 4; ++i) http_.Answer(503, Ec2Error("Throttling"));
  EXPECT_FALSE(t->Call(Describe()).has_value());  // 3 attempts, 10 tokens spent
  EXPECT_EQ(http_.requests.size(), 3u);
  auto r = t->Call(Describe());  // 2 tokens left: no retry
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(http_.requests.size(), 4u);
  EXPECT_NE(r.error().message.find("retry quota exhausted"), std::string::npos);
  // Successes refill one token each; after enough of them retries happen again.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(t->Call(Describe()).has_value());
  http_.Answer(503, Ec2Error("Throttling"));
  size_t before = http_.requests.size();
  EXPECT_TRUE(t->Call(Describe()).has_value());
  EXPECT_EQ(http_.requests.size(), before + 2);
}

TEST_F(TransportTest, TimeoutRetriesCostMore) {
  RetryQuota q(25);
  EXPECT_EQ(q.TryAcquire(RetryKind::kTimeout), kTimeoutRetryCost);
  EXPECT_EQ(q.TryAcquire(RetryKind::kThrottling), kRetryCost);
  EXPECT_EQ(q.TryAcquire(RetryKind::kTimeout), kTimeoutRetryCost);
  EXPECT_EQ(q.TryAcquire(RetryKind::kTimeout), 0);
  EXPECT_EQ(q.available(), 0);
  q.OnSuccess(0);
  EXPECT_EQ(q.available(), 1);
  q.OnSuccess(kTimeoutRetryCost);
  EXPECT_EQ(q.available(), 11);
  for (int i = 0; i < 100; ++i) q.OnSuccess(kRetryCost);
  EXPECT_EQ(q.available(), 25);  // never above capacity
}

TEST(Backoff, Bounds) {
  EXPECT_EQ(Backoff(1, 0.0), Duration(0));
  EXPECT_EQ(Backoff(1, 0.5), Duration(500ms));
  EXPECT_EQ(Backoff(3, 0.5), Duration(2s));
  EXPECT_EQ(Backoff(6, 1.0), Duration(20s));
  EXPECT_EQ(Backoff(30, 1.0), Duration(20s));
  EXPECT_EQ(Backoff(30, 0.25), Duration(5s));
}

TEST_F(TransportTest, CredentialFailureIsNotRetriedAndKeepsItsCode) {
  TransportOptions o;
  o.endpoint_url = "http://127.0.0.1:1";
  o.send = [this](const http::Request& r) { return http_(r); };
  auto t = MakeQueryTransport(
      o,
      [](const std::string&) -> Result<Credentials> {
        return MakeError(Code::kUnauthenticated, "no AWS credentials found");
      },
      clock_);
  auto r = t->Call(Describe());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Code::kUnauthenticated);
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(TransportTest, MetricsCountCallsAndRetries) {
  auto& reg = metrics::Registry::Default();
  auto& ok = reg.AddCounter("ccm_aws_calls_total", "", {"service", "action", "outcome"})
                 .WithLabels({"ec2", "MetricsProbe", "ok"});
  auto& retries = reg.AddCounter("ccm_aws_retries_total", "", {"service", "action"})
                      .WithLabels({"ec2", "MetricsProbe"});
  double ok_before = ok.Value();
  double retries_before = retries.Value();
  http_.Answer(503, Ec2Error("Throttling"));
  QueryCall call = Describe();
  call.action = "MetricsProbe";
  ASSERT_TRUE(Make()->Call(call).has_value());
  EXPECT_EQ(ok.Value(), ok_before + 1);
  EXPECT_EQ(retries.Value(), retries_before + 1);
  EXPECT_NE(reg.Render().find(
                "ccm_aws_call_duration_seconds_count{service=\"ec2\",action=\"MetricsProbe\"}"),
            std::string::npos);
}

TEST_F(TransportTest, SecretsNeverReachLogs) {
  std::vector<std::string> lines;
  log::SetLevel(log::Level::kDebug);
  log::SetCapture([&](std::string_view l) { lines.emplace_back(l); });
  http_.Answer(503, Ec2Error("Throttling"));
  log::RegisterSecret("secret-key-for-tests");
  log::RegisterSecret("session-token-for-tests");
  ASSERT_TRUE(Make()->Call(Describe()).has_value());
  log::SetCapture({});
  log::SetLevel(log::Level::kInfo);
  ASSERT_FALSE(lines.empty());
  for (const auto& l : lines) {
    EXPECT_EQ(l.find("secret-key-for-tests"), std::string::npos);
    EXPECT_EQ(l.find("session-token-for-tests"), std::string::npos);
  }
}

}  // namespace
}  // namespace ccm::aws
