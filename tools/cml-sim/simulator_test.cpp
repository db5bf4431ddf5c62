// The simulator in-process on real loopback sockets: control endpoint, latency by timers,
// scenarios over HTTP, TLS, body limit.
#include "tools/cml-sim/simulator.hpp"

#include <gtest/gtest.h>

#include <future>

#include "core/json.hpp"
#include "http/http_client.hpp"

namespace ccm::cmlsim {
namespace {

using namespace std::chrono_literals;

http::Response Send(const std::string& method, const std::string& url, const std::string& body = "",
                    const std::string& token = "", const std::string& ca_file = "") {
  http::Request r;
  r.method = method;
  r.url = url;
  r.body = body;
  r.timeout = 10s;
  r.tls.ca_file = ca_file;
  if (!token.empty()) r.headers.push_back({"Authorization", "Bearer " + token});
  auto res = http::Perform(r);
  EXPECT_TRUE(res) << method << " " << url << ": " << (res ? "" : res.error().ToString());
  return res ? *res : http::Response{};
}

std::string Login(const std::string& api, const std::string& ca_file = "") {
  auto res = Send("POST", api + "/authenticate", R"({"username":"admin","password":"admin"})", "",
                  ca_file);
  EXPECT_EQ(res.status, 200) << res.body;
  return res.status == 200 ? Json::parse(res.body).get<std::string>() : "";
}

TEST(Simulator, ReadyLineAndControlEndpoint) {
  SimulatorOptions o;
  o.controllers = 2;
  Simulator sim(o);
  ASSERT_TRUE(sim.Start());
  Json ready = Json::parse(sim.ReadyLine());
  ASSERT_EQ(ready["controllers"].size(), 2u);
  EXPECT_EQ(ready["controllers"][1]["id"], "c1");
  EXPECT_FALSE(ready.contains("ca_file"));
  std::string control = ready["control_url"];
  auto created = Send("POST", control + "/control/controllers", R"({"ready_after_seconds":60})");
  ASSERT_EQ(created.status, 201) << created.body;
  Json c2 = Json::parse(created.body);
  EXPECT_EQ(c2["id"], "c2");
  std::string api = c2["url"].get<std::string>() + "/api/v0";
  EXPECT_FALSE(Json::parse(Send("GET", api + "/system_information").body)["ready"].get<bool>());
  std::string token = Login(api);
  for (int i = 0; i < 3; ++i) Send("GET", api + "/labs?show_all=true", "", token);
  Json state = Json::parse(Send("GET", control + "/control/controllers/c2/state").body);
  EXPECT_EQ(state["logins"], 1);
  EXPECT_EQ(state["calls"]["GET /labs"], 3);
  Json all = Json::parse(Send("GET", control + "/control/state").body);
  EXPECT_EQ(all["controllers"].size(), 3u);
  EXPECT_EQ(all["logins"], 1);
  EXPECT_EQ(Send("POST", control + "/control/controllers/c9/latency", R"({"ms":1})").status, 404);
  EXPECT_EQ(Send("POST", control + "/control/controllers/c0/latency", R"({"ms":-1})").status, 400);
  EXPECT_EQ(Send("POST", control + "/control/controllers/c0/bogus", "{}").status, 404);
  EXPECT_EQ(Send("GET", c2["url"].get<std::string>() + "/elsewhere").status, 404);
}

TEST(Simulator, LatencyIsAppliedConcurrentlyAcrossControllers) {
  SimulatorOptions o;
  o.controllers = 60;
  o.latency = 250ms;
  Simulator sim(o);
  ASSERT_TRUE(sim.Start());
  auto start = std::chrono::steady_clock::now();
  std::vector<std::future<http::Response>> answers;
  for (const auto& c : sim.Controllers()) {
    answers.push_back(std::async(std::launch::async, [url = c.url] {
      return Send("GET", url + "/api/v0/system_information");
    }));
  }
  for (auto& a : answers) {
    auto res = a.get();
    EXPECT_EQ(res.status, 200);
    EXPECT_GE(res.elapsed_seconds, 0.24);
  }
  // 60 answers of 250 ms on 2 io threads: one round of latency, not 60.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2000ms);
}

TEST(Simulator, ScenariosOverTheControlEndpoint) {
  Simulator sim(SimulatorOptions{});
  ASSERT_TRUE(sim.Start());
  std::string control = sim.control_url();
  std::string api = sim.Controllers()[0].url + "/api/v0";
  Send("POST", control + "/control/controllers/all/fail_502", R"({"requests":2})");
  EXPECT_EQ(Send("GET", api + "/system_information").status, 502);
  EXPECT_EQ(Send("GET", api + "/system_information").status, 502);
  EXPECT_EQ(Send("GET", api + "/system_information").status, 200);
  Send("POST", control + "/control/controllers/c0/fail_auth", R"({"enabled":true})");
  EXPECT_EQ(
      Send("POST", api + "/authenticate", R"({"username":"admin","password":"admin"})").status,
      403);
  Send("POST", control + "/control/controllers/c0/fail_auth", R"({"enabled":false})");
  std::string token = Login(api);
  Json state = Json::parse(Send("GET", control + "/control/controllers/c0/state").body);
  std::string lab;
  for (const Json& l : state["labs"]) {
    if (l["owner"] == "student") lab = l["id"];
  }
  auto started = Send("POST", control + "/control/controllers/c0/labs/" + lab + "/start",
                      R"({"username":"student"})");
  EXPECT_EQ(started.status, 200) << started.body;
  Json events = Json::parse(Send("GET", api + "/telemetry/events", "", token).body);
  bool student_started = false;
  for (const Json& e : events) {
    student_started |= e["category"] == "start_lab" && e["data"]["username"] == "student";
  }
  EXPECT_TRUE(student_started);
  EXPECT_EQ(Send("POST", control + "/control/controllers/c0/labs/nope/start", "{}").status, 404);
  Send("POST", control + "/control/controllers/c0/revoke_tokens", "");
  EXPECT_EQ(Send("GET", api + "/labs", "", token).status, 401);
  Send("POST", control + "/control/latency", R"({"ms":150})");
  auto slow = Send("GET", api + "/system_information");
  EXPECT_GE(slow.elapsed_seconds, 0.14);
  Send("POST", control + "/control/reset", "");
  EXPECT_LT(Send("GET", api + "/system_information").elapsed_seconds, 0.14);
}

TEST(Simulator, ServesHttpsWithTheCertificateFromTheReadyLine) {
  SimulatorOptions o;
  o.tls = true;
  Simulator sim(o);
  ASSERT_TRUE(sim.Start());
  Json ready = Json::parse(sim.ReadyLine());
  std::string ca = ready["ca_file"];
  std::string url = ready["controllers"][0]["url"];
  EXPECT_EQ(url.rfind("https://", 0), 0u);
  std::string token = Login(url + "/api/v0", ca);
  EXPECT_EQ(Send("GET", url + "/api/v0/licensing", "", token, ca).status, 200);
  http::Request unverified;
  unverified.url = url + "/api/v0/system_information";
  EXPECT_FALSE(http::Perform(unverified).has_value());  // unknown CA: refused
  EXPECT_EQ(ready["control_url"].get<std::string>().rfind("http://", 0), 0u);
}

TEST(Simulator, ImportOverTheBodyLimitGets413AndEmptyApiBaseWorks) {
  SimulatorOptions o;
  o.max_body_bytes = 2048;
  o.api_base = "";
  Simulator sim(o);
  ASSERT_TRUE(sim.Start());
  std::string api = sim.Controllers()[0].url;
  std::string token = Login(api);
  EXPECT_EQ(Send("POST", api + "/import", std::string(4096, ' '), token).status, 413);
  EXPECT_EQ(Send("GET", api + "/system_information").status, 200);
}

TEST(Simulator, RejectsABadApiBase) {
  SimulatorOptions o;
  o.api_base = "api/";
  Simulator sim(o);
  auto st = sim.Start();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "api_base");
}

}  // namespace
}  // namespace ccm::cmlsim
