// `ccm serve --sandbox`: the README's first command. It starts its own moto and cml-sim, makes
// an admin token (file mode 0600, shown once, never logged), serves the whole lifecycle, and
// leaves no helper process behind (SIGTERM or SIGKILL).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <sstream>

#include "tests/e2e/e2e.hpp"

namespace ccm::e2e {
namespace {

using std::chrono::seconds;

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// The lines of `text` that contain `part`.
std::vector<std::string> LinesWith(const std::string& text, const std::string& part) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(part) != std::string::npos) out.push_back(line);
  }
  return out;
}

struct Sandbox {
  std::string dir = testing::MakeTempDir("ccm-sandbox-e2e");
  std::string data = dir + "/data";
  std::string token_path = data + "/sandbox-admin.token";
  CcmServe ccm;
  std::string Start() { return ccm.Start(data, {"--sandbox"}, IsolatedAwsEnvironment(dir)); }
  std::string Token() const { return Trimmed(testing::ReadFile(token_path)); }
};

bool ExitedZero(int status) { return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0; }

TEST(SandboxE2e, ANewcomerRunsTheWholeLifecycleAndNothingIsLeftBehind) {
  ASSERT_FALSE(testing::FindProgram("moto_server").empty())
      << "moto_server is not on PATH: install moto 5.2 (scripts/setup --test)";
  Sandbox sb;
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(sb.Start(), "");

  struct stat st {};
  ASSERT_EQ(::stat(sb.token_path.c_str(), &st), 0) << "no token file";
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string token = sb.Token();
  ASSERT_EQ(token.rfind("ccm_", 0), 0u);
  const std::string out = sb.ccm.Log();
  EXPECT_EQ(Count(out, token), 1u) << "the token is shown exactly once";
  for (const auto& line : LinesWith(out, token))
    EXPECT_NE(line.front(), '{') << "token in a log line";
  EXPECT_NE(out.find("$(cat '" + sb.token_path + "')"), std::string::npos) << out;

  Api api(sb.ccm.url(), token);
  Reply ready = api.Get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  const std::string id = CreateWorker(api, "first-worker").value("id", "");
  Json w = WaitForWorker(api, id, IsRunningAndAvailable);
  EXPECT_EQ(w.value("ami_name", ""), "CML-2.9.0-sandbox") << w.dump();
  EXPECT_EQ(w.value("https_endpoint", "").rfind("https://127.0.0.1:", 0), 0u);
  ASSERT_EQ(api.Post("/api/v1/workers/" + id + "/stop").status, 202);
  WaitForWorker(api, id, [](const Json& j) { return j.value("status", "") == "stopped"; });
  ASSERT_EQ(api.Post("/api/v1/workers/" + id + "/start").status, 202);
  WaitForWorker(api, id, IsRunningAndAvailable);
  ASSERT_EQ(api.Call("DELETE", "/api/v1/workers/" + id).status, 202);
  WaitForWorker(api, id, [](const Json& j) { return j.value("status", "") == "terminated"; });
  EXPECT_LT(std::chrono::steady_clock::now() - t0, seconds(60)) << "slower than a minute";

  std::vector<pid_t> helpers = ChildrenOf(sb.ccm.pid());
  EXPECT_EQ(helpers.size(), 2u) << "moto_server and cml-sim";
  EXPECT_TRUE(ExitedZero(sb.ccm.Terminate())) << sb.ccm.Log();
  for (pid_t pid : helpers) EXPECT_TRUE(ProcessEnds(pid, seconds(10))) << pid;
}

TEST(SandboxE2e, ARestartReusesTheTokenAndAKilledCcmTakesItsHelpersAlong) {
  Sandbox sb;
  ASSERT_EQ(sb.Start(), "");
  const std::string token = sb.Token();
  ASSERT_TRUE(ExitedZero(sb.ccm.Terminate()));

  CcmServe again;
  ASSERT_EQ(again.Start(sb.data, {"--sandbox"}, IsolatedAwsEnvironment(sb.dir)), "");
  EXPECT_EQ(sb.Token(), token);
  EXPECT_EQ(again.Log().find(token), std::string::npos) << "a reused token is not shown again";
  Reply me = Api(again.url(), token).Get("/api/v1/me");
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json.value("role", ""), "admin");

  std::vector<pid_t> helpers = ChildrenOf(again.pid());
  ASSERT_EQ(helpers.size(), 2u);
  again.Kill9();
  for (pid_t pid : helpers) EXPECT_TRUE(ProcessEnds(pid, seconds(10))) << pid;
}

}  // namespace
}  // namespace ccm::e2e
