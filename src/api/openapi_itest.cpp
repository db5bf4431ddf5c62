// /openapi.json against the real server's answers: Prism 5.14 as a validating proxy
// (`prism proxy --errors`) in front of an ApiServer, fed the document the server itself serves.
// Every request and answer that breaks the document fails the call, so the schemas, statuses and
// parameters it declares are the ones the server really uses.
#include <gtest/gtest.h>

#include <fstream>

#include "api/api_test_fixture.hpp"
#include "tests/support/cml_sim.hpp"
#include "tests/support/process.hpp"

namespace ccm::api {
namespace {

using testing::Reply;

class OpenApiContractTest : public testing::ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    std::string prism = ccm::testing::PrismProgram();
    ASSERT_FALSE(prism.empty()) << "Prism is required (run scripts/setup --test)";
    Reply doc = Get("/openapi.json", "");
    ASSERT_EQ(doc.status, 200);
    std::string dir = ccm::testing::MakeTempDir("openapi");
    spec_ = dir + "/openapi.json";
    std::ofstream(spec_) << doc.body;
    prism_port_ = ccm::testing::FreePort();
    log_ = dir + "/prism.log";
    prism_ = ccm::testing::ChildProcess({prism, "proxy", spec_, Url(""), "--errors", "-h",
                                         "127.0.0.1", "-p", std::to_string(prism_port_)},
                                        {}, log_);
    ASSERT_TRUE(ccm::testing::WaitForPort(prism_port_, std::chrono::seconds(90)))
        << "prism did not start; log: " << log_;
  }

  void TearDown() override {
    prism_.Stop();
    ApiTest::TearDown();
  }

  // Through Prism: the answer, which Prism replaces by its own error when anything violates
  // the document.
  Reply Via(const std::string& method, const std::string& path, const std::string& token,
            const std::string& body = "") {
    http::Request req;
    req.method = method;
    req.url = "http://127.0.0.1:" + std::to_string(prism_port_) + path;
    req.timeout = std::chrono::milliseconds(20000);
    if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
    if (!body.empty()) {
      req.headers.emplace_back("Content-Type", "application/json");
      req.body = body;
    }
    auto res = http::Perform(req);
    EXPECT_TRUE(res.has_value()) << (res ? "" : res.error().ToString());
    if (!res) return {};
    return Reply{res->status, res->headers, res->body};
  }

  void Expect(const std::string& method, const std::string& path, const std::string& token,
              int status, const std::string& body = "") {
    Reply r = Via(method, path, token, body);
    EXPECT_EQ(r.status, status) << method << " " << path << ": " << r.body
                                << "\n(prism log: " << log_ << ")";
    EXPECT_EQ(r.Header("sl-violations"), "") << method << " " << path;
  }

  std::string spec_, log_;
  int prism_port_ = 0;
  ccm::testing::ChildProcess prism_;
};

TEST_F(OpenApiContractTest, AnswersMatchTheDocument) {
  auto w = RunningWorker();
  const std::string wp = "/api/v1/workers/" + w.id;
  Expect("GET", "/healthz", "", 200);
  Expect("GET", "/readyz", "", 200);
  Expect("GET", "/api/v1/workers", admin_, 200);
  Expect("GET", "/api/v1/workers?limit=1&include_terminated=true", operator_, 200);
  Expect("GET", wp, alice_, 200);
  Expect("POST", "/api/v1/workers", admin_, 202,
         R"({"name":"contract-1","region":"us-east-1","tags":{"team":"a"}})");
  Expect("GET", wp + "/tags", alice_, 200);
  Expect("PUT", wp + "/tags", operator_, 200, R"({"tags":{"team":"b"}})");
  Expect("PATCH", wp + "/tags", operator_, 200, R"({"tags":{"team":null}})");
  Expect("POST", wp + "/refresh", alice_, 200);
  Expect("POST", wp + "/monitoring", operator_, 200, R"({"enabled":true})");
  Expect("GET", wp + "/metrics", alice_, 200);
  Expect("GET", wp + "/labs", alice_, 200);
  Expect("POST", wp + "/labs/lab-b/start", alice_, 204);
  Expect("GET", wp + "/license", alice_, 200);
  Expect("POST", wp + "/license", admin_, 200, R"({"token":"licence-token-abc"})");
  Expect("DELETE", wp + "/license", admin_, 200);
  Expect("GET", wp + "/connect", alice_, 200);
  Expect("GET", wp + "/idle", alice_, 200);
  Expect("PUT", wp + "/idle", alice_, 200, R"({"enabled":false})");
  Expect("PUT", wp + "/access", admin_, 200, R"({"assigned_users":["bob"]})");
  Expect("POST", wp + "/stop", alice_, 202, R"({"release_license":false})");
  Expect("GET", "/api/v1/audit?limit=5", operator_, 200);
  Expect("GET", "/api/v1/settings", admin_, 200);
  Expect("GET", "/api/v1/me", alice_, 200);
  Expect("GET", "/api/v1/tokens", admin_, 200);
  Expect("POST", "/api/v1/tokens", admin_, 201, R"({"name":"contract","role":"user"})");
  Expect("DELETE", wp, admin_, 202);
  // Problems are documented too.
  Expect("GET", "/api/v1/workers/" + NewUuid(), admin_, 404);
  Expect("POST", "/api/v1/workers", admin_, 400, R"({"name":"x","region":"mars-1"})");
  Expect("PUT", wp + "/tags", alice_, 403, R"({"tags":{}})");
  Expect("POST", wp + "/start", admin_, 409);
}

}  // namespace
}  // namespace ccm::api
