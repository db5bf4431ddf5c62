// The sandbox's helpers for real: moto_server and cml-sim started, answering, seeded, stopped.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "aws/ec2_client.hpp"
#include "aws/transport.hpp"
#include "config/validate.hpp"
#include "core/json.hpp"
#include "http/http_client.hpp"
#include "sandbox/sandbox.hpp"
#include "tests/support/process.hpp"

namespace ccm::sandbox {
namespace {

using std::chrono::milliseconds;

bool Gone(pid_t pid) {
  for (int i = 0; i < 250; ++i) {
    if (::kill(pid, 0) != 0) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

SandboxOptions Options(const std::string& dir) {
  SandboxOptions o;
  o.data_dir = dir;
  const char* build = std::getenv("CCM_BUILD_DIR");
  o.cml_sim_program = std::string(build ? build : ".") + "/cml-sim";
  return o;
}

// Seeds the images and checks moto has one named kSandboxAmiName per region.
void SeedAndCheckImages(Sandbox& sandbox, config::Settings& s) {
  aws::TransportOptions to;
  to.endpoint_url = s.aws_endpoint_url;
  aws::Credentials creds{s.aws_access_key_id, s.aws_secret_access_key, "", std::nullopt, "test"};
  auto transport = aws::MakeQueryTransport(
      to, [creds](const std::string&) -> Result<aws::Credentials> { return creds; },
      SystemClock::Instance());
  ASSERT_TRUE(sandbox.SeedAmis(*transport, s));
  aws::Ec2Client ec2(*transport);
  for (const auto& region : s.aws_allowed_regions) {
    const config::AmiConfig ami = config::AmiFor(s, region);
    EXPECT_EQ(ami.ami_name, kSandboxAmiName);
    auto images = ec2.DescribeImages({"", region}, aws::ImageQuery{{ami.ami_id}, {}, {}});
    ASSERT_TRUE(images) << images.error().message;
    ASSERT_EQ(images->size(), 1u) << region;
    EXPECT_EQ(images->front().name, kSandboxAmiName);
  }
}

// The simulator creates controllers on demand; they accept the sandbox's admin account over TLS
// verified with the simulator's CA.
void CheckControllerLogin(const SandboxPeers& peers) {
  http::Request create;
  create.method = "POST";
  create.url = peers.cml_control_url + "/control/controllers";
  create.body = "{}";
  create.headers = {{"Content-Type", "application/json"}};
  auto made = http::Perform(create);
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 201) << made->body;
  std::string url = GetString(*ParseJson(made->body), "url").value_or("");
  ASSERT_EQ(url.rfind("https://", 0), 0u) << url;
  http::Request login;
  login.method = "POST";
  login.url = url + "/api/v0/authenticate";
  login.body = Json({{"username", peers.cml_username}, {"password", peers.cml_password}}).dump();
  login.tls.ca_file = peers.cml_ca_file;
  auto token = http::Perform(login);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->status, 200) << token->body;
}

TEST(SandboxItest, StartsSeedsAndStopsItsPeers) {
  ASSERT_FALSE(FindExecutable("moto_server").empty())
      << "moto_server is not on PATH: install moto 5.2 (scripts/setup --test)";
  const std::string dir = ccm::testing::MakeTempDir("sandbox-itest");
  auto sandbox = Sandbox::Start(Options(dir));
  ASSERT_TRUE(sandbox) << sandbox.error().message;
  const SandboxPeers& peers = (*sandbox)->peers();
  EXPECT_EQ(peers.moto_endpoint.rfind("http://127.0.0.1:", 0), 0u);
  EXPECT_EQ(peers.cml_control_url.rfind("http://127.0.0.1:", 0), 0u);
  EXPECT_TRUE(std::filesystem::exists(peers.cml_ca_file));
  EXPECT_EQ(std::filesystem::path(peers.cml_ca_file).parent_path(), dir + "/sandbox");

  config::Settings s;
  s.sandbox = true;
  s.aws_allowed_regions = {"us-east-1", "eu-west-1"};
  (*sandbox)->Apply(s);
  EXPECT_TRUE(config::Validate(s).empty());
  SeedAndCheckImages(**sandbox, s);
  CheckControllerLogin(peers);

  std::vector<pid_t> pids = (*sandbox)->pids();
  ASSERT_EQ(pids.size(), 2u);
  (*sandbox)->Stop();
  for (pid_t pid : pids) EXPECT_TRUE(Gone(pid)) << pid;
  http::Request after;
  after.url = peers.moto_endpoint + "/moto-api/";
  EXPECT_FALSE(http::Perform(after));
}

TEST(SandboxItest, MissingProgramsAreNamed) {
  const std::string dir = ccm::testing::MakeTempDir("sandbox-itest-missing");
  SandboxOptions o = Options(dir);
  o.moto_program = "no-such-moto-server";
  auto sandbox = Sandbox::Start(o);
  ASSERT_FALSE(sandbox);
  EXPECT_EQ(sandbox.error().code, Code::kNotFound);
  EXPECT_NE(sandbox.error().message.find("no-such-moto-server"), std::string::npos);

  o = Options(dir);
  o.cml_sim_program = dir + "/no-cml-sim";
  sandbox = Sandbox::Start(o);
  ASSERT_FALSE(sandbox);
  EXPECT_EQ(sandbox.error().code, Code::kNotFound);
  EXPECT_NE(sandbox.error().message.find("cml-sim"), std::string::npos);
}

}  // namespace
}  // namespace ccm::sandbox
