#pragma once
// Shutdown signals for `ccm serve`. BlockShutdownSignals() blocks SIGTERM, SIGINT and SIGHUP in
// the calling thread and so in every thread started after it (call it first, before any thread
// exists), and ignores SIGPIPE. WaitForShutdownSignal() then waits for one of them in the calling
// thread and returns its number. After the first signal, WatchForForcedExit() lets a second one
// end the process at once (exit code 128 + signal) while a graceful shutdown is in progress.
namespace ccm::cli {

void BlockShutdownSignals();
int WaitForShutdownSignal();
void WatchForForcedExit();

}  // namespace ccm::cli
