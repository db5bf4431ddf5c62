#pragma once
// `ccm serve`: assembles the control plane and runs it until SIGTERM/SIGINT.
//
// Start-up, in order: settings (problems -> stderr, one per line, exit 2) and log level; sandbox
// helpers when sandbox is on (sandbox/sandbox.hpp); the store (migrated); the AWS transport
// (default credential chain) shared by the EC2/CloudWatch clients, the STS readiness check and
// the sandbox's image seeding; the endpoint resolver (direct, or simulated controllers in
// sandbox mode or with --cml-sim-url); the CML client; the event bus; the worker service; the
// OIDC verifier when oidc_issuer is set; the API server on `listen`. Then, in the background:
// the AWS identity check and WorkerService::ResumePending() (crash repair), and FollowUp
// (cli/serve_follow.hpp) for workers in motion. The API server polls the event log for other
// processes' events on its own timer.
// Shutdown on SIGTERM/SIGINT/SIGHUP: stop following, stop the API (no new connections, in-flight
// requests finish within the grace period, event streams end), wait for the resume pass, drain
// the worker service's launches, flush the store, stop the sandbox helpers; exit 0. A second
// signal exits at once.
// Exit codes: 0 after a graceful shutdown, 1 start-up failure (port in use, store, sandbox
// helpers), 2 invalid settings.
// Must run on the main thread (signal handling, and sandbox helpers die with the forking thread).
#include <chrono>
#include <string>

#include "config/flags.hpp"

namespace ccm::cli {

struct ServeOptions {
  // Workers' CML endpoints become simulated controllers of this cml-sim control URL (tests and
  // demos against an external simulator). Sandbox mode uses its own simulator.
  std::string cml_sim_url;
  std::chrono::milliseconds shutdown_grace{10000};
};

inline constexpr int kServeExitOk = 0;
inline constexpr int kServeExitStartFailed = 1;
inline constexpr int kServeExitInvalidSettings = 2;

int RunServe(const config::SettingsFlags& flags, const ServeOptions& options);

}  // namespace ccm::cli
