// bench_sse_fanout: N concurrent Server-Sent Events clients (one process, epoll) on
// GET /api/v1/events of `ccm serve`; then one worker change per round (PUT .../idle through the
// API). Prints, per round and overall, the delivery latency from sending the change to each
// client receiving its event (p50/p99/max), and the server's RSS before the clients, with them
// connected, and after the rounds (VmRSS from /proc/PID/status), with the RSS per client.
// Figures only; nothing is asserted.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "bench/serve_common/serve_bench.hpp"
#include "core/json.hpp"
#include "http/http_client.hpp"

namespace {

using namespace ccm;
using SteadyClock = std::chrono::steady_clock;
constexpr char kMarker[] = "event: worker.idle_policy_changed\n";

struct Args {
  int clients = 1000;
  int rounds = 5;
  std::string ccm;
};

struct Client {
  int fd = -1;
  bool head = false;  // the answer's head (HTTP 200) arrived
  std::string buffer;
  int events = 0;  // markers seen
  SteadyClock::time_point last_event;
};

int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  return fd;
}

class Fanout {
 public:
  Fanout(int port, std::string token) : port_(port), token_(std::move(token)) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  }
  ~Fanout() {
    for (auto& c : clients_) ::close(c.fd);
    ::close(epoll_);
  }

  // Opens n streams; returns how many got their 200 head within the timeout.
  int Open(int n, std::chrono::seconds timeout) {
    clients_.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      clients_[i].fd = Connect(port_);
      epoll_event ev{EPOLLOUT | EPOLLIN, {.u64 = static_cast<uint64_t>(i)}};
      ::epoll_ctl(epoll_, EPOLL_CTL_ADD, clients_[i].fd, &ev);
    }
    const auto deadline = SteadyClock::now() + timeout;
    while (Heads() < n && SteadyClock::now() < deadline) Poll(100);
    return Heads();
  }

  // Waits until every open client has seen `events` markers; their arrival delays after t0.
  std::vector<double> Collect(int events, SteadyClock::time_point t0, std::chrono::seconds max) {
    const auto deadline = SteadyClock::now() + max;
    auto done = [&] {
      for (auto& c : clients_) {
        if (c.head && c.events < events) return false;
      }
      return true;
    };
    while (!done() && SteadyClock::now() < deadline) Poll(50);
    std::vector<double> ms;
    for (auto& c : clients_) {
      if (c.head && c.events >= events) {
        ms.push_back(std::chrono::duration<double, std::milli>(c.last_event - t0).count());
      }
    }
    return ms;
  }

  void Poll(int timeout_ms) {
    epoll_event evs[256];
    int n = ::epoll_wait(epoll_, evs, 256, timeout_ms);
    const auto now = SteadyClock::now();
    for (int i = 0; i < n; ++i) {
      Client& c = clients_[evs[i].data.u64];
      if (evs[i].events & EPOLLOUT) Send(c, evs[i].data.u64);
      if (evs[i].events & EPOLLIN) Read(c, now);
    }
  }

 private:
  int Heads() const {
    int n = 0;
    for (const auto& c : clients_) n += c.head;
    return n;
  }

  void Send(Client& c, uint64_t index) {
    const std::string req =
        "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Accept: text/event-stream\r\nAuthorization: Bearer " +
        token_ + "\r\n\r\n";
    ::send(c.fd, req.data(), req.size(), MSG_NOSIGNAL);
    epoll_event ev{EPOLLIN, {.u64 = index}};
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  void Read(Client& c, SteadyClock::time_point now) {
    char buf[16384];
    ssize_t got;
    while ((got = ::recv(c.fd, buf, sizeof buf, 0)) > 0) c.buffer.append(buf, size_t(got));
    if (!c.head) {
      size_t end = c.buffer.find("\r\n\r\n");
      if (end == std::string::npos) return;
      c.head = c.buffer.compare(0, 12, "HTTP/1.1 200") == 0;
      c.buffer.erase(0, end + 4);
    }
    for (size_t at; (at = c.buffer.find(kMarker)) != std::string::npos;) {
      ++c.events;
      c.last_event = now;
      c.buffer.erase(0, at + sizeof kMarker - 1);
    }
    if (c.buffer.size() > 256) c.buffer.erase(0, c.buffer.size() - 64);
  }

  int port_;
  std::string token_;
  int epoll_;
  std::vector<Client> clients_;
};

void Change(const std::string& base, const std::string& token, const std::string& id, bool on) {
  http::Request req;
  req.method = "PUT";
  req.url = base + "/api/v1/workers/" + id + "/idle";
  req.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
  req.body = Json({{"enabled", on}}).dump();
  auto res = http::Perform(req);
  if (!res || res->status != 200) std::cerr << "change failed\n";
}

void PrintLatency(const char* label, const std::vector<double>& ms, int clients) {
  std::printf("  %-8s delivered %4zu/%d  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms\n", label,
              ms.size(), clients, bench::Percentile(ms, 50), bench::Percentile(ms, 99),
              bench::Percentile(ms, 100));
}

int Main(const Args& a) {
  bench::RaiseFileLimit();
  const std::string dir = ccm::testing::MakeTempDir("bench-sse");
  auto seeded = bench::SeedStore(dir + "/data", 1);
  if (!seeded) return std::cerr << seeded.error().ToString() << "\n", 1;
  bench::CcmProcess ccm;
  auto env = bench::ServeEnvironment(dir, "http://127.0.0.1:9");
  if (auto err = ccm.Start(bench::CcmPath(a.ccm), dir + "/data", {}, env); !err.empty()) {
    return std::cerr << err << "\n", 1;
  }
  if (ccm.WaitFor("/healthz", 200, std::chrono::seconds(30)) < 0) {
    return std::cerr << "ccm did not start; log " << ccm.log_path() << "\n", 1;
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const int64_t rss_before = bench::RssKiB(ccm.pid());
  Fanout fanout(ccm.port(), seeded->token);
  const int open = fanout.Open(a.clients, std::chrono::seconds(60));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const int64_t rss_open = bench::RssKiB(ccm.pid());
  std::printf("bench_sse_fanout: %d/%d event streams open\n", open, a.clients);
  std::vector<double> all;
  for (int round = 1; round <= a.rounds; ++round) {
    const auto t0 = SteadyClock::now();
    std::thread change(Change, ccm.url(), seeded->token, seeded->worker_ids[0], round % 2 == 0);
    auto ms = fanout.Collect(round, t0, std::chrono::seconds(30));
    change.join();
    PrintLatency(("round " + std::to_string(round)).c_str(), ms, open);
    all.insert(all.end(), ms.begin(), ms.end());
  }
  PrintLatency("all", all, open * a.rounds);
  const int64_t rss_after = bench::RssKiB(ccm.pid());
  std::printf("  server RSS: %lld KiB before, %lld KiB with %d clients, %lld KiB after %d rounds\n",
              static_cast<long long>(rss_before), static_cast<long long>(rss_open), open,
              static_cast<long long>(rss_after), a.rounds);
  std::printf("  RSS per client: %.1f KiB (target < 20 KiB); p99 target < 100 ms\n",
              open > 0 ? double(rss_open - rss_before) / open : 0.0);
  ccm.Stop();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  CLI::App app{"bench_sse_fanout: event delivery to many SSE clients of ccm serve"};
  app.add_option("--clients", a.clients, "Concurrent event streams")->capture_default_str();
  app.add_option("--rounds", a.rounds, "Worker changes, one per round")->capture_default_str();
  app.add_option("--ccm", a.ccm, "The ccm executable (default: the build's)");
  CLI11_PARSE(app, argc, argv);
  return Main(a);
}
