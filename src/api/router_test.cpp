#include "api/router.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "api/body.hpp"
#include "api/render.hpp"
#include "api/worker_json_cache.hpp"
#include "core/json.hpp"

namespace ccm::api {
namespace {

using Outcome = RouteMatch::Outcome;

TEST(ApiRouter, MatchesLiteralsBeforeParameters) {
  Router router(RouteTable());
  auto m = router.Match("POST", "/api/v1/workers/import");
  ASSERT_EQ(m.outcome, Outcome::kMatched);
  EXPECT_EQ(m.route->id, RouteId::kImportWorkers);
  m = router.Match("POST", "/api/v1/workers/5f0c/start?x=1");
  ASSERT_EQ(m.outcome, Outcome::kMatched);
  EXPECT_EQ(m.route->id, RouteId::kStartWorker);
  EXPECT_EQ(m.params.at("id"), "5f0c");
  m = router.Match("POST", "/api/v1/workers/w1/labs/lab-a/wipe");
  ASSERT_EQ(m.outcome, Outcome::kMatched);
  EXPECT_EQ(m.route->id, RouteId::kWipeLab);
  EXPECT_EQ(m.params.at("lab_id"), "lab-a");
}

TEST(ApiRouter, UnknownPathIsNotFoundAndWrongMethodListsAllowed) {
  Router router(RouteTable());
  EXPECT_EQ(router.Match("GET", "/api/v1/nothing").outcome, Outcome::kNotFound);
  EXPECT_EQ(router.Match("GET", "/api/v1/workers/").outcome, Outcome::kNotFound);
  auto m = router.Match("PUT", "/api/v1/workers");
  ASSERT_EQ(m.outcome, Outcome::kMethodNotAllowed);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "HEAD", "OPTIONS", "POST"}));
  m = router.Match("POST", "/api/v1/workers/abc/tags");
  ASSERT_EQ(m.outcome, Outcome::kMethodNotAllowed);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "HEAD", "OPTIONS", "PATCH", "PUT"}));
  EXPECT_EQ(router.Match("HEAD", "/healthz").outcome, Outcome::kMatched);
}

TEST(ApiRouter, EncodedSlashesStayInsideTheParameter) {
  Router router(RouteTable());
  auto m = router.Match("GET", "/api/v1/workers/..%2F..%2Fsettings");
  ASSERT_EQ(m.outcome, Outcome::kMatched);
  EXPECT_EQ(m.route->id, RouteId::kGetWorker);
  EXPECT_EQ(m.params.at("id"), "../../settings");
  // Literal dot segments are not resolved: no route has them.
  EXPECT_EQ(router.Match("GET", "/api/v1/workers/../settings").outcome, Outcome::kNotFound);
  // Broken percent-encoding matches nothing.
  EXPECT_EQ(router.Match("GET", "/api/v1/workers/%zz").outcome, Outcome::kNotFound);
}

TEST(ApiRouter, EveryRouteMatchesItsOwnPattern) {
  Router router(RouteTable());
  for (const auto& r : RouteTable()) {
    std::string path = r.pattern;
    for (const char* p : {"{id}", "{lab_id}", "{token_id}"}) {
      size_t pos = path.find(p);
      if (pos != std::string::npos) path.replace(pos, std::string(p).size(), "x1");
    }
    auto m = router.Match(r.method, path);
    ASSERT_EQ(m.outcome, Outcome::kMatched) << r.method << " " << r.pattern;
    EXPECT_EQ(m.route, &r) << r.method << " " << r.pattern;
  }
}

TEST(ApiRbac, DecisionsFollowTheTable) {
  auth::Identity user{"alice", "alice", "", auth::Role::kUser, {"user"}, "token"};
  auth::Identity op{"olga", "olga", "", auth::Role::kOperator, {"operator"}, "token"};
  const auto& start = Route(RouteId::kStartWorker);
  const auto& tags = Route(RouteId::kReplaceTags);
  EXPECT_EQ(Decide(start, nullptr, true), Decision::kUnauthenticated);
  EXPECT_EQ(Decide(start, &user, true), Decision::kAllow);
  EXPECT_EQ(Decide(start, &user, false), Decision::kHidden);
  EXPECT_EQ(Decide(tags, &user, true), Decision::kForbidden);
  EXPECT_EQ(Decide(tags, &user, false), Decision::kHidden);
  EXPECT_EQ(Decide(tags, &op, false), Decision::kAllow);
  EXPECT_EQ(Decide(Route(RouteId::kSettings), &op, true), Decision::kForbidden);
  EXPECT_EQ(Decide(Route(RouteId::kHealthz), nullptr, false), Decision::kAllow);
}

TEST(ApiRbac, MarkdownTableHasEveryRoute) {
  std::string md = RenderRbacMarkdown();
  for (const auto& r : RouteTable()) {
    EXPECT_NE(md.find("| " + r.method + " | `" + r.pattern + "` |"), std::string::npos)
        << r.pattern;
  }
  EXPECT_NE(md.find("| DELETE | `/api/v1/workers/{id}` |"), std::string::npos);
}

// docs/api.md carries the generated matrix verbatim, so the contract cannot drift from the code.
TEST(ApiRbac, DocsCarryTheGeneratedMatrix) {
  const char* root = std::getenv("CCM_SOURCE_DIR");
  ASSERT_NE(root, nullptr) << "CCM_SOURCE_DIR is not set";
  std::ifstream in(std::string(root) + "/docs/api.md");
  ASSERT_TRUE(in.good()) << "docs/api.md not found under " << root;
  std::stringstream doc;
  doc << in.rdbuf();
  EXPECT_NE(doc.str().find(RenderRbacMarkdown()), std::string::npos)
      << "docs/api.md must contain this table verbatim:\n"
      << RenderRbacMarkdown();
}

httpd::Request JsonRequest(std::string body, std::string type = "application/json") {
  httpd::Request r;
  r.method = "POST";
  r.body = std::move(body);
  if (!type.empty()) r.headers.Add("Content-Type", type);
  return r;
}

const BodySpec kSpec{"T",
                     {{"name", FieldType::kString, true, ""},
                      {"n", FieldType::kInteger, false, ""},
                      {"tags", FieldType::kNullableStringMap, false, ""},
                      {"at", FieldType::kTime, false, ""}}};

TEST(ApiBody, AcceptsWellFormedBodies) {
  auto b =
      DecodeBody(JsonRequest(R"({"name":"x","n":3,"tags":{"a":"b","c":null},"at":null})"), kSpec);
  ASSERT_TRUE(b.has_value()) << b.error().detail;
  EXPECT_EQ((*b)["n"], 3);
  auto empty = DecodeBody(JsonRequest("", ""), BodySpec{"E", {}});
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
  EXPECT_TRUE(DecodeBody(JsonRequest(R"({"name":"x"})", "application/json; charset=utf-8"), kSpec)
                  .has_value());
}

TEST(ApiBody, RefusesWithTheFieldAndReason) {
  struct Case {
    std::string body, type;
    int status;
    std::string field, reason;
  };
  std::vector<Case> cases = {
      {R"({"name": )", "application/json", 400, "body", "malformed JSON at byte"},
      {R"([1])", "application/json", 400, "body", "expected a JSON object, got array"},
      {R"({"name":5})", "application/json", 400, "name", "expected string, got integer"},
      {R"({"name":"x","n":1.5})", "application/json", 400, "n", "expected integer, got number"},
      {R"({"name":"x","tags":{"a":1}})", "application/json", 400, "tags", "expected object"},
      {R"({"name":"x","at":"yesterday"})", "application/json", 400, "at", "RFC 3339"},
      {R"({"name":"x","color":"red"})", "application/json", 400, "color", "unknown field"},
      {R"({"n":1})", "application/json", 400, "name", "required"},
      {std::string(40, '[') + std::string(40, ']'), "application/json", 400, "body", "nested"},
      {R"({"name":"x"})", "text/plain", 415, "", "application/json"},
      {R"({"name":"x"})", "", 415, "", "application/json"},
  };
  for (const auto& c : cases) {
    auto b = DecodeBody(JsonRequest(c.body, c.type), kSpec);
    ASSERT_FALSE(b.has_value()) << c.body;
    EXPECT_EQ(b.error().status, c.status) << c.body;
    EXPECT_NE(b.error().detail.find(c.reason), std::string::npos) << b.error().detail;
    if (!c.field.empty()) {
      ASSERT_EQ(b.error().errors.size(), 1u) << c.body;
      EXPECT_EQ(b.error().errors[0].field, c.field);
    }
  }
}

TEST(ApiBody, SchemaListsFieldsAndRequired) {
  Json s = BodySchema(kSpec);
  EXPECT_EQ(s["additionalProperties"], false);
  EXPECT_EQ(s["required"], Json::array({"name"}));
  EXPECT_EQ(s["properties"]["n"]["type"], "integer");
}

TEST(ApiWorkerJsonCache, RendersWorkerJsonAndFollowsTheVersion) {
  domain::WorkerRecord w;
  w.id = "7d1c0d1e-5c2a-4f43-9f7e-0d6c1f1d2a11";
  w.name = "lab-1";
  w.tags = {{"Name", "x \"quoted\""}};
  w.version = 3;
  WorkerJsonCache cache(2);
  auto first = cache.Render(w);
  EXPECT_EQ(*first, WorkerJson(w).dump());
  EXPECT_EQ(cache.Render(w), first);  // same version: the cached text
  w.name = "lab-2";
  w.version = 4;
  auto second = cache.Render(w);
  EXPECT_NE(second, first);
  EXPECT_EQ(ParseJson(*second).value()["name"], "lab-2");
  for (int i = 0; i < 5; ++i) {  // past the bound the cache starts over, answers stay right
    domain::WorkerRecord other = w;
    other.id = std::to_string(i);
    EXPECT_EQ(*cache.Render(other), WorkerJson(other).dump());
  }
  EXPECT_EQ(*cache.Render(w), WorkerJson(w).dump());
}

}  // namespace
}  // namespace ccm::api
