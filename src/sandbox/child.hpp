#pragma once
// SupervisedChild: a helper process (moto_server, cml-sim) owned by `ccm serve --sandbox`.
//
// The child runs in its own process group (so a stop reaches anything it forks) and asks the
// kernel for SIGKILL when its parent dies (PR_SET_PDEATHSIG), so a SIGKILLed ccm leaves nothing
// behind. PR_SET_PDEATHSIG fires when the THREAD that forked exits: spawn from a thread that lives
// as long as the process (the main thread). The child starts with every signal unblocked and at
// its default disposition, stdin from /dev/null, stderr (and stdout unless captured) appended to
// log_path.
// Stop(): SIGTERM to the group, then SIGKILL after the grace period; the destructor stops it.
// Errors: Spawn fails with kNotFound when the program cannot be found, kInternal for fork/pipe
// failures; ReadLine fails with kDeadlineExceeded on timeout and kUnavailable when the child
// exited or closed its stdout. Threading: one owner; not thread-safe.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace ccm::sandbox {

struct ChildSpec {
  std::vector<std::string> argv;               // argv[0]: a path, or a name looked up on PATH
  std::map<std::string, std::string> env;      // added to (or replacing in) this environment
  std::string log_path;                        // "" = /dev/null
  bool capture_stdout = false;                 // stdout readable with ReadLine()
  std::vector<std::string> drop_env_prefixes;  // variables of this environment not passed on
};

class SupervisedChild {
 public:
  static Result<std::unique_ptr<SupervisedChild>> Spawn(const ChildSpec& spec);
  ~SupervisedChild();
  SupervisedChild(const SupervisedChild&) = delete;
  SupervisedChild& operator=(const SupervisedChild&) = delete;

  pid_t pid() const { return pid_; }
  // One line of captured stdout (without the newline).
  Result<std::string> ReadLine(std::chrono::milliseconds timeout);
  // Still running (reaps it when it has exited).
  bool Running();
  // Returns the waitpid status, or -1 when it was not running.
  int Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

 private:
  SupervisedChild(pid_t pid, int stdout_fd) : pid_(pid), stdout_fd_(stdout_fd) {}
  bool WaitExit(std::chrono::milliseconds timeout, int* status);

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffered_;  // stdout read past the last returned line
  bool exited_ = false;
};

// Full path of `name` (a path with '/' is checked as is; else looked up on PATH); "" if absent.
std::string FindExecutable(const std::string& name);

}  // namespace ccm::sandbox
