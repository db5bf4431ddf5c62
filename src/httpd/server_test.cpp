#include "httpd/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "http/http_client.hpp"
#include "httpd/internal/test_helpers.hpp"

namespace ccm::httpd {
namespace {

using namespace std::chrono_literals;
using testing_helpers::Fixture;
using testing_helpers::Get;
using testing_helpers::RawClient;

TEST(HttpdServer, AnswersWithParsedRequest) {
  Fixture f([](Request req, Responder r) {
    std::string text = req.method + " " + req.path + " q=" + req.Query("q").value_or("-") +
                       " h=" + req.Header("x-demo").value_or("-") + " body=" + req.body +
                       " from=" + req.remote_address;
    r.Send(Response::Text(201, text));
  });
  http::Request req;
  req.method = "POST";
  req.url = f.Url("/a%20b/c?q=x+y%26z&other=1");
  req.headers = {{"X-Demo", "yes"}};
  req.body = "hello";
  auto res = http::Perform(req);
  ASSERT_TRUE(res) << res.error().ToString();
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, "POST /a b/c q=x y&z h=yes body=hello from=127.0.0.1");
  EXPECT_EQ(res->Header("content-type").value_or(""), "text/plain");
}

TEST(HttpdServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  std::atomic<int> calls{0};
  Fixture f([&calls](Request req, Responder r) {
    calls++;
    r.Send(Response::Text(200, "path=" + req.path));
  });
  RawClient c(f.port);
  ASSERT_TRUE(c.connected());
  c.Send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(c.ReadUntil("path=/one").find("path=/one"), std::string::npos);
  c.Send("GET /two HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(c.ReadUntil("path=/two").find("path=/two"), std::string::npos);
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(f.server.ConnectionCount(), 1u);
  c.Send("GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(c.WaitClosed(2000ms));
}

TEST(HttpdServer, HeadAnswersTheLengthWithoutTheBody) {
  Fixture f([](Request req, Responder r) { r.Send(Response::Text(200, "hello " + req.method)); });
  RawClient c(f.port);
  c.Send("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string head = c.ReadUntil("\r\n\r\n");
  EXPECT_NE(head.find("Content-Length: 10"), std::string::npos) << head;
  c.Clear();
  c.Send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string next = c.ReadUntil("hello GET");
  EXPECT_EQ(next.rfind("HTTP/1.1 200", 0), 0u) << next;  // no stray body bytes before it
}

TEST(HttpdServer, DeferredAnswerFromAnotherThread) {
  std::vector<std::thread> workers;
  std::mutex mu;
  Fixture f([&](Request, Responder r) {
    std::lock_guard<std::mutex> lock(mu);
    workers.emplace_back([r] {
      std::this_thread::sleep_for(100ms);
      r.Send(Response::Text(200, "later"));
    });
  });
  auto res = Get(f.Url("/x"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "later");
  std::lock_guard<std::mutex> lock(mu);
  for (auto& t : workers) t.join();
}

TEST(HttpdServer, TimersDelayAnswersWithoutHoldingThreads) {
  ServerOptions options;
  options.io_threads = 1;
  Server* server_ptr = nullptr;
  Fixture f(
      [&server_ptr](Request, Responder r) {
        server_ptr->RunAfter(300ms, [r] { r.Send(Response::Text(200, "timer")); });
      },
      options);
  server_ptr = &f.server;
  auto start = std::chrono::steady_clock::now();
  std::vector<std::future<http::Response>> answers;
  for (int i = 0; i < 20; ++i) {
    answers.push_back(std::async(std::launch::async, [&f] { return Get(f.Url("/t")); }));
  }
  for (auto& a : answers) EXPECT_EQ(a.get().body, "timer");
  // 20 answers of 300 ms each on one io thread: concurrent, not serialised (would be 6 s).
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2000ms);
}

TEST(HttpdServer, TimerCanBeCancelled) {
  Fixture f([](Request, Responder r) { r.Send(Response::Empty(204)); });
  std::atomic<int> fired{0};
  Timer t = f.server.RunAfter(200ms, [&fired] { fired++; });
  f.server.RunAfter(50ms, [&fired] { fired += 10; });
  t.Cancel();
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(fired.load(), 10);
}

TEST(HttpdServer, DroppedResponderAnswers500) {
  Fixture f([](Request, Responder) {});
  EXPECT_EQ(Get(f.Url("/")).status, 500);
}

TEST(HttpdServer, ThrowingHandlerAnswers500) {
  Fixture f([](Request, Responder) -> void { throw std::runtime_error("boom"); });
  EXPECT_EQ(Get(f.Url("/")).status, 500);
}

}  // namespace
}  // namespace ccm::httpd
