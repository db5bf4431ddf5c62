#pragma once
// Test helpers for process-level tests: free loopback ports, child processes that are always
// stopped (SIGTERM, then SIGKILL) when the owning object goes away, and readiness waits.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace ccm::testing {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
int FreePort();

// True once something accepts TCP connections on 127.0.0.1:port, false after the timeout.
bool WaitForPort(int port, std::chrono::milliseconds timeout);

// True once GET url answers any HTTP status (curl, no TLS verification), false after timeout.
bool WaitForHttp(const std::string& url, std::chrono::milliseconds timeout);

// Full path of a program on PATH, or "" when absent.
std::string FindProgram(const std::string& name);

class ChildProcess {
 public:
  ChildProcess() = default;
  // argv[0] is looked up on PATH. Output goes to log_path (appended) when given, else /dev/null.
  ChildProcess(std::vector<std::string> argv, std::map<std::string, std::string> extra_env = {},
               std::string log_path = "");
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;

  pid_t pid() const { return pid_; }
  bool Running();
  // SIGTERM, wait up to grace, then SIGKILL. Returns the exit status (waitpid form).
  int Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));
  void Kill9();
  // Waits for exit; returns the waitpid status, or -1 on timeout.
  int Wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// The text of a file, "" if absent.
std::string ReadFile(const std::string& path);
// A new empty directory under the test temp dir.
std::string MakeTempDir(const std::string& prefix);

}  // namespace ccm::testing
