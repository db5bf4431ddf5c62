// bench_api_list: wrk on GET /api/v1/workers (1000 workers in the store, the admin API token in
// the header) against `ccm serve`, then against nginx serving the very same response bytes from
// a file, with the same wrk threads, connections and duration, in one run. Prints both req/s,
// their ratio and the p99 latencies. Figures only; nothing is asserted.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include "bench/serve_common/serve_bench.hpp"
#include "http/http_client.hpp"

namespace {

using namespace ccm;

struct Args {
  int workers = 1000;
  int limit = 1000;
  int threads = 2;
  int connections = 64;
  int duration_s = 10;
  std::string ccm;
};

struct WrkResult {
  double rps = 0;
  std::string p99;
  std::string output;
};

std::string Run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  ::pclose(pipe);
  return out;
}

WrkResult Wrk(const Args& a, const std::string& url, const std::string& token) {
  std::string cmd = "wrk --latency -t" + std::to_string(a.threads) + " -c" +
                    std::to_string(a.connections) + " -d" + std::to_string(a.duration_s) + "s" +
                    " -H 'Authorization: Bearer " + token + "' '" + url + "' 2>&1";
  WrkResult r;
  r.output = Run(cmd);
  std::smatch m;
  if (std::regex_search(r.output, m, std::regex(R"(Requests/sec:\s+([0-9.]+))"))) {
    r.rps = std::stod(m[1]);
  }
  if (std::regex_search(r.output, m, std::regex(R"(\n\s+99%\s+(\S+))"))) r.p99 = m[1];
  return r;
}

// nginx in the foreground with its own config, serving `body_file` for every request.
std::string StartNginx(const std::string& dir, int port, const Args& a,
                       ccm::testing::ChildProcess* out) {
  std::ofstream conf(dir + "/nginx.conf");
  conf << (::geteuid() == 0 ? "user root root;\n" : "") << "worker_processes " << a.threads
       << ";\ndaemon off;\npid " << dir << "/nginx.pid;\nerror_log " << dir
       << "/nginx-error.log warn;\nevents { worker_connections 4096; }\n"
       << "http {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n"
       << "  server {\n    listen 127.0.0.1:" << port << ";\n    root " << dir << ";\n"
       << "    location / {\n      default_type application/json;\n"
       << "      try_files /workers.json =404;\n    }\n  }\n}\n";
  conf.close();
  *out = ccm::testing::ChildProcess({"nginx", "-p", dir, "-c", dir + "/nginx.conf"}, {},
                                    dir + "/nginx.out");
  if (!ccm::testing::WaitForHttp("http://127.0.0.1:" + std::to_string(port) + "/",
                                 std::chrono::seconds(10))) {
    return "nginx did not start: " + ccm::testing::ReadFile(dir + "/nginx-error.log");
  }
  return "";
}

// The list answer, asking for `limit` items (falls back to the API's maximum when refused).
std::string FetchList(const std::string& base, const std::string& token, int* limit) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    http::Request req;
    req.url = base + "/api/v1/workers?limit=" + std::to_string(*limit);
    req.headers = {{"Authorization", "Bearer " + token}};
    auto res = http::Perform(req);
    if (res && res->status == 200) return res->body;
    std::cout << "limit=" << *limit << " answered "
              << (res ? std::to_string(res->status) + " " + res->body.substr(0, 200)
                      : res.error().ToString())
              << "\n";
    *limit = 500;
  }
  return "";
}

int Main(const Args& a) {
  bench::RaiseFileLimit();
  if (ccm::testing::FindProgram("wrk").empty() || ccm::testing::FindProgram("nginx").empty()) {
    std::cerr << "wrk and nginx are needed (scripts/setup --test)\n";
    return 1;
  }
  const std::string dir = ccm::testing::MakeTempDir("bench-api-list");
  auto seeded = bench::SeedStore(dir + "/data", a.workers);
  if (!seeded) return std::cerr << seeded.error().ToString() << "\n", 1;
  bench::CcmProcess ccm;
  auto env = bench::ServeEnvironment(dir, "http://127.0.0.1:9");
  if (auto err = ccm.Start(bench::CcmPath(a.ccm), dir + "/data", {}, env); !err.empty()) {
    return std::cerr << err << "\n", 1;
  }
  if (ccm.WaitFor("/healthz", 200, std::chrono::seconds(30)) < 0) {
    return std::cerr << "ccm did not start; log " << ccm.log_path() << "\n", 1;
  }
  int limit = a.limit;
  const std::string body = FetchList(ccm.url(), seeded->token, &limit);
  if (body.empty()) return 1;
  std::ofstream(dir + "/workers.json", std::ios::binary) << body;
  const std::string path = "/api/v1/workers?limit=" + std::to_string(limit);
  WrkResult c = Wrk(a, ccm.url() + path, seeded->token);
  const int nginx_port = ccm::testing::FreePort();
  ccm::testing::ChildProcess nginx;
  if (auto err = StartNginx(dir, nginx_port, a, &nginx); !err.empty()) {
    return std::cerr << err << "\n", 1;
  }
  WrkResult n = Wrk(a, "http://127.0.0.1:" + std::to_string(nginx_port) + path, seeded->token);
  nginx.Stop();
  ccm.Stop();
  std::printf("bench_api_list: GET %s  (%d workers in the store, %zu-byte answer)\n", path.c_str(),
              a.workers, body.size());
  std::printf("wrk: %d threads, %d connections, %d s each\n", a.threads, a.connections,
              a.duration_s);
  std::printf("  ccm serve : %10.1f req/s   p99 %s\n", c.rps, c.p99.c_str());
  std::printf("  nginx file: %10.1f req/s   p99 %s\n", n.rps, n.p99.c_str());
  std::printf("  ratio ccm/nginx: %.3f (target >= 0.5)\n", n.rps > 0 ? c.rps / n.rps : 0.0);
  if (c.rps == 0 || n.rps == 0) std::cout << c.output << "\n" << n.output << "\n";
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  CLI::App app{"bench_api_list: ccm serve's worker list vs nginx serving the same bytes"};
  app.add_option("--workers", a.workers, "Workers in the store")->capture_default_str();
  app.add_option("--limit", a.limit, "Page size asked for")->capture_default_str();
  app.add_option("--threads", a.threads, "wrk threads (and nginx workers)")->capture_default_str();
  app.add_option("--connections", a.connections, "wrk connections")->capture_default_str();
  app.add_option("--duration", a.duration_s, "Seconds per wrk run")->capture_default_str();
  app.add_option("--ccm", a.ccm, "The ccm executable (default: the build's)");
  CLI11_PARSE(app, argc, argv);
  return Main(a);
}
