// The probe round's chaining (login shared by a worker's waiting steps, one re-login on 401,
// labs deleted between list and detail, many workers at once) against an in-process canned
// server, so it also runs under the sanitizers.
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "cml/cml_client.hpp"
#include "tests/support/cml_sim.hpp"

namespace ccm::cml {
namespace {

using testing::CannedHttpServer;
using Answer = CannedHttpServer::Answer;

// Token "tok1" is refused on every authenticated call; later tokens are accepted.
class FakeController {
 public:
  FakeController() : server_([this](const CannedHttpServer::Seen& r) { return Handle(r); }) {}
  std::string url() const { return server_.url(); }
  int logins() const { return logins_; }

 private:
  Answer Handle(const CannedHttpServer::Seen& r) {
    if (r.target == "/system_information") {
      return Answer{200, R"({"version":"2.9.0","ready":true})"};
    }
    if (r.target == "/authenticate") return Answer{200, "\"tok" + std::to_string(++logins_) + "\""};
    if (r.authorization == "Bearer tok1") return Answer{401, R"({"code":401,"description":"x"})"};
    if (r.target == "/labs?show_all=true") return Answer{200, R"(["L1","L2"])"};
    if (r.target == "/labs/L1") {
      return Answer{200, R"({"id":"L1","lab_title":"One","state":"STARTED","node_count":2})"};
    }
    if (r.target == "/system_health") return Answer{200, R"({"valid":true})"};
    if (r.target == "/system_stats") return Answer{200, R"({"all":{"cpu":{"count":4}}})"};
    if (r.target == "/licensing") return Answer{200, R"({"registration":{"status":"COMPLETED"}})"};
    if (r.target == "/telemetry/events") {
      return Answer{200, R"([{"category":"start_lab","timestamp":"2026-01-01T00:00:00Z",
                             "data":{"user_id":"u2","username":"student"}}])"};
    }
    return Answer{404, R"({"code":404,"description":"Lab not found"})"};
  }

  std::atomic<int> logins_{0};
  CannedHttpServer server_;
};

CmlTarget TargetFor(const std::string& url, const std::string& id) {
  CmlTarget t;
  t.worker_id = id;
  t.endpoint = url;
  t.api_base = url;
  t.username = "admin";
  t.password = "probe-test-password";
  return t;
}

TEST(ProbeRoundTest, RefusedTokenIsRenewedOnceForAllWaitingSteps) {
  FakeController controller;
  CmlClient client;
  ProbeOptions options;
  options.telemetry = true;
  auto snapshots = client.Probe({TargetFor(controller.url(), "w")}, options);
  ASSERT_EQ(snapshots.size(), 1u);
  const WorkerSnapshot& s = snapshots[0];
  ASSERT_TRUE(s.ok()) << s.error()->ToString();
  EXPECT_TRUE(s.logged_in);
  EXPECT_EQ(controller.logins(), 2);  // tok1 refused, one shared re-login
  ASSERT_TRUE(s.health && s.stats && s.licensing && s.labs && s.events);
  EXPECT_EQ(s.stats->cpu_count, 4);
  EXPECT_TRUE(s.licensing->registered());
  ASSERT_EQ(s.labs->size(), 1u);  // L2 vanished between the list and its detail
  EXPECT_EQ((*s.labs)[0].title, "One");
  ASSERT_EQ(s.events->size(), 1u);
  EXPECT_TRUE((*s.events)[0].person_activity);
  auto again = client.Probe({TargetFor(controller.url(), "w")}, options);
  EXPECT_FALSE(again[0].logged_in);
  EXPECT_TRUE(again[0].events && again[0].events->empty());
  EXPECT_EQ(controller.logins(), 2);
}

TEST(ProbeRoundTest, ManyWorkersUnderACap) {
  FakeController controller;
  CmlClientOptions options;
  options.max_concurrency = 8;
  CmlClient client(options);
  std::vector<CmlTarget> targets;
  for (int i = 0; i < 40; ++i) targets.push_back(TargetFor(controller.url(), std::to_string(i)));
  auto snapshots = client.Probe(targets, ProbeOptions{});
  ASSERT_EQ(snapshots.size(), 40u);
  for (size_t i = 0; i < snapshots.size(); ++i) {
    EXPECT_EQ(snapshots[i].worker_id, std::to_string(i));
    EXPECT_TRUE(snapshots[i].ok()) << snapshots[i].error()->ToString();
    EXPECT_TRUE(snapshots[i].labs.has_value());
  }
  EXPECT_LE(client.probe_stats().peak_in_flight, 8u);
  EXPECT_EQ(client.logins(), static_cast<uint64_t>(controller.logins()));
}

}  // namespace
}  // namespace ccm::cml
