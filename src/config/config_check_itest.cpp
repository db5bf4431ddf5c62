// Process-level test of `ccm config check`: exit codes 0 and 2, problems on stderr one per line,
// and no secret value in anything it prints. Runs the real binary from CCM_BUILD_DIR.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace ccm::config {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string CcmBinary() {
  const char* dir = std::getenv("CCM_BUILD_DIR");
  return std::string(dir ? dir : "") + "/ccm";
}

// Runs ccm with exactly `env` (plus PATH) in `cwd`, capturing stdout and stderr.
RunResult RunCcm(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env, const std::string& cwd) {
  const std::string out_path = cwd + "/stdout.txt";
  const std::string err_path = cwd + "/stderr.txt";
  std::vector<std::string> argv_text = {CcmBinary()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text = {"PATH=/usr/bin:/bin"};
  for (const auto& [k, v] : env) env_text.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  pid_t pid = -1;
  RunResult result;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return result;
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = testing::ReadFile(out_path);
  result.err = testing::ReadFile(err_path);
  return result;
}

class ConfigCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(CcmBinary()))
        << "ccm binary not found at " << CcmBinary() << " (build the ccm target)";
    dir_ = testing::MakeTempDir("ccm-config-check-");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
    return dir_ + "/" + name;
  }

  std::string dir_;
};

TEST_F(ConfigCheckTest, ValidSettingsPrintWithSecretsRedactedAndExitZero) {
  std::string config = Write("site.yaml",
                             "cml_worker_ami_names: {us-east-1: CML-2.7.0-Ubuntu-22.04}\n"
                             "webhooks: [{url: 'https://hooks.example.com/a', secret: "
                             "yaml-webhook-secret}]\n");
  const std::map<std::string, std::string> env = {
      {"CML_API_USERNAME", "admin"},
      {"CML_API_PASSWORD", "env-cml-password"},
      {"AWS_SECRET_ACCESS_KEY", "env-aws-secret-key"},
      {"AWS_ACCESS_KEY_ID", "AKIAENVEXAMPLE"},
      {"DATABASE_URL", "postgresql://ccm:env-db-password@db/ccm"}};
  for (const char* format : {"yaml", "json"}) {
    RunResult r =
        RunCcm({"config", "check", "--config", config, "--format", format, "--cml-license-token",
                "flag-license-token", "--listen", "127.0.0.1:9090"},
               env, dir_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, IsEmpty());
    EXPECT_THAT(r.out, HasSubstr("127.0.0.1:9090"));
    EXPECT_THAT(r.out, HasSubstr("CML-2.7.0-Ubuntu-22.04"));
    EXPECT_THAT(r.out, HasSubstr("***"));
    for (const char* secret : {"yaml-webhook-secret", "env-cml-password", "env-aws-secret-key",
                               "AKIAENVEXAMPLE", "env-db-password", "flag-license-token"}) {
      EXPECT_THAT(r.out, Not(HasSubstr(secret))) << format;
    }
  }
}

TEST_F(ConfigCheckTest, ProblemsGoToStderrOnePerLineWithExitTwo) {
  std::string config = Write("bad.yaml",
                             "cml_worker_idel_threshold_minutes: 5\n"
                             "listen: nowhere\n");
  RunResult r = RunCcm({"config", "check", "--config", config},
                       {{"CML_WORKER_AMI_IDS", R"({"us-east-1": ami-1})"},
                        {"CML_LICENSE_TOKEN", "license-token-in-env"},
                        {"CML_API_PORT", "license-token-in-env"}},
                       dir_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, HasSubstr("cml_worker_idel_threshold_minutes: unknown setting, did you mean "
                               "cml_worker_idle_threshold_minutes?"));
  EXPECT_THAT(r.err, HasSubstr("\nlisten: not HOST:PORT"));
  EXPECT_THAT(r.err, HasSubstr("cml_worker_ami_ids: malformed JSON in environment variable "
                               "CML_WORKER_AMI_IDS"));
  EXPECT_THAT(r.err, HasSubstr("cml_api_port: expected an integer, got \"***\""));
  EXPECT_THAT(r.err, Not(HasSubstr("license-token-in-env")));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 5) << r.err;  // + missing AMI
}

TEST_F(ConfigCheckTest, MissingExplicitFileExitsTwoAndDefaultFileIsPickedUp) {
  RunResult missing = RunCcm({"config", "check", "--config", dir_ + "/absent.yaml"}, {}, dir_);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("cannot read config file " + dir_ + "/absent.yaml"));

  RunResult no_ami = RunCcm({"config", "check"}, {}, dir_);
  EXPECT_EQ(no_ami.exit_code, 2);
  Write("ccm.yaml", "cml_worker_ami_ids: {us-east-1: ami-0123456789abcdef0}\n");
  RunResult from_cwd = RunCcm({"config", "check"}, {}, dir_);
  EXPECT_EQ(from_cwd.exit_code, 0) << from_cwd.err;
  EXPECT_THAT(from_cwd.out, HasSubstr("ami-0123456789abcdef0"));
  const std::string empty = Write("empty.yaml", "");
  RunResult sandbox = RunCcm({"config", "check", "--sandbox", "--config", empty}, {}, dir_);
  EXPECT_EQ(sandbox.exit_code, 0) << sandbox.err;
}

}  // namespace
}  // namespace ccm::config
