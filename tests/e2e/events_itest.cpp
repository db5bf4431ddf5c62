// `ccm serve` end to end: the event stream resumes with Last-Event-ID without losing anything,
// and an Idempotency-Key replays the first answer of a create.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "domain/events.hpp"
#include "store/store.hpp"
#include "tests/e2e/e2e.hpp"

namespace ccm::e2e {
namespace {

using std::chrono::seconds;

class EventsE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new World();
    start_error_ = new std::string(world_->Start());
  }
  static void TearDownTestSuite() {
    delete world_;
    delete start_error_;
  }
  void SetUp() override { ASSERT_EQ(*start_error_, "") << "peers could not start"; }

  Api api() const { return world_->admin(); }
  void SetIdle(const std::string& id, bool enabled) {
    Reply r =
        api().Call("PUT", "/api/v1/workers/" + id + "/idle", Json({{"enabled", enabled}}).dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // Changes while nobody listens: idle policy, tags, a stop.
  void ChangeWhileAway(const std::string& id) {
    SetIdle(id, true);
    Reply tags = api().Call("PATCH", "/api/v1/workers/" + id + "/tags",
                            Json({{"tags", {{"while", "away"}}}}).dump());
    ASSERT_EQ(tags.status, 200) << tags.body;
    SetIdle(id, false);
    ASSERT_EQ(api().Post("/api/v1/workers/" + id + "/stop").status, 202);
    WaitForWorker(api(), id, [](const Json& j) { return j.value("status", "") == "stopped"; });
  }
  // The worker's event ids after `after`, oldest first, from the audit log.
  std::vector<int64_t> AuditIdsAfter(const std::string& id, int64_t after) {
    Reply r = api().Get("/api/v1/audit?worker_id=" + id + "&limit=1000");
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<int64_t> ids;
    for (const auto& e : r.json["items"]) {
      int64_t event_id = e.value("id", int64_t{0});
      if (event_id > after) ids.push_back(event_id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static World* world_;
  static std::string* start_error_;
};
World* EventsE2e::world_ = nullptr;
std::string* EventsE2e::start_error_ = nullptr;

TEST_F(EventsE2e, ResumingWithLastEventIdLosesNothing) {
  Json w = CreateWorker(api(), "e2e-events");
  const std::string id = w.value("id", "");
  WaitForWorker(api(), id, IsRunningAndAvailable);
  const std::string path = "/api/v1/events?worker_id=" + id;

  SseClient first;
  ASSERT_EQ(first.Open(world_->ccm.port(), path, world_->admin_token), "");
  SetIdle(id, false);
  std::optional<SseEvent> seen;
  while ((seen = first.Next(seconds(10))) && seen->type != "worker.idle_policy_changed") {
  }
  ASSERT_TRUE(seen) << "the change never reached the stream";
  const int64_t resume_from = std::stoll(seen->id);
  first.Close();

  ChangeWhileAway(id);
  const std::vector<int64_t> missed = AuditIdsAfter(id, resume_from);
  ASSERT_GE(missed.size(), 5u);

  SseClient resumed;
  ASSERT_EQ(
      resumed.Open(world_->ccm.port(), path, world_->admin_token, std::to_string(resume_from)), "");
  std::vector<int64_t> got;
  std::set<std::string> types;
  while (got.size() < missed.size()) {
    auto e = resumed.Next(seconds(10));
    ASSERT_TRUE(e) << "stream ended after " << got.size() << " of " << missed.size();
    got.push_back(std::stoll(e->id));
    types.insert(e->type);
    auto data = ParseJson(e->data);
    ASSERT_TRUE(data) << e->data;
    EXPECT_EQ(data->value("id", int64_t{0}), got.back());
    EXPECT_EQ(data->value("worker_id", ""), id);
  }
  EXPECT_EQ(got, missed);
  for (const char* type : {"worker.idle_policy_changed", "worker.tags_changed",
                           "worker.command_requested", "worker.status_changed"}) {
    EXPECT_TRUE(types.count(type)) << type;
  }
}

TEST_F(EventsE2e, EventsWrittenByAnotherProcessReachTheStream) {
  SseClient sse;
  ASSERT_EQ(
      sse.Open(world_->ccm.port(), "/api/v1/events?type=worker.orphan_found", world_->admin_token),
      "");
  // What `ccm reconcile --once` in another process would append, written here straight to the
  // same database: the server learns of it only by polling the event log.
  auto store = store::OpenStore("sqlite:" + world_->dir + "/data/ccm.db");
  ASSERT_TRUE(store) << store.error().ToString();
  domain::ChangeContext ctx{"system:reconciler", SystemClock::Instance().Now(), ""};
  auto appended = (*store)->AppendEvents(
      {domain::MakeOrphanFoundEvent("i-0123456789abcdef0", World::kRegion, "", "running", ctx)});
  ASSERT_TRUE(appended) << appended.error().ToString();
  auto e = sse.Next(seconds(10));
  ASSERT_TRUE(e) << "the other process's event never reached the stream";
  EXPECT_EQ(e->type, "worker.orphan_found");
  EXPECT_EQ(std::stoll(e->id), appended->at(0).id);
  EXPECT_NE(e->data.find("i-0123456789abcdef0"), std::string::npos);
}

TEST_F(EventsE2e, AStreamRefusesBadCredentials) {
  SseClient sse;
  std::string err = sse.Open(world_->ccm.port(), "/api/v1/events", "not-a-token-0123456789");
  EXPECT_NE(err, "");
  EXPECT_EQ(sse.status(), 401);
}

TEST_F(EventsE2e, IdempotencyKeyReplaysTheFirstCreate) {
  const std::string key = "e2e-idem-" + std::to_string(::getpid());
  const std::string name = "e2e-idempotent";
  const std::string body = Json({{"name", name}, {"region", World::kRegion}}).dump();
  Reply first = api().Call("POST", "/api/v1/workers", body, {{"Idempotency-Key", key}});
  ASSERT_EQ(first.status, 202) << first.body;
  Reply second = api().Call("POST", "/api/v1/workers", body, {{"Idempotency-Key", key}});
  EXPECT_EQ(second.status, 202) << second.body;
  EXPECT_EQ(second.json.value("id", ""), first.json.value("id", ""));
  EXPECT_EQ(second.Header("idempotent-replayed"), "true");

  const std::string other = Json({{"name", name + "-2"}, {"region", World::kRegion}}).dump();
  Reply reused = api().Call("POST", "/api/v1/workers", other, {{"Idempotency-Key", key}});
  EXPECT_GE(reused.status, 400) << reused.body;
  EXPECT_LT(reused.status, 500) << reused.body;

  WaitForWorker(api(), first.json.value("id", ""), IsRunningAndAvailable);
  Reply list = api().Get("/api/v1/workers?limit=500");
  int named = 0;
  for (const auto& w : list.json["items"]) {
    named += w.value("name", "") == name;
    EXPECT_NE(w.value("name", ""), name + "-2");
  }
  EXPECT_EQ(named, 1);
  // One instance in AWS for it, however many times it was asked for.
  auto instances = world_->ec2().DescribeInstances(
      {"", World::kRegion}, {{"tag:ccm:worker-id", {first.json.value("id", "")}}});
  ASSERT_TRUE(instances);
  EXPECT_EQ(instances->size(), 1u);
}

}  // namespace
}  // namespace ccm::e2e
