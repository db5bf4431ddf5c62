// `ccm serve` end to end against moto (SigV4 checking on) and cml-sim: the worker lifecycle,
// import, tags, licence and the connect workflow, all through HTTP.
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/e2e/e2e.hpp"

namespace ccm::e2e {
namespace {

using std::chrono::seconds;

class LifecycleE2e : public ::testing::Test {
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
  void TearDown() override {
    if (HasFailure()) std::cerr << "ccm log: " << world_->ccm.log_path() << "\n";
  }

  Api api() const { return world_->admin(); }
  // A worker created through the API and followed until its CML is available.
  Json Available(const std::string& name) {
    Json created = CreateWorker(api(), name);
    return WaitForWorker(api(), created.value("id", ""), IsRunningAndAvailable);
  }

  static World* world_;
  static std::string* start_error_;
};
World* LifecycleE2e::world_ = nullptr;
std::string* LifecycleE2e::start_error_ = nullptr;

TEST_F(LifecycleE2e, HealthReadinessAndAuth) {
  EXPECT_EQ(api().Get("/healthz").status, 200);
  Reply ready = api().Get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json["checks"].value("aws", ""), "ok") << ready.body;
  EXPECT_EQ(ready.json["checks"].value("store", ""), "ok");
  EXPECT_EQ(Api(world_->ccm.url(), "").Get("/api/v1/workers").status, 401);
  EXPECT_EQ(Api(world_->ccm.url(), "wrong-token-0123456789").Get("/api/v1/workers").status, 401);
  Reply me = api().Get("/api/v1/me");
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.json.value("role", ""), "admin") << me.body;
}

TEST_F(LifecycleE2e, CreateRunStopStartTerminatePurge) {
  Json w = CreateWorker(api(), "e2e-lifecycle");
  const std::string id = w.value("id", "");
  ASSERT_FALSE(id.empty());
  w = WaitForWorker(api(), id, IsRunningAndAvailable);
  const std::string instance_id = w.value("aws_instance_id", "");
  ASSERT_EQ(instance_id.rfind("i-", 0), 0u) << w.dump();
  EXPECT_EQ(w.value("ami_id", ""), world_->ami_id);
  EXPECT_TRUE(w.value("can_connect", false));
  EXPECT_EQ(w.value("https_endpoint", "").rfind("https://127.0.0.1:", 0), 0u) << w.dump();
  auto in_moto = world_->Instance(instance_id);
  ASSERT_TRUE(in_moto);
  EXPECT_EQ(in_moto->state, "running");
  EXPECT_EQ(in_moto->tags["ccm:worker-id"], id);

  Reply refreshed = api().Post("/api/v1/workers/" + id + "/refresh");
  EXPECT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_EQ(refreshed.json.value("service_status", ""), "available");

  EXPECT_EQ(api().Post("/api/v1/workers/" + id + "/stop").status, 202);
  WaitForWorker(api(), id, [](const Json& j) { return j.value("status", "") == "stopped"; });
  EXPECT_EQ(world_->Instance(instance_id)->state, "stopped");
  Reply again = api().Post("/api/v1/workers/" + id + "/stop");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.Header("content-type").rfind("application/problem+json", 0), 0u);

  EXPECT_EQ(api().Post("/api/v1/workers/" + id + "/start").status, 202);
  WaitForWorker(api(), id, IsRunningAndAvailable);
  EXPECT_EQ(world_->Instance(instance_id)->state, "running");

  EXPECT_EQ(api().Call("DELETE", "/api/v1/workers/" + id).status, 202);
  w = WaitForWorker(api(), id, [](const Json& j) { return j.value("status", "") == "terminated"; });
  EXPECT_FALSE(w.value("terminated_at", Json()).is_null()) << w.dump();
  EXPECT_EQ(world_->Instance(instance_id)->state, "terminated");
  EXPECT_EQ(api().Call("DELETE", "/api/v1/workers/" + id + "?purge=true").status, 204);
  EXPECT_EQ(api().Get("/api/v1/workers/" + id).status, 404);
}

TEST_F(LifecycleE2e, ImportReportsKnownInstancesInsteadOfDuplicating) {
  auto launched = world_->LaunchOutsideCcm({{"Name", "made-outside-ccm"}, {"team", "e2e"}});
  ASSERT_TRUE(launched) << launched.error().ToString();
  const std::string instance_id = *launched;

  Json body = {{"region", World::kRegion}, {"instance_id", instance_id}, {"owner", "bob"}};
  Reply first = api().Post("/api/v1/workers/import", body);
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(first.json["imported"].size(), 1u) << first.body;
  const Json& worker = first.json["imported"][0];
  EXPECT_EQ(worker.value("aws_instance_id", ""), instance_id);
  EXPECT_EQ(worker.value("owner", ""), "bob");
  EXPECT_EQ(first.json["already_known"].size(), 0u);

  Reply second = api().Post("/api/v1/workers/import", body);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json["imported"].size(), 0u);
  ASSERT_EQ(second.json["already_known"].size(), 1u) << second.body;
  EXPECT_EQ(second.json["already_known"][0].value("worker_id", ""), worker.value("id", ""));
  Reply listed = api().Get("/api/v1/workers?owner=bob&limit=500");
  int count = 0;
  for (const auto& w : listed.json["items"]) count += w.value("aws_instance_id", "") == instance_id;
  EXPECT_EQ(count, 1);
}

TEST_F(LifecycleE2e, TagsAreWrittenToAwsAndTheRecord) {
  Json w = Available("e2e-tags");
  const std::string id = w.value("id", "");
  const std::string instance_id = w.value("aws_instance_id", "");
  Reply put = api().Call("PUT", "/api/v1/workers/" + id + "/tags",
                         Json({{"tags", {{"env", "lab"}, {"course", "ccna"}}}}).dump());
  ASSERT_EQ(put.status, 200) << put.body;
  auto tags = world_->Instance(instance_id)->tags;
  EXPECT_EQ(tags["env"], "lab");
  EXPECT_EQ(tags["course"], "ccna");
  EXPECT_EQ(tags["ccm:worker-id"], id);  // protected tags survive a replace

  Reply patch = api().Call("PATCH", "/api/v1/workers/" + id + "/tags",
                           Json({{"tags", {{"env", nullptr}, {"team", "net"}}}}).dump());
  ASSERT_EQ(patch.status, 200) << patch.body;
  tags = world_->Instance(instance_id)->tags;
  EXPECT_EQ(tags.count("env"), 0u);
  EXPECT_EQ(tags["team"], "net");
  EXPECT_EQ(tags["course"], "ccna");
  Reply got = api().Get("/api/v1/workers/" + id + "/tags");
  EXPECT_EQ(got.json["tags"].value("team", ""), "net") << got.body;
  EXPECT_FALSE(got.json["tags"].contains("env"));

  Reply bad = api().Call("PUT", "/api/v1/workers/" + id + "/tags",
                         Json({{"tags", {{"ccm:managed", "no"}}}}).dump());
  EXPECT_EQ(bad.status, 400) << bad.body;
}

TEST_F(LifecycleE2e, LicenceRegisterAndRelease) {
  Json w = Available("e2e-licence");
  const std::string id = w.value("id", "");
  const std::string licence = "e2e-licence-token-" + std::to_string(::getpid());
  Reply reg = api().Post("/api/v1/workers/" + id + "/license", {{"token", licence}});
  ASSERT_TRUE(reg.status == 200 || reg.status == 202) << reg.body;
  EXPECT_EQ(reg.body.find(licence), std::string::npos);
  bool registered = WaitUntil(
      [&] {
        Reply r = api().Get("/api/v1/workers/" + id + "/license");
        return r.status == 200 && r.json.value("status", "") == "registered";
      },
      seconds(30));
  EXPECT_TRUE(registered) << api().Get("/api/v1/workers/" + id + "/license").body;
  Reply released = api().Call("DELETE", "/api/v1/workers/" + id + "/license");
  ASSERT_TRUE(released.status == 200 || released.status == 202) << released.body;
  Reply after = api().Get("/api/v1/workers/" + id + "/license");
  EXPECT_EQ(after.json.value("status", ""), "unregistered") << after.body;
  EXPECT_EQ(world_->ccm.Log().find(licence), std::string::npos) << "licence token in the log";
}

TEST_F(LifecycleE2e, ConnectStartsAStoppedWorkerAndAnswersTheLinkWhenReady) {
  Json w = Available("e2e-connect");
  const std::string id = w.value("id", "");
  Reply ready = api().Get("/api/v1/workers/" + id + "/connect");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_TRUE(ready.json.value("ready", false)) << ready.body;
  EXPECT_EQ(ready.json.value("url", ""), w.value("https_endpoint", ""));

  ASSERT_EQ(api().Post("/api/v1/workers/" + id + "/stop").status, 202);
  WaitForWorker(api(), id, [](const Json& j) { return j.value("status", "") == "stopped"; });
  Reply starting = api().Get("/api/v1/workers/" + id + "/connect");
  ASSERT_EQ(starting.status, 200) << starting.body;
  EXPECT_FALSE(starting.json.value("ready", true));
  EXPECT_GT(starting.json.value("estimate_seconds", 0), 0) << starting.body;
  EXPECT_NE(starting.json.value("stage", ""), "stopped") << starting.body;
  Json last;
  bool became_ready = WaitUntil(
      [&] {
        last = api().Get("/api/v1/workers/" + id + "/connect").json;
        return last.value("ready", false);
      },
      seconds(60));
  EXPECT_TRUE(became_ready) << last.dump();
  EXPECT_EQ(last.value("stage", ""), "ready");
  EXPECT_EQ(last.value("url", "").rfind("https://", 0), 0u);
}

}  // namespace
}  // namespace ccm::e2e
