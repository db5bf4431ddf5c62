// Credentials against real peers: STS AssumeRole in moto (SigV4 checked), the per-account cache,
// role profiles from real files, and IMDSv2 served by a tiny local HTTP server.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "aws/account_credentials.hpp"
#include "aws/credential_chain.hpp"
#include "aws/imds.hpp"
#include "aws/sts_client.hpp"
#include "aws/testing/moto_iam.hpp"
#include "aws/transport.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/process.hpp"

namespace ccm::aws {
namespace {

using ccm::testing::FaultProxy;
using namespace std::chrono_literals;

constexpr char kAdminArn[] = "arn:aws:iam::123456789012:user/ccm-test";
constexpr char kExternalId[] = "ccm-ext-42";

Environment FakeEnv(std::map<std::string, std::string> vars) {
  Environment env = Environment::Process();
  env.get = [vars](const std::string& n) -> std::optional<std::string> {
    auto it = vars.find(n);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  return env;
}

class CredentialsMotoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    moto_ = new testing::MotoWithAuth();
    start_error_ = moto_->Start();
    if (!start_error_.empty()) return;
    SystemClock& clock = SystemClock::Instance();
    auto admin = MakeQueryTransport(Options(), testing::FixedCredentials(moto_->admin), clock);
    auto arn = testing::CreateMotoRole(*admin, "ccm-ops", kAdminArn, kExternalId);
    if (!arn) {
      start_error_ = "CreateRole: " + arn.error().ToString();
      return;
    }
    role_arn_ = *arn;
  }
  static void TearDownTestSuite() {
    delete moto_;
    moto_ = nullptr;
  }
  void SetUp() override { ASSERT_EQ(start_error_, "") << start_error_; }

  static TransportOptions Options(const std::string& endpoint = "") {
    TransportOptions o;
    o.endpoint_url = endpoint.empty() ? moto_->server.endpoint() : endpoint;
    return o;
  }

  static testing::MotoWithAuth* moto_;
  static std::string start_error_;
  static std::string role_arn_;
};

testing::MotoWithAuth* CredentialsMotoTest::moto_ = nullptr;
std::string CredentialsMotoTest::start_error_;
std::string CredentialsMotoTest::role_arn_;

TEST_F(CredentialsMotoTest, AssumeRoleWithExternalIdGivesWorkingSessionCredentials) {
  auto admin = MakeQueryTransport(Options(), testing::FixedCredentials(moto_->admin),
                                  SystemClock::Instance());
  StsClient sts(*admin, "us-east-1");
  AssumeRoleRequest req;
  req.role_arn = role_arn_;
  req.external_id = kExternalId;
  req.session_name = "ccm-itest";
  auto creds = sts.AssumeRole(req);
  ASSERT_TRUE(creds.has_value()) << creds.error().ToString();
  EXPECT_FALSE(creds->session_token.empty());
  ASSERT_TRUE(creds->expiration.has_value());
  EXPECT_GT(*creds->expiration, SystemClock::Instance().Now() + 50min);

  auto as_role =
      MakeQueryTransport(Options(), testing::FixedCredentials(*creds), SystemClock::Instance());
  auto id = StsClient(*as_role, "us-east-1").GetCallerIdentity();
  ASSERT_TRUE(id.has_value()) << id.error().ToString();
  EXPECT_EQ(id->arn, "arn:aws:sts::123456789012:assumed-role/ccm-ops/ccm-itest");
}

TEST_F(CredentialsMotoTest, WrongExternalIdIsPermissionDenied) {
  auto admin = MakeQueryTransport(Options(), testing::FixedCredentials(moto_->admin),
                                  SystemClock::Instance());
  AssumeRoleRequest req;
  req.role_arn = role_arn_;
  req.external_id = "not-the-external-id";
  auto creds = StsClient(*admin, "us-east-1").AssumeRole(req);
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().code, Code::kPermissionDenied);
  EXPECT_EQ(creds.error().provider_code, "AccessDenied");
}

TEST_F(CredentialsMotoTest, UnknownAccessKeyIsUnauthenticated) {
  Credentials stranger{"AKIAUNKNOWNKEY000000", "some-secret-value", "", {}, "test"};
  auto t =
      MakeQueryTransport(Options(), testing::FixedCredentials(stranger), SystemClock::Instance());
  auto id = StsClient(*t, "us-east-1").GetCallerIdentity();
  ASSERT_FALSE(id.has_value());
  EXPECT_EQ(id.error().code, Code::kUnauthenticated);
  EXPECT_EQ(id.error().provider_code, "InvalidClientTokenId");
}

TEST_F(CredentialsMotoTest, AccountCredentialsAssumeOnceAndRefreshBeforeExpiry) {
  // STS calls go through a proxy that counts them.
  FaultProxy proxy(moto_->server.port());
  ASSERT_EQ(proxy.Start(), "");
  ManualClock clock(SystemClock::Instance().Now());
  auto chain = std::make_shared<StaticProvider>(moto_->admin);
  AccountCredentials accounts(chain, {{"ops", role_arn_, kExternalId, "ccm-ops", 3600s}},
                              StsAssumeRole(Options(proxy.endpoint()), "us-east-1", clock), clock);
  auto transport = MakeQueryTransport(Options(), accounts.Lookup(), clock);
  StsClient sts(*transport, "us-east-1");

  auto base = sts.GetCallerIdentity("");
  ASSERT_TRUE(base.has_value()) << base.error().ToString();
  EXPECT_EQ(base->arn, "arn:aws:iam::123456789012:user/ccm-test");
  for (int i = 0; i < 3; ++i) {
    auto ops = sts.GetCallerIdentity("ops");
    ASSERT_TRUE(ops.has_value()) << ops.error().ToString();
    EXPECT_EQ(ops->arn, "arn:aws:sts::123456789012:assumed-role/ccm-ops/ccm-ops");
  }
  EXPECT_EQ(proxy.ActionCounts()["AssumeRole"], 1);
  EXPECT_NE(proxy.Requests().at(0).body.find(std::string("ExternalId=") + kExternalId),
            std::string::npos);

  clock.Advance(54min);
  ASSERT_TRUE(sts.GetCallerIdentity("ops").has_value());
  EXPECT_EQ(proxy.ActionCounts()["AssumeRole"], 1);
  clock.Advance(2min);  // within 5 minutes of expiry
  ASSERT_TRUE(sts.GetCallerIdentity("ops").has_value());
  EXPECT_EQ(proxy.ActionCounts()["AssumeRole"], 2);

  auto unknown = sts.GetCallerIdentity("nope");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, Code::kInvalidArgument);
}

TEST_F(CredentialsMotoTest, RoleProfileFromRealFiles) {
  std::string home = ccm::testing::MakeTempDir("aws-home");
  std::filesystem::create_directories(home + "/.aws");
  std::ofstream(home + "/.aws/credentials")
      << "[base]\naws_access_key_id = " << moto_->admin.access_key_id
      << "\naws_secret_access_key = " << moto_->admin.secret_access_key << "\n";
  std::ofstream(home + "/.aws/config") << "[profile ops]\nrole_arn = " << role_arn_
                                       << "\nsource_profile = base\nexternal_id = " << kExternalId
                                       << "\nrole_session_name = from-profile\n";
  ChainOptions o;
  o.env = FakeEnv({{"HOME", home}, {"AWS_PROFILE", "ops"}, {"AWS_EC2_METADATA_DISABLED", "true"}});
  o.sts_options = Options();
  auto chain = MakeDefaultChain(std::move(o), SystemClock::Instance());
  auto creds = chain->Get();
  ASSERT_TRUE(creds.has_value()) << creds.error().ToString();
  auto t =
      MakeQueryTransport(Options(), testing::FixedCredentials(*creds), SystemClock::Instance());
  auto id = StsClient(*t, "us-east-1").GetCallerIdentity();
  ASSERT_TRUE(id.has_value()) << id.error().ToString();
  EXPECT_EQ(id->arn, "arn:aws:sts::123456789012:assumed-role/ccm-ops/from-profile");
}

// A tiny IMDSv2: the token PUT must carry the TTL header, reads must carry the token.
FaultProxy::Responder ImdsResponder(const Credentials& creds, int* token_puts) {
  return [creds, token_puts](
             const ccm::testing::ProxiedRequest& r) -> std::optional<ccm::testing::LocalReply> {
    const std::string token = "imds-v2-session-token";
    if (r.target == "/latest/api/token") {
      if (r.method != "PUT" || !r.headers.count("x-aws-ec2-metadata-token-ttl-seconds")) {
        return ccm::testing::LocalReply{400, "bad token request"};
      }
      ++*token_puts;
      return ccm::testing::LocalReply{200, token};
    }
    auto it = r.headers.find("x-aws-ec2-metadata-token");
    if (it == r.headers.end() || it->second != token) return ccm::testing::LocalReply{401, ""};
    if (r.target == "/latest/meta-data/iam/security-credentials/") {
      return ccm::testing::LocalReply{200, "ccm-worker"};
    }
    if (r.target == "/latest/meta-data/iam/security-credentials/ccm-worker") {
      return ccm::testing::LocalReply{200,
                                      R"({"Code":"Success","Type":"AWS-HMAC","AccessKeyId":")" +
                                          creds.access_key_id + R"(","SecretAccessKey":")" +
                                          creds.secret_access_key +
                                          R"(","Token":"","Expiration":")" +
                                          FormatTime(SystemClock::Instance().Now() + 6h) + R"("})",
                                      "application/json"};
    }
    return ccm::testing::LocalReply{404, ""};
  };
}

TEST_F(CredentialsMotoTest, ImdsV2InstanceRoleThroughTheChain) {
  FaultProxy imds;  // no upstream: a local server
  int token_puts = 0;
  imds.SetResponder(ImdsResponder(moto_->admin, &token_puts));
  ASSERT_EQ(imds.Start(), "");
  ChainOptions o;
  o.env = FakeEnv({{"HOME", ccm::testing::MakeTempDir("empty-home")},
                   {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint()}});
  auto chain = MakeDefaultChain(std::move(o), SystemClock::Instance());
  auto t = MakeQueryTransport(
      Options(), [chain](const std::string&) { return chain->Get(); }, SystemClock::Instance());
  for (int i = 0; i < 2; ++i) {
    auto id = StsClient(*t, "us-east-1").GetCallerIdentity();
    ASSERT_TRUE(id.has_value()) << id.error().ToString();
    EXPECT_EQ(id->arn, "arn:aws:iam::123456789012:user/ccm-test");
  }
  EXPECT_EQ(token_puts, 1);  // cached until 5 minutes before expiry
  EXPECT_EQ(chain->Get()->source, "imds:ccm-worker");
}

TEST_F(CredentialsMotoTest, ImdsUnreachableEndsTheChainQuickly) {
  ChainOptions o;
  o.env = FakeEnv({{"HOME", ccm::testing::MakeTempDir("empty-home")},
                   {"AWS_EC2_METADATA_SERVICE_ENDPOINT",
                    "http://127.0.0.1:" + std::to_string(ccm::testing::FreePort())}});
  auto started = std::chrono::steady_clock::now();
  auto creds = MakeDefaultChain(std::move(o), SystemClock::Instance())->Get();
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().code, Code::kUnauthenticated);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

}  // namespace
}  // namespace ccm::aws
