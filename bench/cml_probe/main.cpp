// bench_cml_probe: one CML probe round (system information, login when needed, health, stats,
// labs with each lab's detail, licensing) over many simulated controllers that each answer with
// a fixed latency, driven by CmlClient::Probe on one thread. Prints wall time, CPU time, calls
// and logins (from the simulator's own counters) for a cold round and a warm round, next to the
// same round against a single controller. Figures only; nothing is asserted.
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "cml/cml_client.hpp"
#include "tests/support/cml_sim.hpp"

namespace {

using ccm::cml::CmlClient;
using ccm::cml::CmlTarget;
using ccm::cml::WorkerSnapshot;

struct Args {
  int controllers = 500;
  int latency_ms = 50;
  size_t concurrency = 1000;
  int timeout_s = 30;
};

struct Round {
  double wall_ms = 0, cpu_ms = 0, sim_cpu_ms = 0, slowest_worker_ms = 0, runqueue_ms = 0;
  int64_t calls = 0, logins = 0;
  size_t connections = 0;
  int errors = 0, ready = 0;
};

double CpuMs() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
         (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

// CPU time the simulator process has used (utime + stime from /proc/PID/stat).
double ProcessCpuMs(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/stat";
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return 0;
  char buffer[2048] = {};
  size_t n = std::fread(buffer, 1, sizeof buffer - 1, f);
  std::fclose(f);
  std::string stat(buffer, n);
  size_t close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close_paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Time this thread spent runnable but waiting for a CPU (/proc/thread-self/schedstat, field 2):
// how much of the wall time a busy machine, not the probe, cost.
double RunQueueWaitMs() {
  FILE* f = std::fopen("/proc/thread-self/schedstat", "r");
  if (!f) return 0;
  unsigned long long run_ns = 0, wait_ns = 0;
  int n = std::fscanf(f, "%llu %llu", &run_ns, &wait_ns);
  std::fclose(f);
  return n == 2 ? static_cast<double>(wait_ns) / 1e6 : 0;
}

// Raises the soft open-files limit to the hard limit (the simulator inherits it).
rlim_t RaiseFileLimit() {
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = r.rlim_max;
  setrlimit(RLIMIT_NOFILE, &r);
  getrlimit(RLIMIT_NOFILE, &r);
  return r.rlim_cur;
}

Round Measure(CmlClient& client, const std::vector<CmlTarget>& targets,
              const ccm::testing::CmlSim& sim) {
  int64_t calls_before = sim.GlobalNumber("calls_total");
  int64_t logins_before = sim.GlobalNumber("logins");
  size_t connections_before = client.probe_stats().connections_opened;
  double cpu_before = CpuMs();
  double wait_before = RunQueueWaitMs();
  double sim_cpu_before = ProcessCpuMs(sim.pid());
  auto start = std::chrono::steady_clock::now();
  std::vector<WorkerSnapshot> snapshots = client.Probe(targets, ccm::cml::ProbeOptions{});
  Round r;
  r.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  r.cpu_ms = CpuMs() - cpu_before;
  r.runqueue_ms = RunQueueWaitMs() - wait_before;
  r.sim_cpu_ms = ProcessCpuMs(sim.pid()) - sim_cpu_before;
  r.calls = sim.GlobalNumber("calls_total") - calls_before;
  r.logins = sim.GlobalNumber("logins") - logins_before;
  r.connections = client.probe_stats().connections_opened - connections_before;
  for (const WorkerSnapshot& s : snapshots) {
    r.errors += s.ok() ? 0 : 1;
    r.ready += s.system.ready() && s.labs ? 1 : 0;
    r.slowest_worker_ms = std::max(r.slowest_worker_ms, s.elapsed_seconds * 1e3);
    if (!s.ok() && r.errors <= 3) std::cerr << "  error: " << s.error()->message << "\n";
  }
  return r;
}

void Print(const char* name, const Round& r, const Round* single, size_t workers) {
  std::printf("%-26s wall %8.1f ms", name, r.wall_ms);
  if (single) std::printf(" (%.2fx single)", r.wall_ms / single->wall_ms);
  double own = r.wall_ms - r.runqueue_ms;
  std::printf(", %.1f ms not counting cpu waits", own);
  if (single) std::printf(" (%.2fx)", own / (single->wall_ms - single->runqueue_ms));
  std::printf(
      "  cpu %7.1f ms (%.3f ms/worker; waiting for a cpu %.1f ms; simulator cpu %.1f ms)"
      "  calls %6lld  logins %4lld  new connections %zu  complete %zu/%zu  errors %d"
      "  slowest worker %.1f ms\n",
      r.cpu_ms, r.cpu_ms / static_cast<double>(workers), r.runqueue_ms, r.sim_cpu_ms,
      static_cast<long long>(r.calls), static_cast<long long>(r.logins), r.connections,
      static_cast<size_t>(r.ready), workers, r.errors, r.slowest_worker_ms);
}

std::vector<CmlTarget> Targets(const ccm::testing::CmlSim& sim, int count) {
  std::vector<CmlTarget> targets;
  for (int i = 0; i < count; ++i) {
    CmlTarget t;
    t.worker_id = sim.controllers()[i].id;
    t.endpoint = sim.controllers()[i].url;
    t.username = t.password = "admin";
    targets.push_back(std::move(t));
  }
  return targets;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  CLI::App app{"bench_cml_probe: one CML probe round over many simulated controllers"};
  app.add_option("--controllers", args.controllers, "Simulated controllers")
      ->check(CLI::PositiveNumber);
  app.add_option("--latency-ms", args.latency_ms, "Latency of every controller answer");
  app.add_option("--concurrency", args.concurrency, "Transfers in flight at once (probe cap)")
      ->check(CLI::PositiveNumber);
  app.add_option("--timeout", args.timeout_s, "Seconds per call");
  CLI11_PARSE(app, argc, argv);

  setenv("CCM_BUILD_DIR", CCM_DEFAULT_BUILD_DIR, 0);
  rlim_t files = RaiseFileLimit();
  ccm::testing::CmlSim sim;
  ccm::testing::CmlSimOptions sim_options;
  sim_options.controllers = args.controllers;
  sim_options.latency_ms = args.latency_ms;
  std::string error = sim.Start(sim_options);
  if (!error.empty()) {
    std::cerr << "bench_cml_probe: " << error << "\n";
    return 1;
  }
  std::printf(
      "bench_cml_probe: %d controllers (cml-sim), %d ms latency per answer, concurrency "
      "cap %zu, open-files limit %llu\n",
      args.controllers, args.latency_ms, args.concurrency, static_cast<unsigned long long>(files));
  ccm::cml::CmlClientOptions options;
  options.max_concurrency = args.concurrency;
  options.timeout = std::chrono::seconds(args.timeout_s);
  std::vector<CmlTarget> all = Targets(sim, args.controllers);

  CmlClient single_client(options);
  std::vector<CmlTarget> one(all.begin(), all.begin() + 1);
  Round single_cold = Measure(single_client, one, sim);
  Round single_warm = Measure(single_client, one, sim);
  Print("single controller, cold:", single_cold, nullptr, 1);
  Print("single controller, warm:", single_warm, nullptr, 1);

  CmlClient client(options);
  Round cold = Measure(client, all, sim);
  Round warm = Measure(client, all, sim);
  Print("all controllers, round 1:", cold, &single_cold, all.size());
  Print("all controllers, round 2:", warm, &single_warm, all.size());
  std::printf(
      "target: wall within 3x of the slowest single controller's round (round 1: %.2fx, "
      "round 2: %.2fx); one login per controller per token lifetime (round 1: %lld "
      "logins for %zu controllers, round 2: %lld)\n",
      cold.wall_ms / single_cold.wall_ms, warm.wall_ms / single_warm.wall_ms,
      static_cast<long long>(cold.logins), all.size(), static_cast<long long>(warm.logins));
  return 0;
}
