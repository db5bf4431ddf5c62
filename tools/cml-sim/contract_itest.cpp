// Contract test: every endpoint cml-sim serves, called through `prism proxy --errors` with the
// CML 2.9 OpenAPI document. Prism answers its own error (problem+json, sl-violations) when a
// request or an answer violates the spec: any such answer fails the test with Prism's message.
#include <gtest/gtest.h>

#include "core/json.hpp"
#include "http/http_client.hpp"
#include "tools/cml-sim/internal/sim_process.hpp"

namespace ccm::cmlsim {
namespace {

using namespace std::chrono_literals;

class Contract : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sim_ = new testing::SimProcess();
    // Prism forwards "/labs" to "<upstream>/labs", so the upstream carries the /api/v0 base.
    setup_error_ = sim_->Start({"--controllers", "1"});
    if (!setup_error_.empty()) return;
    const char* src = std::getenv("CCM_SOURCE_DIR");
    const char* shared = std::getenv("CCM_SHARED_DIR");
    std::string prism = std::string(src ? src : "../..") + "/tests/node/node_modules/.bin/prism";
    std::string spec =
        std::string(shared ? shared : "../../../shared") + "/specs/cml-2.9-openapi.json";
    if (ccm::testing::FindProgram(prism).empty()) {
      setup_error_ = "Prism not found at " + prism + " (run scripts/setup --test)";
      return;
    }
    port_ = ccm::testing::FreePort();
    prism_log_ = ccm::testing::MakeTempDir("prism-") + "/prism.log";
    prism_ =
        new ccm::testing::ChildProcess({prism, "proxy", "--errors", spec, sim_->url() + "/api/v0",
                                        "-p", std::to_string(port_), "-h", "127.0.0.1"},
                                       {}, prism_log_);
    if (!ccm::testing::WaitForHttp(Base() + "/system_information", 60s)) {
      setup_error_ = "Prism did not start: " + ccm::testing::ReadFile(prism_log_);
    }
  }
  static void TearDownTestSuite() {
    delete prism_;
    delete sim_;
  }
  void SetUp() override {
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    Control("/control/reset", "");  // every test starts from the seeded state
  }

  static std::string Base() { return "http://127.0.0.1:" + std::to_string(port_); }

  // One call through Prism; fails the test on a spec violation or an unexpected status.
  Json Call(const std::string& method, const std::string& path, int expected_status,
            const std::string& body = "", const std::string& token = "") {
    http::Request req;
    req.method = method;
    req.url = Base() + path;
    req.body = body;
    req.timeout = 10s;
    if (!body.empty()) req.headers.push_back({"Content-Type", "application/json"});
    if (!token.empty()) req.headers.push_back({"Authorization", "Bearer " + token});
    auto res = http::Perform(req);
    EXPECT_TRUE(res) << method << " " << path << ": " << res.error().ToString();
    if (!res) return Json();
    std::string where = method + " " + path;
    EXPECT_FALSE(res->Header("sl-violations").has_value())
        << where << " violates the spec: " << *res->Header("sl-violations");
    EXPECT_EQ(res->Header("content-type").value_or("").find("problem+json"), std::string::npos)
        << where << ": Prism answered " << res->body;
    EXPECT_EQ(res->status, expected_status) << where << ": " << res->body;
    if (res->body.empty()) return Json();
    auto parsed = ParseJson(res->body);
    return parsed ? *parsed : Json(res->body);
  }

  std::string Login(const std::string& user, const std::string& password) {
    Json token =
        Call("POST", "/authenticate", 200, Json{{"username", user}, {"password", password}}.dump());
    return token.is_string() ? token.get<std::string>() : "";
  }

  std::string Control(const std::string& path, const std::string& body) {
    http::Request req;
    req.method = "POST";
    req.url = sim_->control_url() + path;
    req.body = body;
    auto res = http::Perform(req);
    EXPECT_TRUE(res && res->status == 200) << path << ": " << (res ? res->body : "");
    return res ? res->body : "";
  }

  static inline testing::SimProcess* sim_ = nullptr;
  static inline ccm::testing::ChildProcess* prism_ = nullptr;
  static inline std::string setup_error_;
  static inline std::string prism_log_;
  static inline int port_ = 0;
};

TEST_F(Contract, SystemAndUsers) {
  Json info = Call("GET", "/system_information", 200);
  EXPECT_TRUE(info.value("ready", false));
  std::string token = Login("admin", "admin");
  ASSERT_FALSE(token.empty());
  Call("POST", "/authenticate", 403, Json{{"username", "admin"}, {"password", "wrong"}}.dump());
  Call("GET", "/authok", 200, "", token);
  Call("GET", "/authok", 401, "", "not.a.token");
  Json health = Call("GET", "/system_health", 200, "", token);
  EXPECT_TRUE(health.value("valid", false));
  Json stats = Call("GET", "/system_stats", 200, "", token);
  EXPECT_EQ(stats["computes"].size(), 1u);
  Json users = Call("GET", "/users", 200, "", token);
  EXPECT_EQ(users.size(), 2u);
  Call("GET", "/users", 403, "", Login("student", "student"));
}

TEST_F(Contract, LabsNodesAndTopologies) {
  std::string token = Login("admin", "admin");
  Json ids = Call("GET", "/labs?show_all=true", 200, "", token);
  ASSERT_EQ(ids.size(), 2u);
  std::string lab = ids[0];
  Json detail = Call("GET", "/labs/" + lab, 200, "", token);
  EXPECT_EQ(detail.value("lab_title", ""), "Routing basics");
  Call("GET", "/labs/" + lab + "/state", 200, "", token);
  Json nodes = Call("GET", "/labs/" + lab + "/nodes", 200, "", token);
  ASSERT_FALSE(nodes.empty());
  Call("GET", "/labs/" + lab + "/nodes?data=true", 200, "", token);
  std::string node = nodes[0];
  Call("GET", "/labs/" + lab + "/nodes/" + node, 200, "", token);
  Call("PUT", "/labs/" + lab + "/nodes/" + node + "/state/start", 204, "", token);
  Call("PUT", "/labs/" + lab + "/nodes/" + node + "/state/stop", 204, "", token);
  Call("PUT", "/labs/" + lab + "/start", 204, "", token);
  Call("GET", "/labs/" + lab + "/nodes/" + node, 200, "", token);  // BOOTED node shape
  Call("GET", "/system_stats", 200, "", token);
  Call("PUT", "/labs/" + lab + "/wipe", 400, "", token);
  Call("DELETE", "/labs/" + lab, 400, "", token);
  Call("PUT", "/labs/" + lab + "/stop", 204, "", token);
  Json yaml = Call("GET", "/labs/" + lab + "/download", 200, "", token);
  EXPECT_NE(yaml.get<std::string>().find("Routing basics"), std::string::npos);
  Call("GET", "/labs/6b1e0c2e-96f5-4d0b-9f39-4a6f3e8f3c11", 404, "", token);
  Json topology{
      {"lab", Json{{"version", "0.3.0"}, {"notes", ""}}},
      {"nodes",
       Json::array(
           {Json{{"id", "n0"},
                 {"label", "a"},
                 {"x", 0},
                 {"y", 0},
                 {"node_definition", "alpine"},
                 {"interfaces", Json::array({Json{{"id", "i0"}, {"type", "physical"}}})}},
            Json{{"id", "n1"},
                 {"label", "b"},
                 {"x", 50},
                 {"y", 0},
                 {"node_definition", "alpine"},
                 {"interfaces", Json::array({Json{{"id", "i0"}, {"type", "physical"}}})}}})},
      {"links",
       Json::array({Json{{"id", "l0"}, {"n1", "n0"}, {"n2", "n1"}, {"i1", "i0"}, {"i2", "i0"}}})}};
  Json imported = Call("POST", "/import?title=Contract%20lab", 200, topology.dump(), token);
  std::string new_lab = imported.value("id", "");
  ASSERT_FALSE(new_lab.empty());
  EXPECT_EQ(Call("GET", "/labs/" + new_lab, 200, "", token).value("lab_title", ""), "Contract lab");
  Call("PUT", "/labs/" + lab + "/wipe", 204, "", token);
  Call("DELETE", "/labs/" + new_lab, 204, "", token);
  std::string student = Login("student", "student");
  std::string sandbox = Call("GET", "/labs", 200, "", student).at(0);
  Call("GET", "/labs/" + sandbox + "/nodes?data=true", 200, "", student);
  Call("PUT", "/labs/" + sandbox + "/start", 204, "", student);
  Call("GET", "/labs/" + sandbox + "/nodes?data=true", 200, "", student);
  Call("GET", "/labs/" + sandbox, 200, "", token);  // another owner's lab seen by the admin
}

TEST_F(Contract, LicensingLifecycle) {
  std::string token = Login("admin", "admin");
  Json lic = Call("GET", "/licensing", 200, "", token);
  EXPECT_EQ(lic["registration"].value("status", ""), "NOT_REGISTERED");
  Call("DELETE", "/licensing/deregistration", 400, "", token);
  Call("PUT", "/licensing/product_license", 204, Json("CML_Enterprise").dump(), token);
  Call("POST", "/licensing/registration", 204, Json{{"token", "ZmFrZS10b2tlbg=="}}.dump(), token);
  lic = Call("GET", "/licensing", 200, "", token);
  EXPECT_EQ(lic["registration"].value("status", ""), "COMPLETED");
  EXPECT_EQ(lic["authorization"].value("status", ""), "IN_COMPLIANCE");
  Call("POST", "/licensing/registration", 400, Json{{"token", "ZmFrZQ"}}.dump(), token);
  Call("PUT", "/licensing/product_license", 400, Json("CML_Personal").dump(), token);
  Call("DELETE", "/licensing/deregistration", 204, "", token);
  Control("/control/controllers/c0/licensing",
          R"({"deregister_local_only":true,"delay_seconds":30})");
  Call("POST", "/licensing/registration", 204, Json{{"token", "abc"}, {"reregister", true}}.dump(),
       token);
  EXPECT_EQ(Call("GET", "/licensing", 200, "", token)["registration"].value("status", ""),
            "IN_PROGRESS");
  Call("POST", "/licensing/registration", 409, Json{{"token", "abc"}}.dump(), token);
  Call("DELETE", "/licensing/deregistration", 409, "", token);
  Control("/control/controllers/c0/licensing", R"({"delay_seconds":0})");
  Control("/control/controllers/c0/reset", "");
  token = Login("admin", "admin");
  Control("/control/controllers/c0/licensing", R"({"deregister_local_only":true})");
  Call("POST", "/licensing/registration", 204, Json{{"token", "abc"}}.dump(), token);
  Control("/control/controllers/c0/expire_license", "");
  EXPECT_EQ(Call("GET", "/licensing", 200, "", token)["authorization"].value("status", ""),
            "OUT_OF_COMPLIANCE");
  Call("DELETE", "/licensing/deregistration", 202, "", token);
  Control("/control/controllers/c0/reset", "");
}

TEST_F(Contract, TelemetryEvents) {
  std::string token = Login("student", "student");
  Json labs = Call("GET", "/labs", 200, "", token);
  ASSERT_EQ(labs.size(), 1u);
  Call("PUT", "/labs/" + labs[0].get<std::string>() + "/start", 204, "", token);
  Control("/control/controllers/c0/user_activity", R"({"username":"student"})");
  Json events = Call("GET", "/telemetry/events", 200, "", Login("admin", "admin"));
  bool saw_start = false;
  for (const Json& e : events) saw_start = saw_start || e.value("category", "") == "start_lab";
  EXPECT_TRUE(saw_start);
  Control("/control/controllers/c0/reset", "");
}

}  // namespace
}  // namespace ccm::cmlsim
