// Bad inputs and problem details: each bad request gets a 4xx application/problem+json naming
// the field and the reason, and the store is left exactly as it was.
#include <gtest/gtest.h>

#include "api/api_test_fixture.hpp"

namespace ccm::api {
namespace {

using testing::ApiTest;
using testing::Reply;

void ExpectProblem(const Reply& r, int status, const std::string& path,
                   const std::string& field = "") {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/problem+json") << r.body;
  Json p = r.json();
  ASSERT_TRUE(p.is_object()) << r.body;
  for (const char* key : {"type", "title", "status", "detail", "instance", "code", "trace_id"}) {
    EXPECT_TRUE(p.contains(key)) << key << " missing in " << r.body;
  }
  EXPECT_EQ(p["status"], status);
  EXPECT_EQ(p["type"].get<std::string>().rfind("https://ccm.dev/problems/", 0), 0u);
  EXPECT_EQ(p["instance"], path.substr(0, path.find('?')));
  EXPECT_EQ(p["trace_id"].get<std::string>().size(), 32u);
  EXPECT_EQ(r.Header("traceparent").substr(3, 32), p["trace_id"].get<std::string>());
  if (!field.empty()) {
    ASSERT_TRUE(p["errors"].is_array()) << r.body;
    EXPECT_EQ(p["errors"][0]["field"], field) << r.body;
    EXPECT_FALSE(p["errors"][0]["reason"].get<std::string>().empty());
  }
}

struct BadInput {
  std::string what, method, path, body;
  int status;
  std::string field;
  std::string content_type = "application/json";
};

TEST_F(ApiTest, BadInputsAreProblemsAndLeaveTheStoreUnchanged) {
  auto w = RunningWorker();
  const std::string wp = "/api/v1/workers/" + w.id;
  std::vector<BadInput> cases = {
      {"malformed JSON", "POST", "/api/v1/workers", R"({"name": "a", )", 400, "body"},
      {"not an object", "POST", "/api/v1/workers", R"(["a"])", 400, "body"},
      {"wrong type", "POST", "/api/v1/workers", R"({"name": 5, "region": "us-east-1"})", 400,
       "name"},
      {"wrong type (tags)", "POST", "/api/v1/workers",
       R"({"name": "a", "region": "us-east-1", "tags": {"k": 1}})", 400, "tags"},
      {"unknown field", "POST", "/api/v1/workers",
       R"({"name": "a", "region": "us-east-1", "colour": "red"})", 400, "colour"},
      {"missing field", "POST", "/api/v1/workers", R"({"name": "a"})", 400, "region"},
      {"invalid region", "POST", "/api/v1/workers", R"({"name": "a", "region": "mars-1"})", 400,
       "region"},
      {"region not allowed", "POST", "/api/v1/workers", R"({"name": "a", "region": "ap-south-1"})",
       400, "region"},
      {"invalid instance type", "POST", "/api/v1/workers",
       R"({"name": "a", "region": "us-east-1", "instance_type": "huge.box"})", 400,
       "instance_type"},
      {"invalid name", "POST", "/api/v1/workers", R"({"name": "'; DROP TABLE workers;--",
       "region": "us-east-1"})",
       400, "name"},
      {"deep nesting", "POST", "/api/v1/workers", std::string(100, '[') + std::string(100, ']'),
       400, "body"},
      {"wrong content type", "POST", "/api/v1/workers", R"({"name":"a","region":"us-east-1"})", 415,
       "", "text/plain"},
      {"unknown worker id", "GET", "/api/v1/workers/" + NewUuid(), "", 404, ""},
      {"unknown worker (start)", "POST", "/api/v1/workers/" + NewUuid() + "/start", "", 404, ""},
      {"id with ../", "GET", "/api/v1/workers/..%2F..%2Fsettings", "", 400, "id"},
      {"id with ../ (stop)", "POST", "/api/v1/workers/..%2Fx/stop", "{}", 400, "id"},
      {"id with quotes", "GET", "/api/v1/workers/%22%27%22", "", 400, "id"},
      {"id with SQL", "DELETE", "/api/v1/workers/1%27%20OR%20%271%27%3D%271", "", 400, "id"},
      {"SQL in a filter", "GET", "/api/v1/workers?region=%27%20OR%201%3D1%20--", "", 400, "region"},
      {"SQL in a cursor", "GET", "/api/v1/workers?cursor=%27%20OR%201%3D1%20--", "", 400, "cursor"},
      {"bad status filter", "GET", "/api/v1/workers?status=sleeping", "", 400, "status"},
      {"limit out of range", "GET", "/api/v1/workers?limit=0", "", 400, "limit"},
      {"lab id with ../", "POST", wp + "/labs/..%2F..%2Fsystem/start", "", 400, "lab_id"},
      {"tags not strings", "PUT", wp + "/tags", R"({"tags": {"a": ["b"]}})", 400, "tags"},
      {"aws: tag prefix", "PUT", wp + "/tags", R"({"tags": {"aws:x": "b"}})", 400, "tags.aws:x"},
      {"monitoring not bool", "POST", wp + "/monitoring", R"({"enabled": "yes"})", 400, "enabled"},
      {"keep_until not a time", "PUT", wp + "/idle", R"({"keep_until": "tomorrow"})", 400,
       "keep_until"},
      {"purge not bool", "DELETE", wp + "?purge=maybe", "", 400, "purge"},
      {"stop body unknown field", "POST", wp + "/stop", R"({"force": true})", 400, "force"},
      {"audit bad since", "GET", "/api/v1/audit?since=yesterday", "", 400, "since"},
      {"events bad type", "GET", "/api/v1/events?type=worker.exploded", "", 400, "type"},
      {"events bad worker id", "GET", "/api/v1/events?worker_id=..%2F", "", 400, "worker_id"},
      {"events bad Last-Event-ID", "GET", "/api/v1/events?last_event_id=-3", "", 400,
       "last_event_id"},
      {"token bad role", "POST", "/api/v1/tokens", R"({"name": "x", "role": "root"})", 400, "role"},
      {"token id not a UUID", "DELETE", "/api/v1/tokens/%27%3B--", "", 400, "token_id"},
      {"unknown token id", "DELETE", "/api/v1/tokens/" + NewUuid(), "", 404, ""},
  };
  for (const auto& c : cases) {
    int64_t workers = WorkerCount(), events = LatestEventId();
    http::Headers headers;
    if (!c.body.empty()) headers.emplace_back("Content-Type", c.content_type);
    Reply r = Send(c.method, c.path, admin_, c.body, headers);
    SCOPED_TRACE(c.what);
    ExpectProblem(r, c.status, c.path, c.field);
    EXPECT_EQ(WorkerCount(), workers);
    EXPECT_EQ(LatestEventId(), events);
  }
}

TEST_F(ApiTest, TwoMebibyteBodyIsRefusedWith413) {
  int64_t workers = WorkerCount(), events = LatestEventId();
  std::string big = R"({"name":")" + std::string(2 * 1024 * 1024, 'a') + R"(","region":"x"})";
  Reply r = Send("POST", "/api/v1/workers", admin_, big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(WorkerCount(), workers);
  EXPECT_EQ(LatestEventId(), events);
}

TEST_F(ApiTest, MalformedJsonNamesTheByteOffset) {
  Reply r = Send("POST", "/api/v1/workers", admin_, R"({"name": "a",, "region": "x"})");
  ExpectProblem(r, 400, "/api/v1/workers", "body");
  EXPECT_NE(r.json()["detail"].get<std::string>().find("at byte 14"), std::string::npos) << r.body;
}

TEST_F(ApiTest, UnknownPathAndWrongMethodAreProblems) {
  ExpectProblem(Get("/api/v1/nothing", admin_), 404, "/api/v1/nothing");
  ExpectProblem(Get("/nothing", ""), 404, "/nothing");
  Reply r = Send("PUT", "/api/v1/workers", admin_, "{}");
  ExpectProblem(r, 405, "/api/v1/workers");
  EXPECT_EQ(r.Header("allow"), "GET, HEAD, OPTIONS, POST");
}

TEST_F(ApiTest, RefusedCommandIsAConflictWithTheReason) {
  auto w = RunningWorker();
  Reply r = Send("POST", "/api/v1/workers/" + w.id + "/start", admin_);
  ExpectProblem(r, 409, "/api/v1/workers/" + w.id + "/start");
  EXPECT_EQ(r.json()["code"], "FAILED_PRECONDITION");
}

TEST_F(ApiTest, UnavailableUpstreamIs503WithRetryAfter) {
  auto w = RunningWorker();
  cml_.FailNext("ListLabIds", Error{Code::kUnavailable, "CML is down", "", true, "", ""});
  Reply r = Get("/api/v1/workers/" + w.id + "/labs", admin_);
  ExpectProblem(r, 503, "/api/v1/workers/" + w.id + "/labs");
  EXPECT_EQ(r.Header("retry-after"), "5");
}

TEST_F(ApiTest, SecretsNeverReachAProblem) {
  auto w = RunningWorker();
  const std::string secret = "licence-token-do-not-leak-123";
  cml_.FailNext("RegisterLicence", Error{Code::kInvalidArgument, "token " + secret + " was refused",
                                         "", false, "", ""});
  Reply r = Post("/api/v1/workers/" + w.id + "/license", admin_, {{"token", secret}});
  EXPECT_GE(r.status, 400);
  EXPECT_EQ(r.body.find(secret), std::string::npos) << r.body;
}

}  // namespace
}  // namespace ccm::api
