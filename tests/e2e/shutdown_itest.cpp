// `ccm serve` as a process: graceful SIGTERM (in-flight request finished, streams closed, store
// flushed, exit 0), crash repair of a pending launch at start, invalid settings (exit 2), and
// the development no-auth mode with its warning.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <thread>

#include "core/ids.hpp"
#include "domain/worker.hpp"
#include "store/store.hpp"
#include "tests/e2e/e2e.hpp"

namespace ccm::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class ServeProcessE2e : public ::testing::Test {
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
  std::string NewDataDir() { return testing::MakeTempDir("ccm-e2e-data"); }

  static World* world_;
  static std::string* start_error_;
};
World* ServeProcessE2e::world_ = nullptr;
std::string* ServeProcessE2e::start_error_ = nullptr;

bool ExitedZero(int status) { return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0; }

TEST_F(ServeProcessE2e, SigtermFinishesTheInFlightRequestFlushesAndExitsZero) {
  const std::string data = NewDataDir();
  CcmServe ccm;
  ASSERT_EQ(world_->StartCcm(ccm, data), "");
  Api api(ccm.url(), world_->admin_token);
  const std::string id = CreateWorker(api, "e2e-shutdown").value("id", "");
  WaitForWorker(api, id, IsRunningAndAvailable);

  // Every CML answer now takes 1.5 s: a labs listing (several calls) is in flight at SIGTERM.
  ASSERT_TRUE(world_->sim.Control("POST", "/control/latency", R"({"ms":1500})"));
  Reply labs;
  auto started = std::chrono::steady_clock::now();
  std::thread call(
      [&] { labs = api.Call("GET", "/api/v1/workers/" + id + "/labs", "", {}, seconds(30)); });
  std::this_thread::sleep_for(milliseconds(800));
  int status = ccm.Terminate(seconds(30));
  auto exited = std::chrono::steady_clock::now();
  call.join();
  ASSERT_TRUE(world_->sim.Control("POST", "/control/latency", R"({"ms":0})"));

  EXPECT_EQ(labs.status, 200) << labs.body;
  EXPECT_TRUE(labs.json.is_array() || labs.json.contains("items")) << labs.body;
  EXPECT_TRUE(ExitedZero(status)) << status << "\n" << ccm.Log();
  EXPECT_GT(exited - started, seconds(2));  // it waited for the request
  std::string log = ccm.Log();
  EXPECT_NE(log.find("shutting down"), std::string::npos);
  EXPECT_NE(log.find("ccm serve stopped"), std::string::npos);
  EXPECT_EQ(log.find(world_->admin_token), std::string::npos) << "the token reached the log";

  // What it wrote is there for the next run.
  CcmServe again;
  ASSERT_EQ(world_->StartCcm(again, data), "");
  Reply w = Api(again.url(), world_->admin_token).Get("/api/v1/workers/" + id);
  EXPECT_EQ(w.status, 200);
  EXPECT_EQ(w.json.value("status", ""), "running");
  EXPECT_TRUE(ExitedZero(again.Terminate()));
}

TEST_F(ServeProcessE2e, SigtermEndsEventStreams) {
  CcmServe ccm;
  ASSERT_EQ(world_->StartCcm(ccm, NewDataDir()), "");
  SseClient sse;
  ASSERT_EQ(sse.Open(ccm.port(), "/api/v1/events", world_->admin_token), "");
  auto before = std::chrono::steady_clock::now();
  int status = ccm.Terminate(seconds(20));
  EXPECT_TRUE(ExitedZero(status)) << status;
  EXPECT_LT(std::chrono::steady_clock::now() - before, seconds(10));
  while (sse.Next(seconds(5))) {
  }
  EXPECT_TRUE(sse.ended());
}

TEST_F(ServeProcessE2e, APendingLaunchLeftByACrashIsResumedAtStart) {
  const std::string data = NewDataDir();
  std::string id = NewUuid();
  {
    // What a crash between "pending recorded" and "instance assigned" leaves behind.
    auto store = store::OpenStore("sqlite:" + data + "/ccm.db");
    ASSERT_TRUE(store) << store.error().ToString();
    domain::NewWorker n;
    n.id = id;
    n.name = "e2e-resumed";
    n.region = World::kRegion;
    n.instance_type = "t3.xlarge";
    n.ami_id = world_->ami_id;
    n.client_token = "ct-" + id;
    domain::ChangeContext ctx{"alice", SystemClock::Instance().Now(), ""};
    auto worker = domain::Worker::Create(n, ctx);
    ASSERT_TRUE(worker) << worker.error().ToString();
    ASSERT_TRUE((*store)->CreateWorker(std::move(*worker)));
  }
  CcmServe ccm;
  ASSERT_EQ(world_->StartCcm(ccm, data), "");
  Api api(ccm.url(), world_->admin_token);
  Json w = WaitForWorker(api, id, IsRunningAndAvailable);
  auto instances =
      world_->ec2().DescribeInstances({"", World::kRegion}, {{"tag:ccm:worker-id", {id}}});
  ASSERT_TRUE(instances);
  EXPECT_EQ(instances->size(), 1u);
  EXPECT_TRUE(ExitedZero(ccm.Terminate()));
}

TEST_F(ServeProcessE2e, DevelopmentWithoutAuthWarnsAndServesEveryoneAsAdmin) {
  CcmServe ccm;
  ASSERT_EQ(world_->StartCcm(ccm, NewDataDir(), {"--auth-disabled"}), "");
  Reply me = Api(ccm.url(), "").Get("/api/v1/me");
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json.value("role", ""), "admin");
  EXPECT_NE(ccm.Log().find("authentication is DISABLED"), std::string::npos);
  EXPECT_TRUE(ExitedZero(ccm.Terminate()));
}

TEST(ServeCommandE2e, InvalidSettingsAreListedAndExitTwo) {
  const std::string program = CcmProgram();
  ASSERT_FALSE(program.empty()) << "ccm is not built";
  const std::string dir = testing::MakeTempDir("ccm-e2e-bad");
  testing::ChildProcess ccm({program, "serve", "--listen", "nowhere", "--data-dir", dir,
                             "--cml-worker-idle-threshold-minutes", "-1"},
                            IsolatedAwsEnvironment(dir), dir + "/out.log");
  int status = ccm.Wait(seconds(30));
  ASSERT_TRUE(status >= 0 && WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 2);
  std::string out = testing::ReadFile(dir + "/out.log");
  EXPECT_NE(out.find("listen:"), std::string::npos) << out;
  EXPECT_NE(out.find("cml_worker_idle_threshold_minutes:"), std::string::npos) << out;
}

TEST(ServeCommandE2e, APortInUseIsAStartFailure) {
  const std::string program = CcmProgram();
  ASSERT_FALSE(program.empty()) << "ccm is not built";
  const std::string dir = testing::MakeTempDir("ccm-e2e-busy");
  CcmServe first;
  auto env = IsolatedAwsEnvironment(dir);
  env["CML_WORKER_AMI_IDS"] = R"({"us-east-1":"ami-12345678"})";
  ASSERT_EQ(first.Start(dir + "/a", {"--auth-disabled"}, env), "");
  testing::ChildProcess second(
      {program, "serve", "--listen", "127.0.0.1:" + std::to_string(first.port()), "--data-dir",
       dir + "/b", "--auth-disabled"},
      env, dir + "/second.log");
  int status = second.Wait(seconds(30));
  ASSERT_TRUE(status >= 0 && WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 1) << testing::ReadFile(dir + "/second.log");
  EXPECT_TRUE(ExitedZero(first.Terminate()));
}

}  // namespace
}  // namespace ccm::e2e
