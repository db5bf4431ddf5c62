// The server around the routes: workers end to end through HTTP, Idempotency-Key replay, CORS,
// traceparent, security headers, /openapi.json against the router, metrics, health, settings.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "api/api_test_fixture.hpp"
#include "api/router.hpp"
#include "core/log.hpp"
#include "core/trace.hpp"

namespace ccm::api {
namespace {

using testing::ApiTest;
using testing::Reply;

const Json kCreate = {{"name", "lab-7"}, {"region", testing::kRegion}, {"owner", "alice"}};

TEST_F(ApiTest, CreateAnswers202PendingThenTheWorkerRunsAndTerminates) {
  Reply r = Post("/api/v1/workers", admin_, kCreate);
  ASSERT_EQ(r.status, 202) << r.body;
  Json w = r.json();
  EXPECT_EQ(w["status"], "pending");
  EXPECT_EQ(w["owner"], "alice");
  EXPECT_FALSE(w.contains("client_token"));
  EXPECT_EQ(w["can_connect"], false);
  const std::string id = w["id"];
  EXPECT_EQ(r.Header("location"), "/api/v1/workers/" + id);
  EXPECT_EQ(r.Header("content-type"), "application/json; charset=utf-8");
  service_->Drain();
  Reply refreshed = Send("POST", "/api/v1/workers/" + id + "/refresh", alice_);
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_EQ(refreshed.json()["status"], "running");
  Reply connect = Get("/api/v1/workers/" + id + "/connect", alice_);
  ASSERT_EQ(connect.status, 200) << connect.body;
  EXPECT_EQ(connect.json()["ready"], true);
  EXPECT_EQ(connect.json()["url"], refreshed.json()["https_endpoint"]);
  Reply stopped = Post("/api/v1/workers/" + id + "/stop", alice_, {{"release_license", false}});
  EXPECT_EQ(stopped.status, 202) << stopped.body;
  Reply gone = Send("DELETE", "/api/v1/workers/" + id, admin_);
  ASSERT_EQ(gone.status, 202) << gone.body;
  EXPECT_EQ(Send("DELETE", "/api/v1/workers/" + id + "?purge=true", admin_).status, 204);
  EXPECT_EQ(Get("/api/v1/workers/" + id, admin_).status, 404);
}

TEST_F(ApiTest, ListPagesWithCursorAndTotal) {
  for (int i = 0; i < 5; ++i) RunningWorker("w" + std::to_string(i));
  Reply first = Get("/api/v1/workers?limit=2", operator_);
  ASSERT_EQ(first.status, 200);
  Json page = first.json();
  EXPECT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(page["total"], 5);
  ASSERT_TRUE(page["next_cursor"].is_string());
  std::set<std::string> seen;
  std::string cursor = page["next_cursor"];
  for (const auto& w : page["items"]) seen.insert(w["id"].get<std::string>());
  while (!cursor.empty()) {
    Json next =
        Get("/api/v1/workers?limit=2&cursor=" + http::PercentEncode(cursor), operator_).json();
    for (const auto& w : next["items"]) seen.insert(w["id"].get<std::string>());
    cursor = next["next_cursor"].is_string() ? next["next_cursor"].get<std::string>() : "";
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(Get("/api/v1/workers?status=stopped", operator_).json()["total"], 0);
}

TEST_F(ApiTest, IdempotencyKeyReplaysTheFirstAnswer) {
  http::Headers key = {{"Idempotency-Key", "create-lab-7-a"}};
  Reply first = Send("POST", "/api/v1/workers", admin_, kCreate.dump(), key);
  ASSERT_EQ(first.status, 202) << first.body;
  int64_t workers = WorkerCount();
  Reply again = Send("POST", "/api/v1/workers", admin_, kCreate.dump(), key);
  EXPECT_EQ(again.status, 202);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");
  EXPECT_EQ(again.Header("location"), first.Header("location"));
  EXPECT_EQ(WorkerCount(), workers);
  Json other = kCreate;
  other["name"] = "lab-8";
  Reply reused = Send("POST", "/api/v1/workers", admin_, other.dump(), key);
  EXPECT_EQ(reused.status, 422);
  EXPECT_EQ(reused.json()["code"], "IDEMPOTENCY_KEY_REUSED");
  EXPECT_EQ(WorkerCount(), workers);
  // Keys are per caller: the bootstrap admin's identical request is a new one.
  Reply theirs = Send("POST", "/api/v1/workers", testing::kBootstrap, kCreate.dump(), key);
  EXPECT_EQ(theirs.status, 202);
  EXPECT_NE(theirs.json()["id"], first.json()["id"]);
  // A refused request releases its key: the corrected retry runs.
  http::Headers key2 = {{"Idempotency-Key", "create-b"}};
  Json bad = kCreate;
  bad["region"] = "mars-1";
  EXPECT_EQ(Send("POST", "/api/v1/workers", admin_, bad.dump(), key2).status, 400);
  EXPECT_EQ(Send("POST", "/api/v1/workers", admin_, bad.dump(), key2).status, 400);
}

TEST_F(ApiTest, IdempotencyKeyStillInProgressIsAConflict) {
  const std::string body = kCreate.dump();
  // What the first request's claim looks like while it runs: same caller, key and fingerprint
  // (SHA-256 of method, target and body).
  store::IdempotencyRecord claim;
  claim.subject = "carol";
  claim.key = "in-flight";
  claim.request_hash = auth::HashApiToken("POST\n/api/v1/workers\n" + body);
  claim.created_at = clock_.Now();
  claim.expires_at = clock_.Now() + std::chrono::hours(1);
  ASSERT_TRUE(store_->ClaimIdempotencyKey(claim).has_value());
  int64_t workers = WorkerCount();
  Reply r = Send("POST", "/api/v1/workers", admin_, body, {{"Idempotency-Key", "in-flight"}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json()["code"], "IDEMPOTENCY_KEY_IN_USE");
  EXPECT_EQ(WorkerCount(), workers);
  EXPECT_EQ(Send("POST", "/api/v1/workers", admin_, body, {{"Idempotency-Key", "bad key"}}).status,
            400);
}

class IdempotencyExpiryTest : public ApiTest {
 protected:
  void Configure(config::Settings&, ApiServerOptions& options) override {
    options.idempotency_purge_interval = std::chrono::milliseconds(50);
  }
};

TEST_F(IdempotencyExpiryTest, KeysExpireAfterADayAndArePurged) {
  http::Headers key = {{"Idempotency-Key", "daily-create"}};
  ASSERT_EQ(Send("POST", "/api/v1/workers", admin_, kCreate.dump(), key).status, 202);
  store::IdempotencyRecord probe;
  probe.subject = "carol";
  probe.key = "daily-create";
  probe.created_at = clock_.Now();
  probe.expires_at = clock_.Now() + std::chrono::hours(1);
  auto stored = store_->ClaimIdempotencyKey(probe);  // unexpired: answers the stored record
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_TRUE((*stored)->completed);
  EXPECT_EQ((*stored)->status_code, 202);
  clock_.Advance(std::chrono::hours(25));
  // The server's purge runs every 50 ms: nothing expired is left for this call to delete.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  auto purged = store_->PurgeExpiredIdempotencyKeys(clock_.Now());
  ASSERT_TRUE(purged.has_value());
  EXPECT_EQ(*purged, 0);
  Json other = kCreate;
  other["name"] = "lab-9";
  Reply r = Send("POST", "/api/v1/workers", admin_, other.dump(), key);
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json()["name"], "lab-9");
}

TEST_F(ApiTest, CorsOnlyForConfiguredOrigins) {
  Reply r = Send("GET", "/api/v1/me", admin_, "", {{"Origin", testing::kOrigin}});
  EXPECT_EQ(r.Header("access-control-allow-origin"), testing::kOrigin);
  EXPECT_NE(r.Header("vary").find("Origin"), std::string::npos);
  EXPECT_NE(r.Header("access-control-expose-headers").find("traceparent"), std::string::npos);
  r = Send("GET", "/api/v1/me", admin_, "", {{"Origin", "https://evil.example.test"}});
  EXPECT_EQ(r.Header("access-control-allow-origin"), "");
  Reply pre = Send("OPTIONS", "/api/v1/workers/" + NewUuid() + "/tags", "", "",
                   {{"Origin", testing::kOrigin}, {"Access-Control-Request-Method", "PUT"}});
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(pre.Header("access-control-allow-origin"), testing::kOrigin);
  EXPECT_EQ(pre.Header("access-control-allow-methods"), "GET, HEAD, OPTIONS, PATCH, PUT");
  EXPECT_NE(pre.Header("access-control-allow-headers").find("Authorization"), std::string::npos);
  Reply evil =
      Send("OPTIONS", "/api/v1/workers", "", "",
           {{"Origin", "https://evil.example.test"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(evil.status, 204);
  EXPECT_EQ(evil.Header("access-control-allow-origin"), "");
  EXPECT_EQ(evil.Header("access-control-allow-methods"), "");
  EXPECT_EQ(Send("OPTIONS", "/api/v1/nowhere", "").status, 404);
}

TEST_F(ApiTest, TraceparentIsEchoedLoggedAndPassedToTheUseCase) {
  std::mutex mu;
  std::vector<std::string> lines;
  log::SetCapture([&](std::string_view line) {
    std::lock_guard lock(mu);
    lines.emplace_back(line);
  });
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  Reply r = Send("POST", "/api/v1/workers", admin_, kCreate.dump(),
                 {{"traceparent", "00-" + trace + "-00f067aa0ba902b7-01"}});
  // The access line is written just after the answer is handed over: wait for it.
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard lock(mu);
      bool seen = std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
        return l.find("\"http request\"") != std::string::npos;
      });
      if (seen) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  log::SetCapture({});
  ASSERT_EQ(r.status, 202) << r.body;
  std::string echoed = r.Header("traceparent");
  EXPECT_EQ(echoed.substr(0, 36), "00-" + trace + "-");
  EXPECT_NE(echoed.substr(36, 16), "00f067aa0ba902b7");
  auto events = store_->ReadEventsAfter(0, {}, 100);
  ASSERT_TRUE(events.has_value());
  ASSERT_FALSE(events->empty());
  EXPECT_EQ(events->front().trace_id, trace);
  bool access_logged = false;
  std::lock_guard lock(mu);
  for (const auto& line : lines) {
    if (line.find("\"http request\"") == std::string::npos) continue;
    access_logged = true;
    EXPECT_NE(line.find(trace), std::string::npos) << line;
    EXPECT_NE(line.find("\"route\":\"/api/v1/workers\""), std::string::npos) << line;
    EXPECT_EQ(line.find(admin_), std::string::npos) << "the token leaked into " << line;
  }
  EXPECT_TRUE(access_logged);
  Reply fresh = Send("GET", "/healthz", "", "", {{"traceparent", "00-zzzz-bad-01"}});
  auto parsed = ParseTraceparent(fresh.Header("traceparent"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_NE(parsed->trace_id, trace);
}

TEST_F(ApiTest, SecurityHeadersOnEveryAnswer) {
  for (const auto& path : {"/healthz", "/api/v1/me", "/api/v1/nothing"}) {
    Reply r = Get(path, admin_);
    EXPECT_EQ(r.Header("x-content-type-options"), "nosniff") << path;
    EXPECT_EQ(r.Header("cache-control"), "no-store") << path;
  }
}

TEST_F(ApiTest, OpenApiDescribesExactlyTheRouterRoutes) {
  Reply r = Get("/openapi.json", "");
  ASSERT_EQ(r.status, 200);
  Json doc = r.json();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  std::set<std::pair<std::string, std::string>> documented, routed;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      std::string upper = method;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert({upper, path});
      EXPECT_TRUE(op.contains("responses")) << method << " " << path;
      if (op.contains("requestBody")) {
        std::string ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"];
        EXPECT_TRUE(doc["components"]["schemas"].contains(ref.substr(ref.rfind('/') + 1)));
      }
    }
  }
  Router router(RouteTable());
  for (const auto& route : RouteTable()) {
    routed.insert({route.method, route.pattern});
    auto m = router.Match(route.method, route.pattern);
    EXPECT_EQ(m.outcome, RouteMatch::Outcome::kMatched) << route.pattern;
  }
  EXPECT_EQ(documented, routed);
  EXPECT_EQ(doc["paths"]["/healthz"]["get"]["security"], Json::array());
  EXPECT_EQ(doc["components"]["schemas"]["CreateWorker"]["required"],
            Json::array({"name", "region"}));
}

TEST_F(ApiTest, MetricsCountRequestsByRouteMethodAndStatus) {
  Get("/api/v1/workers", admin_);
  Get("/api/v1/workers/" + NewUuid(), admin_);
  Reply r = Get("/metrics", "");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type").rfind("text/plain; version=0.0.4", 0), 0u);
  for (const char* want :
       {"ccm_http_requests_total{route=\"/api/v1/workers\",method=\"GET\",status=\"200\"} 1",
        "ccm_http_requests_total{route=\"/api/v1/workers/{id}\",method=\"GET\",status=\"404\"} 1",
        "ccm_http_request_duration_seconds_bucket{route=\"/api/v1/workers\",le=",
        "ccm_http_request_duration_seconds_count{route=\"/api/v1/workers\"} 1",
        "# TYPE ccm_sse_clients gauge"}) {
    EXPECT_NE(r.body.find(want), std::string::npos) << want << "\n" << r.body;
  }
}

TEST_F(ApiTest, HealthReadinessSettingsAndMe) {
  Reply health = Get("/healthz", "");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json()["status"], "ok");
  Reply ready = Get("/readyz", "");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json()["checks"]["store"], "ok");
  EXPECT_EQ(ready.json()["checks"]["aws"], "not configured");
  Reply settings = Get("/api/v1/settings", admin_);
  ASSERT_EQ(settings.status, 200);
  EXPECT_EQ(settings.json()["bootstrap_admin_token"], "***");
  EXPECT_EQ(settings.json()["cml_api_password"], "***");
  EXPECT_EQ(settings.body.find(testing::kBootstrap), std::string::npos);
  EXPECT_EQ(settings.body.find("sim-password-1"), std::string::npos);
  Json me = Get("/api/v1/me", alice_).json();
  EXPECT_EQ(me["subject"], "alice");
  EXPECT_EQ(me["roles"], Json::array({"user"}));
}

class AwsDownTest : public ApiTest {
 protected:
  void Configure(config::Settings&, ApiServerOptions&) override {
    aws_check_ = [] { return Status(MakeError(Code::kUnauthenticated, "AWS refused the keys")); };
  }
};

TEST_F(AwsDownTest, ReadinessFailsWhenAwsIdentityFails) {
  Reply ready = Get("/readyz", "");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.json()["status"], "not ready");
  EXPECT_EQ(ready.json()["checks"]["aws"], "AWS refused the keys");
  EXPECT_EQ(Get("/healthz", "").status, 200);
}

class DashboardFallbackTest : public ApiTest {
 protected:
  void Configure(config::Settings&, ApiServerOptions&) override {
    fallback_ = [](const httpd::Request& req) -> std::optional<httpd::Response> {
      if (req.path != "/" && req.path != "/app.js") return std::nullopt;
      auto page = httpd::Response::Text(200, "<html>dashboard</html>", "text/html");
      page.headers.emplace_back("Cache-Control", "max-age=60");
      return page;
    };
  }
};

TEST_F(DashboardFallbackTest, PathsOutsideTheApiGoToTheFallback) {
  Reply page = Get("/", "");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<html>dashboard</html>");
  EXPECT_EQ(page.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(page.Header("cache-control"), "max-age=60");
  EXPECT_FALSE(page.Header("traceparent").empty());
  Reply missing = Get("/nothing.css", "");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Header("content-type"), "application/problem+json");
  // Unknown API paths never reach the dashboard.
  EXPECT_EQ(Get("/api/v1/app.js", admin_).Header("content-type"), "application/problem+json");
  EXPECT_EQ(Get("/healthz", "").status, 200);
}

TEST_F(ApiTest, AuditPagesTheEventLog) {
  auto w = RunningWorker();
  Reply r = Get("/api/v1/audit?worker_id=" + w.id + "&limit=2", operator_);
  ASSERT_EQ(r.status, 200) << r.body;
  Json page = r.json();
  EXPECT_EQ(page["items"].size(), 2u);
  EXPECT_GT(page["total"].get<int>(), 2);
  EXPECT_TRUE(page["next_cursor"].is_string());
  EXPECT_EQ(page["items"][0]["worker_id"], w.id);
  Reply created = Get("/api/v1/audit?type=worker.created", operator_);
  EXPECT_EQ(created.json()["total"], 1);
  EXPECT_EQ(Get("/api/v1/audit", alice_).status, 403);
}

}  // namespace
}  // namespace ccm::api
