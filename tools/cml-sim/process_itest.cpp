// cml-sim as a process: command line, ready line, ports, TLS files, timing flags, SIGTERM.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <thread>

#include "core/json.hpp"
#include "http/http_client.hpp"
#include "tools/cml-sim/internal/sim_process.hpp"

namespace ccm::cmlsim {
namespace {

using namespace std::chrono_literals;

http::Response Send(const std::string& method, const std::string& url, const std::string& body = "",
                    const std::string& token = "", const std::string& ca = "") {
  http::Request r;
  r.method = method;
  r.url = url;
  r.body = body;
  r.tls.ca_file = ca;
  if (!token.empty()) r.headers.push_back({"Authorization", "Bearer " + token});
  auto res = http::Perform(r);
  EXPECT_TRUE(res) << url << ": " << (res ? "" : res.error().ToString());
  return res ? *res : http::Response{};
}

TEST(CmlSimProcess, PrintsTheReadyLineServesTheChosenPortsAndStopsOnSigterm) {
  int port = ccm::testing::FreePort();
  int control = ccm::testing::FreePort();
  testing::SimProcess sim;
  std::string error = sim.Start({"--controllers", "1", "--base-port", std::to_string(port),
                                 "--control-port", std::to_string(control), "--admin-user", "root",
                                 "--admin-password", "s3cret-pass"});
  ASSERT_EQ(error, "");
  EXPECT_EQ(sim.url(), "http://127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(sim.control_url(), "http://127.0.0.1:" + std::to_string(control));
  EXPECT_EQ(sim.ready().value("api_base", ""), "/api/v0");
  std::string api = sim.url() + "/api/v0";
  EXPECT_EQ(
      Send("POST", api + "/authenticate", R"({"username":"admin","password":"admin"})").status,
      403);
  auto login =
      Send("POST", api + "/authenticate", R"({"username":"root","password":"s3cret-pass"})");
  EXPECT_EQ(login.status, 200);
  EXPECT_EQ(
      Send("POST", api + "/authenticate", R"({"username":"student","password":"student"})").status,
      200);
  EXPECT_EQ(sim.log().find("s3cret-pass"), std::string::npos);
  int status = sim.process().Stop(5000ms);
  ASSERT_TRUE(WIFEXITED(status)) << "cml-sim did not exit by itself on SIGTERM";
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(CmlSimProcess, TlsWritesItsCertificateIntoCertDir) {
  std::string dir = ccm::testing::MakeTempDir("cml-sim-certs-");
  testing::SimProcess sim;
  ASSERT_EQ(sim.Start({"--tls", "--cert-dir", dir, "--controllers", "2"}), "");
  std::string ca = sim.ready().value("ca_file", "");
  EXPECT_EQ(ca, dir + "/cml-sim.crt");
  EXPECT_TRUE(std::filesystem::exists(dir + "/cml-sim.key"));
  auto perms = std::filesystem::status(dir + "/cml-sim.key").permissions();
  EXPECT_EQ(perms & std::filesystem::perms::others_read, std::filesystem::perms::none);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(sim.url(i).rfind("https://", 0), 0u);
    EXPECT_EQ(Send("GET", sim.url(i) + "/api/v0/system_information", "", "", ca).status, 200);
  }
}

TEST(CmlSimProcess, ReadyAfterAndLicenceDelayFlags) {
  testing::SimProcess sim;
  ASSERT_EQ(sim.Start({"--ready-after-seconds", "1", "--license-delay-seconds", "1", "--latency-ms",
                       "20"}),
            "");
  std::string api = sim.url() + "/api/v0";
  auto info = Send("GET", api + "/system_information");
  EXPECT_GE(info.elapsed_seconds, 0.019);
  EXPECT_FALSE(Json::parse(info.body)["ready"].get<bool>());
  auto login = Send("POST", api + "/authenticate", R"({"username":"admin","password":"admin"})");
  std::string token = Json::parse(login.body).get<std::string>();
  EXPECT_EQ(Send("POST", api + "/licensing/registration", R"({"token":"abc"})", token).status, 204);
  EXPECT_EQ(Json::parse(Send("GET", api + "/licensing", "", token).body)["registration"]["status"],
            "IN_PROGRESS");
  std::this_thread::sleep_for(1100ms);
  EXPECT_TRUE(Json::parse(Send("GET", api + "/system_information").body)["ready"].get<bool>());
  Json lic = Json::parse(Send("GET", api + "/licensing", "", token).body);
  EXPECT_EQ(lic["registration"]["status"], "COMPLETED");
  EXPECT_EQ(lic["authorization"]["status"], "IN_COMPLIANCE");
}

TEST(CmlSimProcess, BadFlagsExitWithAMessage) {
  testing::SimProcess sim;
  std::string error = sim.Start({"--api-base", "no-slash"});
  EXPECT_NE(error.find("api_base"), std::string::npos) << error;
}

}  // namespace
}  // namespace ccm::cmlsim
