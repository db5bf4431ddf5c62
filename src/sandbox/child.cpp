#include "sandbox/child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

extern char** environ;

namespace ccm::sandbox {
namespace {

using SteadyClock = std::chrono::steady_clock;

bool IsExecutable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// Everything the child needs, prepared before fork: after fork only async-signal-safe calls.
struct ExecPlan {
  std::string path;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::vector<char*> argv;
  std::vector<char*> envp;
};

ExecPlan MakePlan(const ChildSpec& spec, std::string path) {
  ExecPlan plan;
  plan.path = std::move(path);
  plan.args = spec.argv;
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    const std::string name = kv.substr(0, eq);
    bool dropped = false;
    for (const auto& prefix : spec.drop_env_prefixes) dropped |= name.rfind(prefix, 0) == 0;
    if (!dropped) env[name] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : spec.env) env[k] = v;
  for (const auto& [k, v] : env) plan.env.push_back(k + "=" + v);
  for (auto& a : plan.args) plan.argv.push_back(a.data());
  plan.argv.push_back(nullptr);
  for (auto& e : plan.env) plan.envp.push_back(e.data());
  plan.envp.push_back(nullptr);
  return plan;
}

// In the child, between fork and exec.
[[noreturn]] void ExecChild(const ExecPlan& plan, pid_t parent, int out_fd, int err_fd) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT}) ::signal(sig, SIG_DFL);
  int in = ::open("/dev/null", O_RDONLY);
  if (in >= 0) ::dup2(in, 0);
  ::dup2(out_fd, 1);
  ::dup2(err_fd, 2);
  ::close_range(3, ~0U, 0);
  ::execve(plan.path.c_str(), plan.argv.data(), plan.envp.data());
  ::_exit(127);
}

int OpenLog(const std::string& path) {
  if (path.empty()) return ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

}  // namespace

std::string FindExecutable(const std::string& name) {
  if (name.empty()) return "";
  if (name.find('/') != std::string::npos) return IsExecutable(name) ? name : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (!dir.empty() && IsExecutable(dir + "/" + name)) return dir + "/" + name;
    start = end + 1;
  }
  return "";
}

Result<std::unique_ptr<SupervisedChild>> SupervisedChild::Spawn(const ChildSpec& spec) {
  if (spec.argv.empty()) return InvalidArgument("argv", "is empty");
  std::string path = FindExecutable(spec.argv.front());
  if (path.empty()) {
    return MakeError(Code::kNotFound, "program '" + spec.argv.front() + "' not found");
  }
  ExecPlan plan = MakePlan(spec, path);
  int log_fd = OpenLog(spec.log_path);
  if (log_fd < 0) {
    return MakeError(Code::kInternal, "cannot open " + spec.log_path + ": " + std::strerror(errno));
  }
  int pipe_fds[2] = {-1, -1};
  if (spec.capture_stdout && ::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    ::close(log_fd);
    return MakeError(Code::kInternal, std::string("pipe: ") + std::strerror(errno));
  }
  const int out_fd = spec.capture_stdout ? pipe_fds[1] : log_fd;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) ExecChild(plan, parent, out_fd, log_fd);
  const int fork_errno = errno;
  ::close(log_fd);
  if (spec.capture_stdout) ::close(pipe_fds[1]);
  if (pid < 0) {
    if (spec.capture_stdout) ::close(pipe_fds[0]);
    return MakeError(Code::kInternal, std::string("fork: ") + std::strerror(fork_errno));
  }
  ::setpgid(pid, pid);  // also here: no window where a group kill could miss the child
  return std::unique_ptr<SupervisedChild>(new SupervisedChild(pid, pipe_fds[0]));
}

SupervisedChild::~SupervisedChild() {
  Stop();
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

Result<std::string> SupervisedChild::ReadLine(std::chrono::milliseconds timeout) {
  if (stdout_fd_ < 0) return MakeError(Code::kFailedPrecondition, "stdout is not captured");
  const auto deadline = SteadyClock::now() + timeout;
  while (true) {
    size_t nl = buffered_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return line;
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) return MakeError(Code::kDeadlineExceeded, "no line before timeout");
    pollfd pfd{stdout_fd_, POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return MakeError(Code::kUnavailable, "the process closed its output (exited?)");
    buffered_.append(buf, static_cast<size_t>(n));
  }
}

bool SupervisedChild::Running() {
  if (pid_ <= 0 || exited_) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) exited_ = true;
  return !exited_;
}

bool SupervisedChild::WaitExit(std::chrono::milliseconds timeout, int* status) {
  const auto deadline = SteadyClock::now() + timeout;
  while (true) {
    pid_t r = ::waitpid(pid_, status, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      exited_ = true;
      return true;
    }
    if (SteadyClock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int SupervisedChild::Stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0 || exited_) return -1;
  int status = -1;
  ::kill(-pid_, SIGTERM);
  if (!WaitExit(grace, &status)) {
    ::kill(-pid_, SIGKILL);
    WaitExit(std::chrono::milliseconds(5000), &status);
  }
  // Whatever the child forked and left in its group goes too.
  ::kill(-pid_, SIGKILL);
  return status;
}

}  // namespace ccm::sandbox
