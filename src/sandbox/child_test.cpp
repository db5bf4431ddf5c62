#include "sandbox/child.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

namespace ccm::sandbox {
namespace {

using std::chrono::milliseconds;

// Gone, or a zombie nobody has reaped yet (in containers pid 1 may not reap).
bool Dead(pid_t pid) {
  if (::kill(pid, 0) != 0) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  return close == std::string::npos || text.substr(close + 2, 1) == "Z";
}

bool DiesWithin(pid_t pid, milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Dead(pid)) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return Dead(pid);
}

ChildSpec Cmd(std::vector<std::string> argv, bool capture = false, std::string log = "") {
  ChildSpec spec;
  spec.argv = std::move(argv);
  spec.capture_stdout = capture;
  spec.log_path = std::move(log);
  return spec;
}

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/" + name + "-" + std::to_string(::getpid());
}

TEST(FindExecutable, FindsOnPathAndChecksPaths) {
  EXPECT_EQ(FindExecutable("sh").empty(), false);
  EXPECT_EQ(FindExecutable("/bin/sh"), "/bin/sh");
  EXPECT_EQ(FindExecutable("no-such-program-ccm"), "");
  const std::string plain = TempPath("not-executable");
  { std::ofstream(plain) << "#!/bin/sh\n"; }
  ::chmod(plain.c_str(), 0644);
  EXPECT_EQ(FindExecutable(plain), "");
  std::remove(plain.c_str());
  EXPECT_EQ(FindExecutable(""), "");
}

TEST(SupervisedChild, MissingProgramIsNotFound) {
  auto child = SupervisedChild::Spawn(Cmd({"no-such-program-ccm"}));
  ASSERT_FALSE(child);
  EXPECT_EQ(child.error().code, Code::kNotFound);
  EXPECT_NE(child.error().message.find("no-such-program-ccm"), std::string::npos);
}

TEST(SupervisedChild, CapturesStdoutLinesAndPassesEnvironment) {
  ChildSpec spec;
  spec.argv = {"sh", "-c", "echo first; echo \"$CCM_CHILD_TEST\"; exec sleep 30"};
  spec.env = {{"CCM_CHILD_TEST", "second line"}};
  spec.capture_stdout = true;
  ::setenv("CCM_DROPPED_TEST", "must not pass", 1);
  spec.drop_env_prefixes = {"CCM_DROPPED_"};
  spec.argv[2] = "echo first; echo \"$CCM_CHILD_TEST$CCM_DROPPED_TEST\"; exec sleep 30";
  auto child = SupervisedChild::Spawn(spec);
  ASSERT_TRUE(child) << child.error().message;
  auto a = (*child)->ReadLine(milliseconds(5000));
  auto b = (*child)->ReadLine(milliseconds(5000));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, "first");
  EXPECT_EQ(*b, "second line");
  auto none = (*child)->ReadLine(milliseconds(100));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Code::kDeadlineExceeded);
  EXPECT_TRUE((*child)->Running());
  int status = (*child)->Stop(milliseconds(2000));
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << status;
  EXPECT_FALSE((*child)->Running());
}

TEST(SupervisedChild, StderrGoesToTheLogFile) {
  std::string log = TempPath("child-log");
  std::remove(log.c_str());
  auto child =
      SupervisedChild::Spawn(Cmd({"sh", "-c", "echo to-stderr >&2; echo to-stdout"}, false, log));
  ASSERT_TRUE(child);
  auto deadline = std::chrono::steady_clock::now() + milliseconds(5000);
  while ((*child)->Running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("to-stderr"), std::string::npos);
  EXPECT_NE(text.str().find("to-stdout"), std::string::npos);
  std::remove(log.c_str());
}

TEST(SupervisedChild, ReadLineReportsAnExitedChild) {
  auto child = SupervisedChild::Spawn(Cmd({"sh", "-c", "exit 0"}, true));
  ASSERT_TRUE(child);
  auto line = (*child)->ReadLine(milliseconds(5000));
  ASSERT_FALSE(line);
  EXPECT_EQ(line.error().code, Code::kUnavailable);
}

TEST(SupervisedChild, StopReachesTheWholeProcessGroup) {
  // The shell ignores SIGTERM and leaves a grandchild: both must be gone after Stop.
  ChildSpec spec;
  spec.argv = {"sh", "-c", "trap '' TERM; sleep 60 & echo $!; wait"};
  spec.capture_stdout = true;
  auto child = SupervisedChild::Spawn(spec);
  ASSERT_TRUE(child);
  auto grandchild = (*child)->ReadLine(milliseconds(5000));
  ASSERT_TRUE(grandchild);
  pid_t gc = std::stoi(*grandchild);
  EXPECT_FALSE(Dead(gc));
  EXPECT_EQ(::getpgid(gc), (*child)->pid());
  (*child)->Stop(milliseconds(300));
  EXPECT_FALSE((*child)->Running());
  EXPECT_TRUE(DiesWithin(gc, milliseconds(5000)));
}

TEST(SupervisedChild, StartsWithSignalsUnblockedEvenWhenTheParentBlocksThem) {
  sigset_t term, old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &term, &old), 0);
  auto child = SupervisedChild::Spawn(Cmd({"sleep", "60"}));
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ASSERT_TRUE(child);
  int status = (*child)->Stop(milliseconds(3000));
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << status;
}

TEST(SupervisedChild, DiesWhenItsParentIsKilled) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t middle = ::fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    // The would-be ccm: spawns a child, reports its pid, then waits to be SIGKILLed.
    auto child = SupervisedChild::Spawn(Cmd({"sleep", "60"}));
    pid_t pid = child ? (*child)->pid() : -1;
    if (::write(fds[1], &pid, sizeof pid) != sizeof pid) ::_exit(1);
    while (true) ::pause();
  }
  ::close(fds[1]);
  pid_t grandchild = -1;
  ASSERT_EQ(::read(fds[0], &grandchild, sizeof grandchild),
            static_cast<ssize_t>(sizeof grandchild));
  ::close(fds[0]);
  ASSERT_GT(grandchild, 0);
  EXPECT_FALSE(Dead(grandchild));
  ::kill(middle, SIGKILL);
  ::waitpid(middle, nullptr, 0);
  EXPECT_TRUE(DiesWithin(grandchild, milliseconds(5000)));
}

}  // namespace
}  // namespace ccm::sandbox
