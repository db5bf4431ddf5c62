// `ccm cml probe` as an operator runs it: the ccm binary from $CCM_BUILD_DIR against the CML
// simulator, checking its output and documented exit codes.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "cml/sim_fixture.hpp"

namespace ccm::cml {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

class CliProbeTest : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    const char* dir = std::getenv("CCM_BUILD_DIR");
    ccm_ = std::string(dir ? dir : ".") + "/ccm";
    ASSERT_EQ(access(ccm_.c_str(), X_OK), 0) << "build the ccm target first: " << ccm_;
    tmp_ = testing::MakeTempDir("cli-probe");
    password_file_ = tmp_ + "/password";
    std::ofstream(password_file_) << kAdminPassword << "\n";
  }

  CliRun Probe(std::vector<std::string> args) {
    std::vector<std::string> argv = {ccm_, "cml", "probe"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string log = tmp_ + "/run" + std::to_string(++runs_) + ".log";
    testing::ChildProcess child(argv, {}, log);
    int status = child.Wait(std::chrono::seconds(60));
    CliRun run;
    run.exit_code = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.output = testing::ReadFile(log);
    return run;
  }
  std::vector<std::string> Login() {
    return {"--username", "admin", "--password-file", password_file_};
  }

  std::string ccm_, tmp_, password_file_;
  int runs_ = 0;
};

TEST_F(CliProbeTest, PrintsVersionReadinessHealthLicenceAndLabs) {
  std::vector<std::string> args = {"--endpoint", Target().endpoint};
  for (auto& a : Login()) args.push_back(a);
  CliRun run = Probe(args);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  for (const char* want : {"version:   2.9", "ready:     yes", "login:     ok (admin)",
                           "health:    valid", "licence:   registration", "labs:      2",
                           "Routing basics", "Student sandbox", "STOPPED", "student"}) {
    EXPECT_NE(run.output.find(want), std::string::npos) << want << "\n" << run.output;
  }
  EXPECT_EQ(run.output.find(kAdminPassword), std::string::npos);
  CliRun anonymous = Probe({"--endpoint", Target().endpoint});
  EXPECT_EQ(anonymous.exit_code, 0) << anonymous.output;
  EXPECT_NE(anonymous.output.find("login:     skipped"), std::string::npos);
}

TEST_F(CliProbeTest, ExitCodesSayWhatWentWrong) {
  std::ofstream(tmp_ + "/wrong") << "Not-The-Passw0rd\n";
  CliRun refused = Probe(
      {"--endpoint", Target().endpoint, "--username", "admin", "--password-file", tmp_ + "/wrong"});
  EXPECT_EQ(refused.exit_code, 4) << refused.output;
  EXPECT_NE(refused.output.find("Authentication failed!"), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find("Not-The-Passw0rd"), std::string::npos);

  CliRun no_file = Probe({"--endpoint", Target().endpoint, "--username", "admin", "--password-file",
                          tmp_ + "/absent"});
  EXPECT_EQ(no_file.exit_code, 2) << no_file.output;
  EXPECT_NE(no_file.output.find("--password-file"), std::string::npos);

  CliRun unreachable = Probe(
      {"--endpoint", "http://127.0.0.1:" + std::to_string(testing::FreePort()), "--timeout", "2"});
  EXPECT_EQ(unreachable.exit_code, 3) << unreachable.output;
  EXPECT_NE(unreachable.output.find("unreachable"), std::string::npos) << unreachable.output;

  Scenario("fail_502", R"({"seconds":30})");
  CliRun booting = Probe({"--endpoint", Target().endpoint});
  EXPECT_EQ(booting.exit_code, 5) << booting.output;
  EXPECT_NE(booting.output.find("HTTP 502"), std::string::npos) << booting.output;
  Scenario("ready_after", R"({"seconds":30})", 1);
  CliRun not_ready = Probe({"--endpoint", Target(1).endpoint});
  EXPECT_EQ(not_ready.exit_code, 5) << not_ready.output;
  EXPECT_NE(not_ready.output.find("ready:     no"), std::string::npos) << not_ready.output;

  CliRun bad_args = Probe({"--endpoint", Target().endpoint, "--ca", "/x.pem", "--insecure"});
  EXPECT_NE(bad_args.exit_code, 0) << bad_args.output;
}

TEST_F(CliProbeTest, TlsNeedsTheCaOrAnExplicitInsecure) {
  testing::CmlSim tls_sim;
  testing::CmlSimOptions options;
  options.tls = true;
  ASSERT_EQ(tls_sim.Start(options), "") << "the CML simulator is required";
  std::string endpoint = tls_sim.controllers().at(0).url;
  CliRun untrusted = Probe({"--endpoint", endpoint});
  EXPECT_EQ(untrusted.exit_code, 3) << untrusted.output;
  EXPECT_NE(untrusted.output.find("TLS verification failed"), std::string::npos)
      << untrusted.output;
  CliRun trusted = Probe({"--endpoint", endpoint, "--ca", tls_sim.ca_file()});
  EXPECT_EQ(trusted.exit_code, 0) << trusted.output;
  CliRun insecure = Probe({"--endpoint", endpoint, "--insecure"});
  EXPECT_EQ(insecure.exit_code, 0) << insecure.output;
  EXPECT_NE(insecure.output.find("verification is OFF"), std::string::npos) << insecure.output;
}

}  // namespace
}  // namespace ccm::cml
