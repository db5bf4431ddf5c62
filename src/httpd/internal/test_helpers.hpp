#pragma once
// Helpers for the httpd unit tests only: a raw TCP client (for what curl hides: keep-alive,
// partial requests, refused connections), a GET over http::Perform, and a started server.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "http/http_client.hpp"
#include "httpd/server.hpp"

namespace ccm::httpd::testing_helpers {

using namespace std::chrono_literals;

// A raw TCP client: for what curl hides (keep-alive, partial requests, connection refusals).
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { Close(); }
  bool connected() const { return connected_; }
  void Send(const std::string& data) {
    ASSERT_EQ(write(fd_, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  }
  // Reads until `needle` appears in everything read so far, EOF, or the timeout.
  std::string ReadUntil(const std::string& needle, std::chrono::milliseconds timeout = 3000ms) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (buffer_.find(needle) == std::string::npos && !eof_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[4096];
      ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) {
        eof_ = true;
        break;
      }
      buffer_.append(buf, static_cast<size_t>(n));
    }
    return buffer_;
  }
  // True when the server closed the connection within the timeout.
  bool WaitClosed(std::chrono::milliseconds timeout) {
    ReadUntil("\x01never\x02", timeout);
    return eof_;
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  void Clear() { buffer_.clear(); }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string buffer_;
};

inline http::Response Get(const std::string& url, http::Headers headers = {}) {
  http::Request r;
  r.url = url;
  r.headers = std::move(headers);
  r.timeout = 5000ms;
  auto res = http::Perform(r);
  EXPECT_TRUE(res.has_value()) << (res ? "" : res.error().ToString());
  return res ? *res : http::Response{};
}

struct Fixture {
  explicit Fixture(Handler handler, ServerOptions options = {})
      : server(std::move(options), std::move(handler)) {
    auto id = server.AddListener(ListenerOptions{});
    EXPECT_TRUE(id.has_value());
    port = server.Port(*id);
    EXPECT_TRUE(server.Start().has_value());
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
  Server server;
  int port = 0;
};

}  // namespace ccm::httpd::testing_helpers
