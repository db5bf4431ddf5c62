// bench_store: the SQLite store under the loads the control plane puts on it: creating N
// workers, point reads, M updates (read, change telemetry, write with its event), listing a
// full page of 1000, SSE catch-up reads of the event log and audit pages. Prints throughput and
// latency percentiles; asserts nothing.
#include <time.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <vector>

#include "core/ids.hpp"
#include "store/store.hpp"
#include "tests/support/process.hpp"

namespace {

using namespace ccm;
using Clock = std::chrono::steady_clock;

struct Figures {
  std::vector<double> micros;
  double seconds = 0;
  double cpu_seconds = 0;  // this process's CPU time: the machine may be busy with others
};

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Runs op n times, timing each call.
Figures Time(int n, const std::function<void(int)>& op) {
  Figures f;
  f.micros.reserve(n);
  auto start = Clock::now();
  double cpu_start = CpuSeconds();
  for (int i = 0; i < n; ++i) {
    auto t = Clock::now();
    op(i);
    f.micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count());
  }
  f.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  f.cpu_seconds = CpuSeconds() - cpu_start;
  std::sort(f.micros.begin(), f.micros.end());
  return f;
}

void Print(const char* what, const Figures& f) {
  auto pct = [&](double p) { return f.micros[static_cast<size_t>(p * (f.micros.size() - 1))]; };
  std::printf("%-36s %6zu ops %8.0f ops/s  p50 %8.1f us  p99 %8.1f us  cpu %8.1f us/op\n", what,
              f.micros.size(), f.micros.size() / f.seconds, pct(0.5), pct(0.99),
              f.cpu_seconds * 1e6 / f.micros.size());
}

domain::Worker NewWorker(int i) {
  domain::NewWorker n;
  n.id = NewUuid();
  n.name = "w" + std::to_string(i);
  n.region = i % 2 ? "us-east-1" : "us-west-2";
  n.instance_type = "c5.2xlarge";
  n.owner = "user" + std::to_string(i % 50);
  n.client_token = "ct-" + n.id;
  n.tags = {{"Name", n.name}, {"ManagedBy", "cml-cloud-manager"}};
  auto at = std::chrono::system_clock::now();
  return *domain::Worker::Create(n, {"bench", at, ""});
}

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "%s: %s\n", what, r.error().ToString().c_str());
    std::exit(1);
  }
  return std::move(*r);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"SQLite store benchmark"};
  int workers = 1000;
  int updates = 10000;
  std::string url;
  app.add_option("--workers", workers, "workers to create")->check(CLI::Range(1, 100000));
  app.add_option("--updates", updates, "worker updates")->check(CLI::Range(1, 1000000));
  app.add_option("--url", url, "database URL (default: a new file in a temp dir)");
  CLI11_PARSE(app, argc, argv);
  std::string path;
  if (url.empty()) {
    path = testing::MakeTempDir("bench-store") + "/ccm.db";
    url = "sqlite:" + path;
  }
  auto store = Must(store::OpenStore(url), "open");
  std::printf("store: %s, %d workers, %d updates\n", store->Describe().c_str(), workers, updates);

  std::vector<std::string> ids;
  Print("create worker (+ created event)", Time(workers, [&](int i) {
          ids.push_back(Must(store->CreateWorker(NewWorker(i)), "create").worker.id());
        }));
  Print("get worker by id",
        Time(workers, [&](int i) { Must(store->GetWorker(ids[(i * 7919) % ids.size()]), "get"); }));
  Print("update (get, telemetry, write+event)", Time(updates, [&](int i) {
          auto w = Must(store->GetWorker(ids[(i * 7919) % ids.size()]), "get");
          domain::Telemetry t = w.record().telemetry;
          t.cpu_utilization = (i % 997) / 10.0;  // a new reading every time
          t.running_nodes = i % 40;
          w.UpdateTelemetry(t, {"bench", std::chrono::system_clock::now(), ""});
          Must(store->UpdateWorker(w), "update");
        }));
  Print("list 1000 workers (one page)", Time(50, [&](int) {
          Must(store->ListWorkers({}, {store::kMaxPageSize, ""}), "list");
        }));
  Print("list one user's workers", Time(200, [&](int i) {
          store::WorkerFilter f;
          f.user = "user" + std::to_string(i % 50);
          Must(store->ListWorkers(f, {100, ""}), "list user");
        }));
  int64_t latest = Must(store->LatestEventId(), "latest");
  Print("read 1000 events after an id (SSE)", Time(100, [&](int i) {
          int64_t after = (i * 104729) % std::max<int64_t>(1, latest);
          Must(store->ReadEventsAfter(after, {}, 1000), "read");
        }));
  Print("audit page of 100 for one worker", Time(200, [&](int i) {
          store::AuditQuery q;
          q.worker_id = ids[i % ids.size()];
          Must(store->Audit(q), "audit");
        }));
  Must(Result<bool>(store->Flush().map([] { return true; })), "flush");
  if (!path.empty()) {
    std::printf("events: %lld, database file: %.1f MiB\n", static_cast<long long>(latest),
                std::filesystem::file_size(path) / 1048576.0);
  }
  return 0;
}
