#include "cli/serve_signals.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "core/log.hpp"

namespace ccm::cli {
namespace {

sigset_t ShutdownSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockShutdownSignals() {
  sigset_t set = ShutdownSet();
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

int WaitForShutdownSignal() {
  sigset_t set = ShutdownSet();
  int sig = 0;
  while (::sigwait(&set, &sig) != 0) {
  }
  return sig;
}

void WatchForForcedExit() {
  std::thread([] {
    int sig = WaitForShutdownSignal();
    log::Warn("second signal during shutdown: exiting now", {{"signal", std::to_string(sig)}});
    // Helper processes die with us (PR_SET_PDEATHSIG); the store is crash-safe (WAL).
    ::_exit(128 + sig);
  }).detach();
}

}  // namespace ccm::cli
