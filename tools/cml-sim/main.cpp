// cml-sim: serves simulated CML controllers until SIGINT/SIGTERM. Prints one JSON ready line.
#include <signal.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "tools/cml-sim/simulator.hpp"

namespace {

// Hundreds of controllers need a listener plus connections each: lift the soft fd limit.
void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using ccm::cmlsim::SimulatorOptions;
  SimulatorOptions o;
  double latency_ms = 0, ready_after = 0, license_delay = 0, token_ttl = 8 * 3600;
  CLI::App app{"cml-sim: simulated Cisco Modeling Labs 2.9 controllers"};
  app.add_option("--host", o.host, "Address to listen on")->capture_default_str();
  app.add_option("--controllers", o.controllers, "Number of controllers")
      ->check(CLI::Range(0, 20000))
      ->capture_default_str();
  app.add_option("--base-port", o.base_port, "First controller port (0 = any free ports)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--control-port", o.control_port, "Control endpoint port (0 = any)")
      ->check(CLI::Range(0, 65535));
  app.add_flag("--tls", o.tls, "Serve HTTPS with a generated self-signed certificate");
  app.add_option("--cert-dir", o.cert_dir,
                 "Where --tls writes its certificate (default: temp dir)");
  app.add_option("--latency-ms", latency_ms, "Latency added to every CML API answer")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--ready-after-seconds", ready_after, "system_information.ready turns true after")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--license-delay-seconds", license_delay, "Licence registration takes this long")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--token-ttl-seconds", token_ttl, "Lifetime of issued tokens")
      ->check(CLI::PositiveNumber);
  app.add_option("--admin-user", o.admin_user, "Admin user name")->capture_default_str();
  app.add_option("--admin-password", o.admin_password, "Admin password");
  app.add_option("--api-base", o.api_base, "API base path (may be empty)")->capture_default_str();
  app.add_option("--threads", o.threads, "IO threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--max-body-bytes", o.max_body_bytes, "Request body limit (413 beyond)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  o.latency = std::chrono::milliseconds(static_cast<int64_t>(latency_ms));
  o.ready_after = std::chrono::milliseconds(static_cast<int64_t>(ready_after * 1000));
  o.license_delay = std::chrono::milliseconds(static_cast<int64_t>(license_delay * 1000));
  o.token_ttl = std::chrono::seconds(static_cast<int64_t>(token_ttl));

  RaiseFileLimit();
  // Block the stop signals in every thread; the main thread waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  ccm::cmlsim::Simulator sim(o);
  if (auto st = sim.Start(); !st) {
    std::cerr << "cml-sim: " << st.error().ToString() << "\n";
    return 1;
  }
  std::printf("%s\n", sim.ReadyLine().c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop_signals, &sig);
  sim.Stop();
  return 0;
}
