// A minimal Server-Sent Events client over a blocking loopback socket (see e2e.hpp).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "tests/e2e/e2e.hpp"

namespace ccm::e2e {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::chrono::milliseconds Left(SteadyClock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return left.count() < 0 ? std::chrono::milliseconds(0) : left;
}

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// One event from the lines of an SSE block ("id: 1\nevent: x\ndata: ..."); false for comments.
bool ParseBlock(const std::string& block, SseEvent* out) {
  SseEvent e;
  bool any = false;
  size_t start = 0;
  while (start < block.size()) {
    size_t end = block.find('\n', start);
    if (end == std::string::npos) end = block.size();
    std::string line = block.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == ':') continue;
    size_t colon = line.find(':');
    std::string field = line.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    // Other fields (retry:) only tune the client: a block of them alone is no event.
    if (field == "id") e.id = value;
    if (field == "event") e.type = value;
    if (field == "data") e.data += (e.data.empty() ? "" : "\n") + value;
    any = any || field == "id" || field == "event" || field == "data";
  }
  if (!any) return false;
  if (e.type.empty()) e.type = "message";
  *out = std::move(e);
  return true;
}

}  // namespace

std::string SseClient::Open(int port, const std::string& path, const std::string& token,
                            const std::string& last_event_id) {
  Close();
  ended_ = false;
  raw_.clear();
  text_.clear();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return "connect failed: " + std::string(strerror(errno));
  }
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + token + "\r\n";
  if (!last_event_id.empty()) req += "Last-Event-ID: " + last_event_id + "\r\n";
  if (!SendAll(fd_, req + "\r\n")) return "send failed";
  const auto deadline = SteadyClock::now() + std::chrono::seconds(10);
  size_t head_end = std::string::npos;
  while ((head_end = raw_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(Left(deadline))) return "no answer head";
  }
  std::string head = raw_.substr(0, head_end);
  raw_.erase(0, head_end + 4);
  if (head.size() > 12) status_ = std::atoi(head.substr(9, 3).c_str());
  if (status_ != 200) return "HTTP " + std::to_string(status_) + ": " + head;
  DecodeChunks();
  return "";
}

bool SseClient::Fill(std::chrono::milliseconds timeout) {
  if (fd_ < 0) return false;
  pollfd pfd{fd_, POLLIN, 0};
  int ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
  if (ready <= 0) return false;
  char buf[8192];
  ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    ended_ = true;
    return false;
  }
  raw_.append(buf, static_cast<size_t>(n));
  return true;
}

bool SseClient::DecodeChunks() {
  while (true) {
    size_t line_end = raw_.find("\r\n");
    if (line_end == std::string::npos) return true;
    size_t size = std::stoul(raw_.substr(0, line_end), nullptr, 16);
    if (size == 0) {
      ended_ = true;
      return false;
    }
    if (raw_.size() < line_end + 2 + size + 2) return true;
    text_.append(raw_, line_end + 2, size);
    raw_.erase(0, line_end + 2 + size + 2);
  }
}

std::optional<SseEvent> SseClient::Next(std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  while (true) {
    size_t end;
    while ((end = text_.find("\n\n")) != std::string::npos) {
      std::string block = text_.substr(0, end);
      text_.erase(0, end + 2);
      SseEvent e;
      if (ParseBlock(block, &e)) return e;
    }
    if (ended_ || Left(deadline).count() == 0) return std::nullopt;
    if (Fill(Left(deadline))) DecodeChunks();
  }
}

void SseClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace ccm::e2e
