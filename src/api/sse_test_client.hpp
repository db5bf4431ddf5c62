#pragma once
// A raw HTTP/1.1 client over a loopback socket, for what curl hides: reading an event stream as
// it arrives, a client that stops reading (small receive buffer), the status line of a stream.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace ccm::api::testing {

class RawClient {
 public:
  // `rcvbuf` > 0 shrinks the receive buffer (set before connecting, so the window stays small).
  explicit RawClient(int port, int rcvbuf = 0) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { Close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }

  void Get(const std::string& path, const std::string& token, const std::string& extra = "") {
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
    req += extra + "\r\n";
    Write(req);
  }

  void Write(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = write(fd_, data.data() + sent, data.size() - sent);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

  // Reads until `needle` is in everything read so far, EOF or the timeout; returns all of it.
  const std::string& ReadUntil(const std::string& needle,
                               std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    size_t from = 0;  // only new bytes (and a needle's length before them) are searched again
    while (buffer_.find(needle, from) == std::string::npos && !eof_) {
      from = buffer_.size() > needle.size() ? buffer_.size() - needle.size() : 0;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[65536];
      ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) {
        eof_ = true;
        break;
      }
      buffer_.append(buf, static_cast<size_t>(n));
    }
    return buffer_;
  }

  // Reads until the server closes the connection (or the timeout).
  const std::string& ReadToEnd(std::chrono::milliseconds timeout) {
    return ReadUntil(std::string("\x01\x02never"), timeout);
  }

  int Status() {
    const std::string& head = ReadUntil("\r\n");
    if (head.rfind("HTTP/1.1 ", 0) != 0 || head.size() < 12) return 0;
    return std::stoi(head.substr(9, 3));
  }

  bool eof() const { return eof_; }
  const std::string& buffer() const { return buffer_; }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string buffer_;
};

// The body of a chunked answer read so far (complete chunks only).
inline std::string Dechunk(const std::string& raw) {
  size_t pos = raw.find("\r\n\r\n");
  if (pos == std::string::npos) return "";
  pos += 4;
  std::string out;
  for (;;) {
    size_t eol = raw.find("\r\n", pos);
    if (eol == std::string::npos) break;
    size_t size = std::stoul(raw.substr(pos, eol - pos), nullptr, 16);
    if (size == 0 || eol + 2 + size + 2 > raw.size()) break;
    out += raw.substr(eol + 2, size);
    pos = eol + 2 + size + 2;
  }
  return out;
}

struct SseEvent {
  int64_t id = 0;  // 0 when the event had no id line
  std::string event;
  std::string data;
};

// Complete events ("...\n\n") of an event-stream body; comments and retry lines are skipped.
inline std::vector<SseEvent> ParseSse(const std::string& body) {
  std::vector<SseEvent> out;
  size_t pos = 0;
  for (;;) {
    size_t end = body.find("\n\n", pos);
    if (end == std::string::npos) break;
    std::string block = body.substr(pos, end - pos);
    pos = end + 2;
    SseEvent e;
    bool any = false;
    size_t line_start = 0;
    while (line_start <= block.size()) {
      size_t nl = block.find('\n', line_start);
      std::string line = block.substr(line_start, nl == std::string::npos ? nl : nl - line_start);
      if (line.rfind("id: ", 0) == 0) e.id = std::stoll(line.substr(4));
      if (line.rfind("event: ", 0) == 0) e.event = line.substr(7), any = true;
      if (line.rfind("data: ", 0) == 0) e.data += line.substr(6);
      if (nl == std::string::npos) break;
      line_start = nl + 1;
    }
    if (any) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace ccm::api::testing
