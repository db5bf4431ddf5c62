#pragma once
// Test helper (integration tests only): runs the cml-sim executable as a child process and reads
// its ready line. Header-only so the simulator library does not depend on the test support.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "core/json.hpp"
#include "tests/support/process.hpp"

namespace ccm::cmlsim::testing {

class SimProcess {
 public:
  // Returns "" once the ready line was read, else the reason (binary missing, no ready line...).
  std::string Start(const std::vector<std::string>& args) {
    const char* build = std::getenv("CCM_BUILD_DIR");
    std::string binary = std::string(build ? build : ".") + "/cml-sim";
    if (ccm::testing::FindProgram(binary).empty()) return "cml-sim binary not found at " + binary;
    log_ = ccm::testing::MakeTempDir("cml-sim-log-") + "/sim.log";
    std::vector<std::string> argv{binary};
    argv.insert(argv.end(), args.begin(), args.end());
    process_ = ccm::testing::ChildProcess(argv, {}, log_);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::string text = ccm::testing::ReadFile(log_);
      size_t at = text.find("{\"control_url\"");
      size_t end = at == std::string::npos ? at : text.find('\n', at);
      if (end != std::string::npos) {
        auto parsed = ParseJson(text.substr(at, end - at));
        if (!parsed) return "unreadable ready line: " + text;
        ready_ = *parsed;
        return "";
      }
      if (!process_.Running()) return "cml-sim exited: " + ccm::testing::ReadFile(log_);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "no ready line within 20 s: " + ccm::testing::ReadFile(log_);
  }
  const Json& ready() const { return ready_; }
  std::string control_url() const { return ready_.value("control_url", ""); }
  std::string url(size_t i = 0) const { return ready_["controllers"].at(i).value("url", ""); }
  std::string log() const { return ccm::testing::ReadFile(log_); }
  ccm::testing::ChildProcess& process() { return process_; }

 private:
  ccm::testing::ChildProcess process_;
  std::string log_;
  Json ready_;
};

}  // namespace ccm::cmlsim::testing
