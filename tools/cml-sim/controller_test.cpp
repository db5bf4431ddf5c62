// Controller behaviour on a manual clock: licensing timing, scenarios, tokens, labs, telemetry.
#include "tools/cml-sim/controller.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"

namespace ccm::cmlsim {
namespace {

using namespace std::chrono_literals;

class ControllerTest : public ::testing::Test {
 protected:
  explicit ControllerTest(ControllerConfig config = {}) : c_(config, clock_) {}

  Answer Do(const std::string& method, const std::string& path, const std::string& token = "",
            const std::string& body = "", std::map<std::string, std::string> query = {}) {
    return c_.Handle(
        ApiCall{method, path, std::move(query), token.empty() ? "" : "Bearer " + token, body});
  }
  Json DoJson(const std::string& method, const std::string& path, const std::string& token,
              std::map<std::string, std::string> query = {}) {
    Answer a = Do(method, path, token, "", std::move(query));
    EXPECT_EQ(a.status, 200) << method << " " << path << ": " << a.body;
    return Json::parse(a.body);
  }
  std::string Login(const std::string& user = "admin", const std::string& password = "admin") {
    Answer a =
        Do("POST", "/authenticate", "", Json{{"username", user}, {"password", password}}.dump());
    EXPECT_EQ(a.status, 200) << a.body;
    return a.status == 200 ? Json::parse(a.body).get<std::string>() : "";
  }
  Json State() { return Json::parse(c_.StateJson()); }
  std::string LabOf(const std::string& owner) {
    Json state = State();
    for (const Json& lab : state["labs"]) {
      if (lab["owner"] == owner) return lab["id"];
    }
    return "";
  }
  std::string UserId(const std::string& name) {
    Json state = State();
    for (const Json& u : state["users"]) {
      if (u["username"] == name) return u["id"];
    }
    return "";
  }

  ManualClock clock_;
  Controller c_;
};

TEST_F(ControllerTest, LicenceRegistrationCompletesAfterTheDelay) {
  c_.SetLicensingScenario(std::nullopt, std::nullopt, 60s);
  std::string t = Login();
  EXPECT_EQ(Do("POST", "/licensing/registration", t, R"({"token":"abc"})").status, 204);
  EXPECT_EQ(DoJson("GET", "/licensing", t)["registration"]["status"], "IN_PROGRESS");
  clock_.Advance(59s);
  Json lic = DoJson("GET", "/licensing", t);
  EXPECT_EQ(lic["registration"]["status"], "IN_PROGRESS");
  EXPECT_EQ(lic["authorization"]["status"], "EVAL");
  clock_.Advance(1s);
  lic = DoJson("GET", "/licensing", t);
  EXPECT_EQ(lic["registration"]["status"], "COMPLETED");
  EXPECT_EQ(lic["authorization"]["status"], "IN_COMPLIANCE");
  EXPECT_TRUE(lic["registration"]["expires"].is_string());
  EXPECT_TRUE(lic["registration"]["register_time"]["succeeded"].is_string());
  EXPECT_EQ(Do("DELETE", "/licensing/deregistration", t).status, 204);
  EXPECT_EQ(DoJson("GET", "/licensing", t)["registration"]["status"], "NOT_REGISTERED");
  EXPECT_EQ(Do("DELETE", "/licensing/deregistration", t).status, 400);
}

TEST_F(ControllerTest, RegistrationFailureAndLocalOnlyDeregistrationScenarios) {
  c_.SetLicensingScenario(true, true, 10s);
  std::string t = Login();
  Do("POST", "/licensing/registration", t, R"({"token":"abc"})");
  EXPECT_EQ(Do("POST", "/licensing/registration", t, R"({"token":"abc"})").status, 409);
  clock_.Advance(10s);
  Json lic = DoJson("GET", "/licensing", t);
  EXPECT_EQ(lic["registration"]["status"], "FAILED");
  EXPECT_TRUE(lic["registration"]["register_time"]["failure"].is_string());
  c_.SetLicensingScenario(std::nullopt, false, 0s);
  Do("POST", "/licensing/registration", t, R"({"token":"abc"})");
  EXPECT_EQ(DoJson("GET", "/licensing", t)["registration"]["status"], "COMPLETED");
  EXPECT_EQ(Do("DELETE", "/licensing/deregistration", t).status, 202);
  EXPECT_EQ(Do("POST", "/licensing/registration", t, R"({"token":"bad token!"})").status, 400);
}

TEST_F(ControllerTest, ExpiredLicenceIsOutOfCompliance) {
  std::string t = Login();
  Do("POST", "/licensing/registration", t, R"({"token":"abc"})");
  c_.ExpireLicense();
  Json lic = DoJson("GET", "/licensing", t);
  EXPECT_EQ(lic["authorization"]["status"], "OUT_OF_COMPLIANCE");
  EXPECT_LT(*ParseTime(lic["authorization"]["expires"].get<std::string>()), clock_.Now());
  EXPECT_FALSE(DoJson("GET", "/system_health", t)["is_licensed"].get<bool>());
}

TEST_F(ControllerTest, ReadyAfterDelaysReadiness) {
  c_.SetReadyAfter(30s);
  EXPECT_FALSE(DoJson("GET", "/system_information", "")["ready"].get<bool>());
  clock_.Advance(30s);
  EXPECT_TRUE(DoJson("GET", "/system_information", "")["ready"].get<bool>());
}

TEST_F(ControllerTest, Fail502ForAWhileOrForSomeRequests) {
  c_.Fail502(20s, 0);
  EXPECT_EQ(Do("GET", "/system_information").status, 502);
  clock_.Advance(20s);
  EXPECT_EQ(Do("GET", "/system_information").status, 200);
  c_.Fail502(std::nullopt, 2);
  EXPECT_EQ(Do("GET", "/system_information").status, 502);
  EXPECT_EQ(Do("POST", "/authenticate").status, 502);
  EXPECT_EQ(Do("GET", "/system_information").status, 200);
  EXPECT_EQ(State()["failed_502"], 3);
}

TEST_F(ControllerTest, TokensAuthenticateExpireAndCanBeRevoked) {
  EXPECT_EQ(Do("GET", "/labs").status, 401);
  EXPECT_EQ(Do("GET", "/labs", "garbage").status, 401);
  EXPECT_EQ(Do("POST", "/authenticate", "", R"({"username":"admin","password":"no"})").status, 403);
  std::string t = Login();
  EXPECT_EQ(Do("GET", "/authok", t).status, 200);
  std::string other_controller_token = t.substr(0, t.rfind('.')) + ".forged";
  EXPECT_EQ(Do("GET", "/authok", other_controller_token).status, 401);
  c_.RevokeTokens();
  EXPECT_EQ(Do("GET", "/authok", t).status, 401);
  t = Login();
  clock_.Advance(8h);
  EXPECT_EQ(Do("GET", "/authok", t).status, 401);
  c_.SetFailAuth(true);
  EXPECT_EQ(Do("POST", "/authenticate", "", R"({"username":"admin","password":"admin"})").status,
            403);
  Json s = State();
  EXPECT_EQ(s["logins"], 2);
  EXPECT_EQ(s["login_failures"], 2);
  EXPECT_EQ(s["calls"]["GET /authok"], 4);
}

TEST_F(ControllerTest, StudentSeesOwnLabsAdminSeesAllWithShowAll) {
  std::string admin = Login();
  std::string student = Login("student", "student");
  EXPECT_EQ(DoJson("GET", "/labs", admin, {{"show_all", "true"}}).size(), 2u);
  EXPECT_EQ(DoJson("GET", "/labs", admin).size(), 1u);
  EXPECT_EQ(DoJson("GET", "/labs", student, {{"show_all", "true"}}).size(), 1u);
  EXPECT_EQ(Do("GET", "/labs/" + LabOf("admin"), student).status, 404);
  EXPECT_EQ(Do("GET", "/users", student).status, 403);
  Json lab = DoJson("GET", "/labs/" + LabOf("student"), student);
  EXPECT_EQ(lab["owner_username"], "student");
  EXPECT_EQ(lab["node_count"], 3);
}

TEST_F(ControllerTest, LabStartByAUserAppendsTheTelemetryARealControllerWould) {
  std::string lab = LabOf("student");
  clock_.Advance(5s);
  ASSERT_TRUE(c_.LabActionAs("student", lab, "start"));
  Json events = DoJson("GET", "/telemetry/events", Login());
  std::string student_id = UserId("student");
  int starts = 0, node_starts = 0;
  std::string previous;
  for (const Json& e : events) {
    std::string ts = e["timestamp"];
    EXPECT_LT(previous, ts) << "timestamps must strictly increase";
    previous = ts;
    if (e["data"].value("user_id", "") != student_id) continue;
    starts += e["category"] == "start_lab";
    node_starts += e["category"] == "start_node";
  }
  EXPECT_EQ(starts, 1);
  EXPECT_EQ(node_starts, 3);
  Json stats = DoJson("GET", "/system_stats", Login());
  Json dominfo = stats["computes"].begin().value()["stats"]["dominfo"];
  EXPECT_EQ(dominfo["running_nodes"], 3);
  EXPECT_EQ(dominfo["allocated_cpus"], 2);  // the unmanaged switch runs without CPUs of its own
  EXPECT_FALSE(c_.LabActionAs("nobody", lab, "stop"));
  EXPECT_FALSE(c_.LabActionAs("student", lab, "explode"));
}

TEST_F(ControllerTest, UserActivityIsRecordedAsThatUser) {
  ASSERT_TRUE(c_.RecordUserActivity("student", "console"));
  Json events = DoJson("GET", "/telemetry/events", Login());
  const Json& e = events[events.size() - 2];  // the admin login comes last
  EXPECT_EQ(e["category"], "user_activity");
  EXPECT_EQ(e["data"]["user_id"], UserId("student"));
  EXPECT_EQ(e["data"]["activity"], "console");
}

TEST_F(ControllerTest, ImportDownloadAndDeleteLifecycle) {
  std::string t = Login();
  std::string yaml = R"(lab:
  title: From YAML
  version: 0.3.0
nodes:
  - {id: n0, label: a, node_definition: alpine, x: 0, y: 0, interfaces: [{id: i0}]}
  - {id: n1, label: b, node_definition: alpine, x: 10, y: 0, interfaces: [{id: i0}]}
links:
  - {id: l0, n1: n0, n2: n1, i1: i0, i2: i0}
)";
  Answer imported = Do("POST", "/import", t, yaml);
  ASSERT_EQ(imported.status, 200) << imported.body;
  std::string id = Json::parse(imported.body)["id"];
  Json lab = DoJson("GET", "/labs/" + id, t);
  EXPECT_EQ(lab["lab_title"], "From YAML");
  EXPECT_EQ(lab["link_count"], 1);
  std::string downloaded = DoJson("GET", "/labs/" + id + "/download", t).get<std::string>();
  Answer again = Do("POST", "/import", t, downloaded, {{"title", "Copy"}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(
      DoJson("GET", "/labs/" + Json::parse(again.body)["id"].get<std::string>(), t)["node_count"],
      2);
  Answer bad =
      Do("POST", "/import", t, R"({"lab":{"version":"0.3.0"},"nodes":[{"id":"n0"}],"links":[]})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("nodes[0].label"), std::string::npos);
  Do("PUT", "/labs/" + id + "/start", t);
  EXPECT_EQ(Do("DELETE", "/labs/" + id, t).status, 400);
  EXPECT_EQ(Do("PUT", "/labs/" + id + "/wipe", t).status, 400);
  Do("PUT", "/labs/" + id + "/stop", t);
  EXPECT_EQ(Do("PUT", "/labs/" + id + "/wipe", t).status, 204);
  EXPECT_EQ(Do("DELETE", "/labs/" + id, t).status, 204);
  EXPECT_EQ(Do("GET", "/labs/" + id, t).status, 404);
}

TEST_F(ControllerTest, UnknownPathsAndMethods) {
  EXPECT_EQ(Do("GET", "/nope").status, 404);
  EXPECT_EQ(Do("DELETE", "/system_information").status, 405);
}

TEST_F(ControllerTest, ResetRestoresTheSeededState) {
  std::string t = Login();
  Do("PUT", "/labs/" + LabOf("admin") + "/wipe", t);
  c_.SetLatency(40ms);
  c_.Reset();
  EXPECT_EQ(Do("GET", "/authok", t).status, 401);  // old tokens die with the reset
  Json s = State();
  EXPECT_EQ(s["labs"].size(), 2u);
  EXPECT_EQ(s["logins"], 0);
  EXPECT_EQ(c_.Latency(), 0ms);
}

}  // namespace
}  // namespace ccm::cmlsim
