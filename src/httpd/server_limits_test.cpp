// Streams, limits, TLS, several listeners, graceful shutdown, target parsing.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "httpd/internal/target.hpp"
#include "httpd/internal/test_helpers.hpp"
#include "httpd/self_signed.hpp"

namespace ccm::httpd {
namespace {

using namespace std::chrono_literals;
using testing_helpers::Fixture;
using testing_helpers::Get;
using testing_helpers::RawClient;

TEST(HttpdStream, WritesChunksOverTimeThenCloses) {
  Server* server = nullptr;
  Fixture f([&server](Request, Responder r) {
    auto stream = r.StartStream(200, {{"Content-Type", "text/event-stream"}});
    ASSERT_NE(stream, nullptr);
    stream->Write("data: 1\n\n");
    server->RunAfter(50ms, [stream] { stream->Write("data: 2\n\n"); });
    server->RunAfter(100ms, [stream] {
      stream->Write("data: 3\n\n");
      stream->Close();
    });
  });
  server = &f.server;
  auto res = Get(f.Url("/events"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "data: 1\n\ndata: 2\n\ndata: 3\n\n");
  EXPECT_EQ(res.Header("content-type").value_or(""), "text/event-stream");
}

TEST(HttpdStream, LearnsWhenTheClientGoesAway) {
  std::promise<void> closed;
  std::shared_ptr<Stream> kept;
  std::mutex mu;
  Fixture f([&](Request, Responder r) {
    auto stream = r.StartStream(200, {{"Content-Type", "text/event-stream"}});
    stream->OnClose([&closed] { closed.set_value(); });
    stream->Write(": hello\n\n");
    std::lock_guard<std::mutex> lock(mu);
    kept = stream;
  });
  {
    RawClient c(f.port);
    c.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string got = c.ReadUntil(": hello");
    EXPECT_NE(got.find("Transfer-Encoding: chunked"), std::string::npos);
    EXPECT_NE(got.find(": hello"), std::string::npos);
  }  // the client disconnects here
  auto status = closed.get_future().wait_for(3s);
  EXPECT_EQ(status, std::future_status::ready);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_FALSE(kept->IsOpen());
  EXPECT_FALSE(kept->Write("data: late\n\n"));
}

TEST(HttpdLimits, BodyOverLimitGets413) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  Fixture f([](Request req,
               Responder r) { r.Send(Response::Text(200, std::to_string(req.body.size()))); },
            o);
  http::Request req;
  req.method = "POST";
  req.url = f.Url("/upload");
  req.body = std::string(1024, 'a');
  auto ok = http::Perform(req);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  req.body = std::string(4096, 'a');
  auto big = http::Perform(req);
  ASSERT_TRUE(big) << big.error().ToString();
  EXPECT_EQ(big->status, 413);
}

TEST(HttpdLimits, ExpectContinueWithTooLargeBodyGets413BeforeTheBody) {
  ServerOptions o;
  o.max_body_bytes = 100;
  Fixture f([](Request, Responder r) { r.Send(Response::Empty(204)); }, o);
  RawClient c(f.port);
  c.Send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_NE(c.ReadUntil("413").find("HTTP/1.1 413"), std::string::npos);
}

TEST(HttpdLimits, ExpectContinueIsHonoured) {
  Fixture f([](Request req, Responder r) { r.Send(Response::Text(200, req.body)); });
  RawClient c(f.port);
  c.Send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_NE(c.ReadUntil("100 Continue").find("HTTP/1.1 100 Continue"), std::string::npos);
  c.Send("hello");
  EXPECT_NE(c.ReadUntil("\r\n\r\nhello").find("HTTP/1.1 200"), std::string::npos);
}

TEST(HttpdLimits, HeadersOverLimitGet431) {
  ServerOptions o;
  o.max_header_bytes = 1024;
  Fixture f([](Request, Responder r) { r.Send(Response::Empty(204)); }, o);
  EXPECT_EQ(Get(f.Url("/"), {{"X-Small", "1"}}).status, 204);
  EXPECT_EQ(Get(f.Url("/"), {{"X-Big", std::string(4096, 'b')}}).status, 431);
}

TEST(HttpdLimits, MalformedRequestGets400) {
  Fixture f([](Request, Responder r) { r.Send(Response::Empty(204)); });
  RawClient c(f.port);
  c.Send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n");
  EXPECT_NE(c.ReadUntil("HTTP/1.1 400").find("HTTP/1.1 400"), std::string::npos);
}

TEST(HttpdLimits, ConnectionsBeyondTheMaximumAreRefused) {
  ServerOptions o;
  o.max_connections = 2;
  Fixture f([](Request, Responder r) { r.Send(Response::Text(200, "ok")); }, o);
  RawClient a(f.port), b(f.port);
  a.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  b.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(a.ReadUntil("ok").find("ok"), std::string::npos);
  EXPECT_NE(b.ReadUntil("ok").find("ok"), std::string::npos);
  RawClient third(f.port);
  EXPECT_TRUE(third.WaitClosed(2000ms));
  a.Close();
  // A freed slot is usable again.
  auto until = std::chrono::steady_clock::now() + 2s;
  while (f.server.ConnectionCount() > 1 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(10ms);
  }
  RawClient fourth(f.port);
  fourth.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(fourth.ReadUntil("ok").find("ok"), std::string::npos);
}

TEST(HttpdLimits, SilentConnectionsTimeOut) {
  ServerOptions o;
  o.read_timeout = 200ms;
  o.idle_timeout = 300ms;
  Fixture f([](Request, Responder r) { r.Send(Response::Text(200, "ok")); }, o);
  RawClient silent(f.port);
  EXPECT_TRUE(silent.WaitClosed(2000ms));
  RawClient partial(f.port);
  partial.Send("GET / HTTP/1.1\r\nHo");
  EXPECT_TRUE(partial.WaitClosed(2000ms));
  RawClient idle(f.port);
  idle.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(idle.ReadUntil("ok").find("ok"), std::string::npos);
  EXPECT_TRUE(idle.WaitClosed(2000ms));  // kept alive, then idle too long
}

TEST(HttpdTls, ServesHttpsWithASelfSignedCertificate) {
  auto dir = std::filesystem::temp_directory_path() / ("httpd-tls-" + std::to_string(getpid()));
  auto files = GenerateSelfSignedCert(dir.string(), {"127.0.0.1", "localhost"});
  ASSERT_TRUE(files) << files.error().ToString();
  Server server(ServerOptions{}, [](Request req, Responder r) {
    r.Send(Response::Text(200, "secure " + req.path));
  });
  ListenerOptions lo;
  lo.cert_file = files->cert_file;
  lo.key_file = files->key_file;
  auto id = server.AddListener(lo);
  ASSERT_TRUE(id) << id.error().ToString();
  EXPECT_TRUE(server.IsTls(*id));
  ASSERT_TRUE(server.Start());
  http::Request req;
  req.url = "https://127.0.0.1:" + std::to_string(server.Port(*id)) + "/x";
  req.tls.ca_file = files->cert_file;
  for (int i = 0; i < 3; ++i) {  // several requests (and connections) in a row
    auto res = http::Perform(req);
    ASSERT_TRUE(res) << res.error().ToString();
    EXPECT_EQ(res->body, "secure /x");
  }
  req.tls.ca_file.clear();  // system store: our certificate is unknown there
  auto refused = http::Perform(req);
  EXPECT_FALSE(refused.has_value());
  server.Stop();
  std::filesystem::remove_all(dir);
}

TEST(HttpdTls, MissingKeyIsAClearError) {
  Server server(ServerOptions{}, [](Request, Responder) {});
  ListenerOptions lo;
  lo.cert_file = "/nonexistent/cert.pem";
  auto id = server.AddListener(lo);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().field, "cert_file");
}

TEST(HttpdServer, ListenersHaveTheirOwnHandlersAndIds) {
  Server server(ServerOptions{}, [](Request req, Responder r) {
    r.Send(Response::Text(200, "default " + std::to_string(req.listener_id)));
  });
  auto first = server.AddListener(ListenerOptions{});
  ListenerOptions special;
  special.handler = [](Request req, Responder r) {
    r.Send(Response::Text(200, "special " + std::to_string(req.listener_id)));
  };
  auto second = server.AddListener(special);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(server.Start());
  auto third = server.AddListener(ListenerOptions{});  // added while running
  ASSERT_TRUE(third);
  auto url = [&server](int id) {
    return "http://127.0.0.1:" + std::to_string(server.Port(id)) + "/";
  };
  EXPECT_EQ(Get(url(*first)).body, "default 1");
  EXPECT_EQ(Get(url(*second)).body, "special 2");
  EXPECT_EQ(Get(url(*third)).body, "default 3");
  EXPECT_EQ(server.Port(99), 0);
}

TEST(HttpdServer, GracefulStopFinishesInFlightRequests) {
  // The handler uses the server it runs in for its timer.
  Server* self = nullptr;
  Server s(ServerOptions{}, [&self](Request, Responder r) {
    self->RunAfter(300ms, [r] { r.Send(Response::Text(200, "finished")); });
  });
  self = &s;
  auto id = s.AddListener(ListenerOptions{});
  ASSERT_TRUE(id && s.Start());
  std::string url = "http://127.0.0.1:" + std::to_string(s.Port(*id)) + "/slow";
  auto answer = std::async(std::launch::async, [url] { return Get(url); });
  std::this_thread::sleep_for(100ms);
  RawClient idle(s.Port(*id));  // an idle keep-alive connection is closed at once
  std::this_thread::sleep_for(50ms);
  auto start = std::chrono::steady_clock::now();
  s.Stop(3000ms);
  auto took = std::chrono::steady_clock::now() - start;
  auto res = answer.get();
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "finished");
  EXPECT_LT(took, 2000ms);  // did not wait for the full deadline
  EXPECT_TRUE(idle.WaitClosed(500ms));
  RawClient after(s.Port(*id));
  EXPECT_FALSE(after.connected() && !after.WaitClosed(500ms));
}

TEST(HttpdServer, StopEndsOpenStreams) {
  std::promise<void> closed;
  Server s(ServerOptions{}, [&closed](Request, Responder r) {
    auto stream = r.StartStream(200, {});
    stream->OnClose([&closed] { closed.set_value(); });
    stream->Write("x");
  });
  auto id = s.AddListener(ListenerOptions{});
  ASSERT_TRUE(id && s.Start());
  RawClient c(s.Port(*id));
  c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  c.ReadUntil("\r\n1\r\nx\r\n");
  s.Stop(1000ms);
  EXPECT_EQ(closed.get_future().wait_for(1s), std::future_status::ready);
  EXPECT_NE(c.ReadUntil("0\r\n\r\n").find("0\r\n\r\n"), std::string::npos);
}

TEST(HttpdTarget, SplitsPathAndQuery) {
  Request r;
  internal::ParseTarget("/labs/a%2Fb?show_all=true&title=My+Lab%21&flag&=x#frag", &r);
  EXPECT_EQ(r.path, "/labs/a/b");
  EXPECT_EQ(r.query["show_all"], "true");
  EXPECT_EQ(r.query["title"], "My Lab!");
  EXPECT_EQ(r.query["flag"], "");
  EXPECT_EQ(internal::PercentDecode("%zz%4", false), "%zz%4");
  HeaderMap h;
  h.Add("Content-Type", "a");
  EXPECT_EQ(h.Get("content-TYPE").value_or(""), "a");
  EXPECT_FALSE(h.Has("x"));
}

}  // namespace
}  // namespace ccm::httpd
