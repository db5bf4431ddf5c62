// Request building, status mapping, error text and redaction, answer parsing.
#include "cml/internal/calls.hpp"

#include <gtest/gtest.h>

#include "cml/cml_client.hpp"
#include "cml/internal/parse.hpp"
#include "core/log.hpp"

namespace ccm::cml::internal {
namespace {

CmlTarget Target() {
  CmlTarget t;
  t.worker_id = "w-1";
  t.endpoint = "https://cml.example:8443";
  t.username = "admin";
  t.password = "pw-Sup3r-secret";
  return t;
}

std::string HeaderOf(const http::Request& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(TargetTest, ApiBaseDefaultsToApiV0AndCanBeOverridden) {
  CmlTarget t = Target();
  EXPECT_EQ(t.ApiBase(), "https://cml.example:8443/api/v0");
  t.endpoint = "https://cml.example/";
  EXPECT_EQ(t.ApiBase(), "https://cml.example/api/v0");
  t.api_base = "http://127.0.0.1:4010/";
  EXPECT_EQ(t.ApiBase(), "http://127.0.0.1:4010");
}

TEST(CallsTest, BuildsAuthenticatedRequestsWithTimeoutsAndTls) {
  CmlClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(1234);
  options.timeout = std::chrono::milliseconds(5678);
  options.max_response_bytes = 999;
  CmlTarget t = Target();
  t.tls.ca_file = "/tmp/ca.pem";
  http::Request r = BuildRequest(t, LabsCall(), "tok", options);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, "https://cml.example:8443/api/v0/labs?show_all=true");
  EXPECT_EQ(HeaderOf(r, "Authorization"), "Bearer tok");
  EXPECT_EQ(r.connect_timeout.count(), 1234);
  EXPECT_EQ(r.timeout.count(), 5678);
  EXPECT_EQ(r.max_response_bytes, 999u);
  EXPECT_EQ(r.tls.ca_file, "/tmp/ca.pem");
  http::Request info = BuildRequest(t, SystemInformationCall(), "", options);
  EXPECT_EQ(HeaderOf(info, "Authorization"), "");
}

TEST(CallsTest, BodiesAndPathsFollowTheSpec) {
  CmlTarget t = Target();
  Call login = LoginCall(t);
  EXPECT_EQ(login.body, R"({"username":"admin","password":"pw-Sup3r-secret"})");
  EXPECT_FALSE(login.auth);
  EXPECT_EQ(RegistrationCall("tok-123", true).body, R"({"token":"tok-123","reregister":true})");
  EXPECT_EQ(ProductLicenseCall("CML_Enterprise").body, "\"CML_Enterprise\"");
  EXPECT_EQ(LabActionCall("abc-1", "start").path, "/labs/abc-1/start");
  EXPECT_EQ(LabActionCall("abc-1", "wipe").route, "PUT /labs/{id}/wipe");
  EXPECT_EQ(DeleteLabCall("abc-1").method, "DELETE");
  Call import = ImportCall("My lab & more/ü", "{\"lab\":{}}");
  EXPECT_EQ(import.query, "title=My%20lab%20%26%20more%2F%C3%BC");
  EXPECT_EQ(import.content_type, "application/json");
  EXPECT_EQ(ImportCall("t", "lab:\n  title: x\n").content_type, "application/yaml");
  EXPECT_EQ(import.Name(), "POST /import");  // never the query: titles stay out of errors
}

TEST(CallsTest, LabIdsAreValidatedBeforeReachingAPath) {
  EXPECT_TRUE(ValidateLabId("90f84e38-a71c-4d57-8d90-00fa8a197385"));
  EXPECT_FALSE(ValidateLabId(""));
  EXPECT_FALSE(ValidateLabId("../system_archive"));
  EXPECT_FALSE(ValidateLabId("a?b"));
  EXPECT_EQ(ValidateLabId("a/b").error().field, "lab_id");
}

TEST(ErrorsTest, StatusesMapToCanonicalCodes) {
  EXPECT_EQ(CodeForStatus(401), Code::kUnauthenticated);
  EXPECT_EQ(CodeForStatus(403), Code::kPermissionDenied);
  EXPECT_EQ(CodeForStatus(404), Code::kNotFound);
  EXPECT_EQ(CodeForStatus(400), Code::kInvalidArgument);
  EXPECT_EQ(CodeForStatus(422), Code::kInvalidArgument);
  EXPECT_EQ(CodeForStatus(409), Code::kFailedPrecondition);
  EXPECT_EQ(CodeForStatus(500), Code::kUnavailable);
  EXPECT_EQ(CodeForStatus(502), Code::kUnavailable);
  EXPECT_EQ(CodeForStatus(504), Code::kDeadlineExceeded);
  EXPECT_EQ(CodeForStatus(429), Code::kResourceExhausted);
  EXPECT_TRUE(RetryableStatus(503));
  EXPECT_FALSE(RetryableStatus(404));
}

TEST(ErrorsTest, StatusErrorNamesWorkerCallStatusAndDescription) {
  Error e = StatusError(Target(), LabCall("abc"), 404,
                        R"({"code":404,"description":"Lab not found: abc"})");
  EXPECT_EQ(e.code, Code::kNotFound);
  EXPECT_EQ(e.message, "worker w-1: GET /labs/abc: HTTP 404: Lab not found: abc");
  EXPECT_EQ(e.provider_code, "HTTP 404");
  EXPECT_FALSE(e.retryable);
  Error gateway = StatusError(Target(), LabsCall(), 503, "<html>busy</html>");
  EXPECT_EQ(gateway.message, "worker w-1: GET /labs: HTTP 503");
  EXPECT_TRUE(gateway.retryable);
}

TEST(ErrorsTest, SecretsEchoedByAControllerAreRedacted) {
  log::RegisterSecret("pw-Sup3r-secret");
  Error e = StatusError(Target(), LoginCall(Target()), 400,
                        R"({"description":"bad password pw-Sup3r-secret"})");
  EXPECT_EQ(e.message.find("pw-Sup3r-secret"), std::string::npos);
  EXPECT_NE(e.message.find("***"), std::string::npos);
  Error wrapped = WrapError(Target(), LabsCall(),
                            Error{Code::kUnavailable, "pw-Sup3r-secret", {}, true, {}, {}});
  EXPECT_EQ(wrapped.message, "worker w-1: GET /labs: ***");
}

TEST(ParseTest, SystemInformationNeedsReady) {
  auto info = ParseSystemInformation(R"({"version":"2.9.0","ready":false,"oui":null})");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->readiness, Readiness::kNotReady);
  EXPECT_EQ(info->version, "2.9.0");
  EXPECT_FALSE(ParseSystemInformation(R"({"version":"2.9.0"})"));
  auto bad = ParseSystemInformation("<html>");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().provider_code, "MalformedResponse");
  EXPECT_FALSE(ParseSystemInformation("[]"));
}

TEST(ParseTest, HealthAndStatsReadComputes) {
  auto health = ParseSystemHealth(R"({"valid":true,"is_licensed":true,"is_enterprise":false,
    "controller":{"valid":true},"computes":{"c1":{"hostname":"h1","is_controller":true,
    "valid":true,"admission_state":"READY"}}})");
  ASSERT_TRUE(health);
  EXPECT_TRUE(health->valid && health->is_licensed && health->controller_valid);
  ASSERT_EQ(health->computes.size(), 1u);
  EXPECT_EQ(health->computes[0].admission_state, "READY");
  auto stats = ParseSystemStats(R"({"all":{"cpu":{"count":8,"percent":12.5},
    "memory":{"used":1,"free":3,"total":4},"disk":{"used":10,"free":10,"total":20}},
    "computes":{"c1":{"hostname":"h1","is_controller":true,"stats":{"cpu":{"count":8,
    "percent":12.5,"model":"x","predicted":8,"load":[0.1]},"memory":{"used":1,"free":3,
    "total":4},"disk":{"used":10,"free":10,"total":20},"dominfo":{"allocated_cpus":3,
    "allocated_memory":2048,"running_nodes":2,"total_nodes":5}}},
    "c2":{"hostname":"h2","is_controller":false,"stats":{"dominfo":{"allocated_cpus":1,
    "allocated_memory":512,"running_nodes":1}}}}})");
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->cpu_count, 8);
  EXPECT_DOUBLE_EQ(stats->cpu_percent, 12.5);
  EXPECT_EQ(stats->allocated_cpus, 4);
  EXPECT_EQ(stats->allocated_memory, 2560);
  EXPECT_EQ(stats->running_nodes, 3);
  EXPECT_EQ(stats->computes.size(), 2u);
  // Spec mocks invent odd values; wrong types count as absent rather than failing.
  EXPECT_TRUE(ParseSystemStats(R"({"all":{"cpu":"many"},"computes":{"x":"y"}})"));
}

TEST(ParseTest, LabsLicensingAndEvents) {
  auto ids = ParseLabIds(R"(["a","b"])");
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->size(), 2u);
  EXPECT_FALSE(ParseLabIds(R"({"a":1})"));
  EXPECT_FALSE(ParseLabIds(R"([1])"));
  auto lab = ParseLab(R"({"id":"a","lab_title":"T","owner":"o","owner_username":"student",
    "state":"STARTED","node_count":3,"link_count":2,"modified":"2026-01-01T00:00:00+00:00"})",
                      "a");
  ASSERT_TRUE(lab);
  EXPECT_EQ(lab->title, "T");
  EXPECT_EQ(lab->state, "STARTED");
  EXPECT_EQ(lab->node_count, 3);
  EXPECT_EQ(lab->owner_username, "student");
  auto lic =
      ParseLicensing(R"({"registration":{"status":"COMPLETED","expires":"2027-01-01T00:00:00Z"},
    "authorization":{"status":"IN_COMPLIANCE"},"product_license":{"active":"CML_Enterprise",
    "is_enterprise":true},"features":[{"id":"f1","name":"nodes","in_use":5,"status":"ok"}]})");
  ASSERT_TRUE(lic);
  EXPECT_TRUE(lic->registered());
  EXPECT_TRUE(lic->in_compliance());
  EXPECT_EQ(lic->product_license, "CML_Enterprise");
  EXPECT_EQ(lic->registration_expires, "2027-01-01T00:00:00Z");
  ASSERT_EQ(lic->features.size(), 1u);
  EXPECT_EQ(lic->features[0].in_use, 5);
  auto events = ParseTelemetryEvents(R"([{"category":"start_lab","timestamp":"2026-01-01T10:00:00Z",
    "data":{"user_id":"u1","lab_id":"L1"}},{"category":"user_activity",
    "timestamp":"2026-01-01T10:00:01.250Z","data":{"username":"student"}}])");
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].user_id, "u1");
  EXPECT_EQ((*events)[0].lab_id, "L1");
  EXPECT_EQ((*events)[1].username, "student");
  EXPECT_GT((*events)[1].time, (*events)[0].time);
  EXPECT_FALSE(ParseTelemetryEvents("{}"));
  EXPECT_EQ(ParseImportAnswer(R"({"id":"new-lab","warnings":[]})").value(), "new-lab");
  EXPECT_FALSE(ParseImportAnswer(R"({"warnings":[]})"));
  EXPECT_EQ(ParseJsonString("\"a.b.c\"").value(), "a.b.c");
  EXPECT_FALSE(ParseJsonString("{\"token\":1}"));
}

}  // namespace
}  // namespace ccm::cml::internal
