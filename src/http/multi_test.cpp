// MultiExecutor against a tiny in-process HTTP/1.1 server on loopback (keep-alive, per-path
// delays and body sizes), so the executor's concurrency, chaining, per-request errors and
// connection reuse are checked without any external peer.
#include "http/multi.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ccm::http {
namespace {

using std::chrono::milliseconds;

// Paths: /delay/<ms> answers "ok" after ms; /big/<n> answers n bytes; anything else "ok".
class TinyServer {
 public:
  TinyServer() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(listen_fd_, 256);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }
  ~TinyServer() {
    stopping_ = true;
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
    acceptor_.join();
    std::lock_guard lock(mu_);
    for (int fd : fds_) shutdown(fd, SHUT_RDWR);
    for (auto& t : workers_) t.join();
    for (int fd : fds_) close(fd);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int connections() const { return connections_; }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      ++connections_;
      std::lock_guard lock(mu_);
      fds_.push_back(fd);
      workers_.emplace_back([this, fd] { Serve(fd); });
    }
  }
  void Serve(int fd) {
    std::string buffer;
    char chunk[4096];
    while (true) {
      size_t end;
      while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0) return;
        buffer.append(chunk, static_cast<size_t>(n));
      }
      std::string head = buffer.substr(0, end);
      buffer.erase(0, end + 4);
      size_t sp1 = head.find(' ');
      std::string path = head.substr(sp1 + 1, head.find(' ', sp1 + 1) - sp1 - 1);
      std::string body = "ok";
      if (path.rfind("/delay/", 0) == 0) {
        std::this_thread::sleep_for(milliseconds(std::stoi(path.substr(7))));
      } else if (path.rfind("/big/", 0) == 0) {
        body.assign(std::stoul(path.substr(5)), 'x');
      }
      std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\nContent-Type: text/plain\r\n\r\n" + body;
      if (send(fd, answer.data(), answer.size(), MSG_NOSIGNAL) < 0) return;
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<std::thread> workers_;
};

Request Get(const std::string& url) {
  Request r;
  r.url = url;
  r.timeout = milliseconds(10000);
  return r;
}

TEST(MultiExecutorTest, RunsRequestsConcurrentlyOnOneThread) {
  TinyServer server;
  MultiExecutor executor(MultiOptions{.max_concurrent = 20});
  int ok = 0;
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    executor.Add(Get(server.url("/delay/300")), [&](Result<Response> r) {
      ASSERT_TRUE(r) << r.error().ToString();
      EXPECT_EQ(r->status, 200);
      ++ok;
    });
  }
  executor.Run();
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(ok, 20);
  EXPECT_EQ(executor.stats().peak_in_flight, 20u);
  // Serially this takes 6 s; concurrently about one delay.
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST(MultiExecutorTest, ConcurrencyCapIsRespected) {
  TinyServer server;
  MultiExecutor executor(MultiOptions{.max_concurrent = 3});
  int ok = 0;
  for (int i = 0; i < 12; ++i) {
    executor.Add(Get(server.url("/delay/20")), [&](Result<Response> r) { ok += r ? 1 : 0; });
  }
  executor.Run();
  EXPECT_EQ(ok, 12);
  EXPECT_EQ(executor.stats().peak_in_flight, 3u);
  EXPECT_EQ(executor.stats().completed, 12u);
}

TEST(MultiExecutorTest, CompletionsCanChainFollowUpRequests) {
  TinyServer server;
  MultiExecutor executor;
  std::vector<std::string> order;
  executor.Add(Get(server.url("/first")), [&](Result<Response> r) {
    ASSERT_TRUE(r);
    order.push_back("first");
    for (int i = 0; i < 3; ++i) {
      executor.Add(Get(server.url("/second")), [&](Result<Response> r2) {
        ASSERT_TRUE(r2);
        order.push_back("second");
      });
    }
  });
  executor.Run();
  ASSERT_EQ(order.size(), 4u);
  EXPECT_EQ(order[0], "first");
}

TEST(MultiExecutorTest, ReusesConnectionsAcrossSequentialRequests) {
  TinyServer server;
  MultiExecutor executor;
  int remaining = 5;
  std::function<void(Result<Response>)> next = [&](Result<Response> r) {
    ASSERT_TRUE(r);
    if (--remaining > 0) executor.Add(Get(server.url("/again")), next);
  };
  executor.Add(Get(server.url("/again")), next);
  executor.Run();
  executor.Add(Get(server.url("/later")), [](Result<Response> r) { ASSERT_TRUE(r); });
  executor.Run();  // a second Run() keeps the cached connection
  EXPECT_EQ(remaining, 0);
  EXPECT_EQ(server.connections(), 1);
}

TEST(MultiExecutorTest, ErrorsStayWithTheirOwnRequest) {
  TinyServer server;
  int closed_port;
  {
    TinyServer gone;
    closed_port = std::stoi(gone.url("").substr(17));
  }
  MultiExecutor executor;
  Result<Response> refused = Fail(Error{}), big = Fail(Error{}), slow = Fail(Error{});
  Result<Response> fine = Fail(Error{});
  executor.Add(Get("http://127.0.0.1:" + std::to_string(closed_port) + "/x"),
               [&](Result<Response> r) { refused = std::move(r); });
  Request capped = Get(server.url("/big/5000"));
  capped.max_response_bytes = 1000;
  executor.Add(capped, [&](Result<Response> r) { big = std::move(r); });
  Request short_timeout = Get(server.url("/delay/800"));
  short_timeout.timeout = milliseconds(200);
  executor.Add(short_timeout, [&](Result<Response> r) { slow = std::move(r); });
  executor.Add(Get(server.url("/big/900")), [&](Result<Response> r) { fine = std::move(r); });
  executor.Run();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Code::kUnavailable);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, Code::kResourceExhausted);
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().code, Code::kDeadlineExceeded);
  ASSERT_TRUE(fine) << fine.error().ToString();
  EXPECT_EQ(fine->body.size(), 900u);
}

TEST(MultiExecutorTest, PerformAllKeepsOrderAndRunIsIdleSafe) {
  TinyServer server;
  std::vector<Request> requests;
  for (int n : {10, 20, 30}) requests.push_back(Get(server.url("/big/" + std::to_string(n))));
  auto results = PerformAll(std::move(requests), MultiOptions{.max_concurrent = 2});
  ASSERT_EQ(results.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(results[i]);
    EXPECT_EQ(results[i]->body.size(), (i + 1) * 10);
  }
  MultiExecutor idle;
  idle.Run();
  EXPECT_EQ(idle.stats().completed, 0u);
}

}  // namespace
}  // namespace ccm::http
