// `ccm aws check` and `ccm aws instances` as an operator runs them: the real binary from
// $CCM_BUILD_DIR against moto with SigV4 checking, an admin user and a user denied
// ec2:TerminateInstances.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <sstream>

#include "aws/ec2_moto_fixture.hpp"
#include "tests/support/process.hpp"

namespace ccm::aws {
namespace {

using namespace std::chrono_literals;

class Ec2CommandsTest : public ::testing::Test {
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
    const char* build = std::getenv("CCM_BUILD_DIR");
    ccm_ = std::string(build ? build : "") + "/ccm";
    ASSERT_TRUE(std::filesystem::exists(ccm_))
        << ccm_ << " is missing: build the ccm target before aws_itest";
    auto ami = moto_->SomeAmi();
    ASSERT_TRUE(ami.has_value()) << ami.error().ToString();
    ami_ = ami->first;
  }

  std::string Launch(const std::string& name, bool managed) {
    Params p = {{"ImageId", ami_},
                {"InstanceType", "c5.2xlarge"},
                {"MinCount", "1"},
                {"MaxCount", "1"},
                {"TagSpecification.1.ResourceType", "instance"},
                {"TagSpecification.1.Tag.1.Key", "Name"},
                {"TagSpecification.1.Tag.1.Value", name}};
    if (managed) {
      p.insert(p.end(), {{"TagSpecification.1.Tag.2.Key", "ccm:managed"},
                         {"TagSpecification.1.Tag.2.Value", "true"}});
    }
    auto xml = moto_->Raw("ec2", "RunInstances", p, "2016-11-15");
    EXPECT_TRUE(xml.has_value()) << xml.error().ToString();
    if (!xml) return "";
    size_t at = xml->find("<instanceId>");
    return xml->substr(at + 12, xml->find('<', at + 12) - at - 12);
  }

  struct Run {
    int exit_code;
    std::string output;
  };
  Run Ccm(std::vector<std::string> args, const Credentials& creds) {
    std::string dir = ccm::testing::MakeTempDir("ec2cmd");
    // Nothing from the machine may leak in: no real profile, no IMDS.
    std::map<std::string, std::string> env = {{"HOME", dir},
                                              {"AWS_EC2_METADATA_DISABLED", "true"},
                                              {"AWS_PROFILE", ""},
                                              {"AWS_SESSION_TOKEN", ""},
                                              {"AWS_ENDPOINT_URL", ""},
                                              {"AWS_ACCESS_KEY_ID", creds.access_key_id},
                                              {"AWS_SECRET_ACCESS_KEY", creds.secret_access_key}};
    args.insert(args.begin(), ccm_);
    args.insert(args.end(), {"--endpoint-url", moto_->endpoint(), "--region", "us-east-1"});
    ccm::testing::ChildProcess p(args, env, dir + "/out.log");
    int status = p.Wait(120s);
    return Run{WIFEXITED(status) ? WEXITSTATUS(status) : -1,
               ccm::testing::ReadFile(dir + "/out.log")};
  }

  static bool HasLine(const std::string& out, const std::string& a, const std::string& b) {
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind(a, 0) == 0 && line.find(b) != std::string::npos) return true;
    }
    return false;
  }

  static testing::MotoEc2* moto_;
  static std::string* start_error_;
  std::string ccm_;
  std::string ami_;
};

testing::MotoEc2* Ec2CommandsTest::moto_ = nullptr;
std::string* Ec2CommandsTest::start_error_ = nullptr;

TEST_F(Ec2CommandsTest, InstancesListsManagedWorkersOrEverythingWithAll) {
  std::string a = Launch("cml-alice", true), b = Launch("cml-bob", true);
  std::string other = Launch("web-server", false);
  Run r = Ccm({"aws", "instances"}, moto_->credentials(""));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(HasLine(r.output, "ID ", "CHECKS")) << r.output;
  EXPECT_TRUE(HasLine(r.output, a, "cml-alice")) << r.output;
  EXPECT_TRUE(HasLine(r.output, b, "ok/ok")) << r.output;
  EXPECT_TRUE(HasLine(r.output, b, "c5.2xlarge  running")) << r.output;
  EXPECT_EQ(r.output.find(other), std::string::npos) << r.output;
  Run all = Ccm({"aws", "instances", "--all"}, moto_->credentials(""));
  ASSERT_EQ(all.exit_code, 0) << all.output;
  EXPECT_TRUE(HasLine(all.output, other, "web-server")) << all.output;
  EXPECT_EQ(all.output.find(moto_->credentials("").secret_access_key), std::string::npos);
}

TEST_F(Ec2CommandsTest, CheckExitsZeroWhenEverythingIsAllowed) {
  Launch("cml-alice", true);
  Run r = Ccm({"aws", "check"}, moto_->credentials(""));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* action : {"RunInstances", "StopInstances", "TerminateInstances", "CreateTags",
                             "DescribeInstanceStatus", "MonitorInstances"}) {
    EXPECT_TRUE(HasLine(r.output, action, "allowed")) << action << "\n" << r.output;
  }
}

TEST_F(Ec2CommandsTest, CheckExitsOneAndNamesTheDeniedAction) {
  Launch("cml-alice", true);
  Run r = Ccm({"aws", "check"}, moto_->credentials(testing::MotoEc2::kRestricted));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(HasLine(r.output, "TerminateInstances ", " denied ") &&
              HasLine(r.output, "TerminateInstances ", "AccessDenied"))
      << r.output;
  EXPECT_TRUE(HasLine(r.output, "StopInstances", "allowed")) << r.output;
}

TEST_F(Ec2CommandsTest, WrongSecretExitsThreeWithoutLeakingIt) {
  Credentials bad = moto_->credentials("");
  bad.secret_access_key = "wrong-secret-for-instances-42";
  Run r = Ccm({"aws", "instances"}, bad);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("UNAUTHENTICATED"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("wrong-secret-for-instances-42"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ccm::aws
