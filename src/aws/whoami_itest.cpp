// `ccm aws whoami` as an operator runs it: the real binary against moto with SigV4 checking.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>

#include "aws/testing/moto_iam.hpp"
#include "aws/transport.hpp"
#include "tests/support/process.hpp"

namespace ccm::aws {
namespace {

using namespace std::chrono_literals;

class WhoamiTest : public ::testing::Test {
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
    const char* build = std::getenv("CCM_BUILD_DIR");
    ccm_ = std::string(build ? build : "") + "/ccm";
    ASSERT_TRUE(std::filesystem::exists(ccm_))
        << ccm_ << " is missing: build the ccm target before aws_itest";
  }

  struct Run {
    int exit_code;
    std::string output;
  };
  Run Ccm(std::vector<std::string> args, std::map<std::string, std::string> env) {
    std::string dir = ccm::testing::MakeTempDir("whoami");
    // Nothing from the machine may leak in: no real profile, no IMDS.
    env.emplace("HOME", dir);
    env.emplace("AWS_EC2_METADATA_DISABLED", "true");
    for (const char* var : {"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                            "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ACCOUNTS"}) {
      env.emplace(var, "");
    }
    args.insert(args.begin(), {ccm_, "aws", "whoami", "--endpoint-url", moto_->server.endpoint()});
    ccm::testing::ChildProcess p(args, env, dir + "/out.log");
    int status = p.Wait(60s);
    return Run{WIFEXITED(status) ? WEXITSTATUS(status) : -1,
               ccm::testing::ReadFile(dir + "/out.log")};
  }

  static testing::MotoWithAuth* moto_;
  static std::string start_error_;
  std::string ccm_;
};

testing::MotoWithAuth* WhoamiTest::moto_ = nullptr;
std::string WhoamiTest::start_error_;

TEST_F(WhoamiTest, PrintsAccountAndArn) {
  Run r = Ccm({}, {{"AWS_ACCESS_KEY_ID", moto_->admin.access_key_id},
                   {"AWS_SECRET_ACCESS_KEY", moto_->admin.secret_access_key}});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Account: 123456789012"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ARN:     arn:aws:iam::123456789012:user/ccm-test"), std::string::npos);
  EXPECT_EQ(r.output.find(moto_->admin.secret_access_key), std::string::npos);
}

TEST_F(WhoamiTest, WrongSecretExitsThreeWithoutLeakingIt) {
  Run r = Ccm({}, {{"AWS_ACCESS_KEY_ID", moto_->admin.access_key_id},
                   {"AWS_SECRET_ACCESS_KEY", "wrong-secret-0123456789"}});
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("UNAUTHENTICATED"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("SignatureDoesNotMatch"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("wrong-secret-0123456789"), std::string::npos) << r.output;
}

TEST_F(WhoamiTest, NoCredentialsExitsThreeWithAHint) {
  Run r = Ccm({}, {});
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("no AWS credentials found"), std::string::npos) << r.output;
}

TEST_F(WhoamiTest, UnknownAccountExitsTwo) {
  Run r = Ccm({"--account", "nope"}, {{"AWS_ACCESS_KEY_ID", moto_->admin.access_key_id},
                                      {"AWS_SECRET_ACCESS_KEY", moto_->admin.secret_access_key}});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("'nope'"), std::string::npos) << r.output;
}

TEST_F(WhoamiTest, NamedAccountAssumesItsRole) {
  auto admin_transport = [&] {
    TransportOptions o;
    o.endpoint_url = moto_->server.endpoint();
    return MakeQueryTransport(o, testing::FixedCredentials(moto_->admin), SystemClock::Instance());
  }();
  auto arn = testing::CreateMotoRole(*admin_transport, "whoami-lab",
                                     "arn:aws:iam::123456789012:user/ccm-test", "x-1");
  ASSERT_TRUE(arn.has_value()) << arn.error().ToString();
  Run r = Ccm({"--account", "lab"},
              {{"AWS_ACCESS_KEY_ID", moto_->admin.access_key_id},
               {"AWS_SECRET_ACCESS_KEY", moto_->admin.secret_access_key},
               {"AWS_ACCOUNTS", R"({"lab":{"role_arn":")" + *arn + R"(","external_id":"x-1"}})"}});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("assumed-role/whoami-lab/ccm-lab"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Source:  account:lab"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ccm::aws
