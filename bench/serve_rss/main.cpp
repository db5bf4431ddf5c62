// bench_serve_rss: `ccm serve` with 1000 workers in its store: the time from exec to /healthz and
// to /readyz 200 (store, settings, AWS identity through STS), and its idle RSS, then the RSS after
// one walk of the whole list. Against a moto_server started beforehand (not counted), and again in
// sandbox mode (which starts its own moto and cml-sim: counted). Figures only.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "bench/serve_common/serve_bench.hpp"
#include "core/json.hpp"
#include "http/http_client.hpp"
#include "tests/support/moto.hpp"

namespace {

using namespace ccm;

struct Args {
  int workers = 1000;
  int settle_s = 5;
  std::string ccm;
};

// Children of pid, from /proc (the sandbox's helpers).
std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(text.substr(close + 2));
    std::string state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent) out.push_back(std::stoi(name));
  }
  return out;
}

// Every page of the list, as a client walking it would.
void WalkList(const std::string& base, const std::string& token) {
  std::string cursor;
  do {
    http::Request req;
    req.url = base + "/api/v1/workers?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor);
    req.headers = {{"Authorization", "Bearer " + token}};
    auto res = http::Perform(req);
    if (!res || res->status != 200) return;
    auto body = ParseJson(res->body);
    cursor =
        body && (*body)["next_cursor"].is_string() ? (*body)["next_cursor"].get<std::string>() : "";
  } while (!cursor.empty());
}

int Measure(const Args& a, const std::string& label, const std::vector<std::string>& args,
            const std::string& aws_endpoint) {
  const std::string dir = ccm::testing::MakeTempDir("bench-rss");
  auto seeded = bench::SeedStore(dir + "/data", a.workers);
  if (!seeded) return std::cerr << seeded.error().ToString() << "\n", 1;
  bench::CcmProcess ccm;
  auto env = bench::ServeEnvironment(dir, aws_endpoint);
  if (auto err = ccm.Start(bench::CcmPath(a.ccm), dir + "/data", args, env); !err.empty()) {
    return std::cerr << err << "\n", 1;
  }
  const double healthz = ccm.WaitFor("/healthz", 200, std::chrono::seconds(120));
  const double readyz = ccm.WaitFor("/readyz", 200, std::chrono::seconds(120));
  std::this_thread::sleep_for(std::chrono::seconds(a.settle_s));
  const int64_t idle = bench::RssKiB(ccm.pid());
  int64_t helpers = 0;
  for (pid_t child : ChildrenOf(ccm.pid())) helpers += bench::RssKiB(child);
  WalkList(ccm.url(), seeded->token);
  const int64_t walked = bench::RssKiB(ccm.pid());
  std::printf("%s (%d workers):\n", label.c_str(), a.workers);
  std::printf("  start-up: /healthz after %.3f s, /readyz 200 after %.3f s\n", healthz, readyz);
  std::printf("  RSS: %lld KiB idle, %lld KiB after walking the list\n",
              static_cast<long long>(idle), static_cast<long long>(walked));
  if (helpers > 0) {
    std::printf("  sandbox helpers (moto_server, cml-sim): %lld KiB\n",
                static_cast<long long>(helpers));
  }
  if (readyz < 0) std::printf("  (never ready; log %s)\n", ccm.log_path().c_str());
  ccm.Stop();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  CLI::App app{"bench_serve_rss: start-up time and idle RSS of ccm serve with many workers"};
  app.add_option("--workers", a.workers, "Workers in the store")->capture_default_str();
  app.add_option("--settle", a.settle_s, "Seconds idle before measuring")->capture_default_str();
  app.add_option("--ccm", a.ccm, "The ccm executable (default: the build's)");
  CLI11_PARSE(app, argc, argv);
  ccm::testing::MotoServer moto;
  if (std::string err = moto.Start(); !err.empty()) return std::cerr << err << "\n", 1;
  int rc = Measure(a, "ccm serve against moto", {}, moto.endpoint());
  moto.Stop();
  rc |= Measure(a, "ccm serve --sandbox (starts its own moto and cml-sim)", {"--sandbox"},
                "http://127.0.0.1:9");
  return rc;
}
