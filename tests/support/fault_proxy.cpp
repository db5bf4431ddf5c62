#include "tests/support/fault_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace ccm::testing {
namespace {

constexpr int kIoTimeoutMs = 10000;

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Reads more bytes into buf; false on EOF, error or timeout.
bool ReadSome(int fd, std::string& buf) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, kIoTimeoutMs) <= 0) return false;
  char chunk[16384];
  ssize_t n = recv(fd, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buf.append(chunk, static_cast<size_t>(n));
  return true;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Reads one request; nullopt when the client closed or sent garbage.
std::optional<ProxiedRequest> ReadRequest(int fd) {
  std::string buf;
  size_t header_end;
  while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
    if (!ReadSome(fd, buf) || buf.size() > (1u << 20)) return std::nullopt;
  }
  ProxiedRequest req;
  std::istringstream in(buf.substr(0, header_end));
  std::string line;
  std::getline(in, line);
  std::istringstream first(line);
  first >> req.method >> req.target;
  while (std::getline(in, line)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    req.headers[Lower(Trim(line.substr(0, colon)))] = Trim(line.substr(colon + 1));
  }
  size_t length = 0;
  if (auto it = req.headers.find("content-length"); it != req.headers.end()) {
    length = std::stoul(it->second);
  }
  req.body = buf.substr(header_end + 4);
  while (req.body.size() < length) {
    if (!ReadSome(fd, req.body)) return std::nullopt;
  }
  return req;
}

std::string Serialize(const ProxiedRequest& req) {
  std::string out = req.method + " " + req.target + " HTTP/1.1\r\n";
  for (const auto& [k, v] : req.headers) {
    if (k == "connection" || k == "expect") continue;
    out += k + ": " + v + "\r\n";
  }
  return out + "connection: close\r\n\r\n" + req.body;
}

std::string Reply(int status, const std::string& reason, const std::string& type,
                  const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
         body;
}

std::string AwsError(const std::string& code, const std::string& message) {
  return "<Response><Errors><Error><Code>" + code + "</Code><Message>" + message +
         "</Message></Error></Errors><RequestID>fault-proxy</RequestID></Response>";
}

}  // namespace

std::string ProxiedRequest::Action() const {
  size_t pos = body.starts_with("Action=") ? 0 : body.find("&Action=");
  if (pos == std::string::npos) return "";
  size_t start = body.find('=', pos) + 1;
  return body.substr(start, body.find('&', start) - start);
}

std::string FaultProxy::Start() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 128) != 0) {
    return "fault proxy: cannot listen on 127.0.0.1";
  }
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
  return "";
}

void FaultProxy::Stop() {
  if (stopping_.exchange(true)) return;
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mu_);
    workers.swap(workers_);
  }
  for (auto& w : workers) w.join();
}

void FaultProxy::AcceptLoop() {
  while (!stopping_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    int client = accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    std::lock_guard lock(mu_);
    workers_.emplace_back([this, client] {
      Serve(client);
      close(client);
    });
  }
}

Fault FaultProxy::NextFault() {
  std::lock_guard lock(mu_);
  if (next_ < sequence_.size()) return sequence_[next_++];
  if (rate_ > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < rate_) return rate_fault_;
  return Fault::kNone;
}

std::optional<std::string> FaultProxy::Forward(const std::string& raw) {
  if (upstream_port_ == 0) return std::nullopt;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
  std::optional<std::string> answer;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && SendAll(fd, raw)) {
    std::string buf;
    while (ReadSome(fd, buf)) {
    }
    if (!buf.empty()) answer = std::move(buf);
  }
  close(fd);
  forwarded_++;
  return answer;
}

void FaultProxy::Serve(int client) {
  auto req = ReadRequest(client);
  if (!req) return;
  requests_++;
  Fault fault = NextFault();
  Responder responder;
  {
    std::lock_guard lock(mu_);
    seen_.push_back(*req);
    fault_counts_[fault]++;
    responder = responder_;
  }
  switch (fault) {
    case Fault::kDrop:
      return;
    case Fault::kThrottle503:
      SendAll(client, Reply(503, "Service Unavailable", "text/xml",
                            AwsError("RequestLimitExceeded", "Request limit exceeded.")));
      return;
    case Fault::kError500:
      SendAll(client, Reply(500, "Internal Server Error", "text/xml",
                            AwsError("InternalError", "An internal error has occurred.")));
      return;
    case Fault::kForwardThenDrop:
      Forward(Serialize(*req));
      return;
    case Fault::kNone:
      break;
  }
  if (responder) {
    if (auto local = responder(*req)) {
      SendAll(client, Reply(local->status, "Local", local->content_type, local->body));
      return;
    }
  }
  auto answer = Forward(Serialize(*req));
  SendAll(client, answer ? *answer : Reply(502, "Bad Gateway", "text/plain", "no upstream"));
}

void FaultProxy::SetSequence(std::vector<Fault> faults) {
  std::lock_guard lock(mu_);
  sequence_ = std::move(faults);
  next_ = 0;
}

void FaultProxy::SetRate(double rate, Fault fault, uint64_t seed) {
  std::lock_guard lock(mu_);
  rate_ = rate;
  rate_fault_ = fault;
  rng_.seed(seed);
}

void FaultProxy::SetResponder(Responder responder) {
  std::lock_guard lock(mu_);
  responder_ = std::move(responder);
}

int FaultProxy::faults(Fault f) const {
  std::lock_guard lock(mu_);
  auto it = fault_counts_.find(f);
  return it == fault_counts_.end() ? 0 : it->second;
}

std::map<std::string, int> FaultProxy::ActionCounts() const {
  std::lock_guard lock(mu_);
  std::map<std::string, int> counts;
  for (const auto& r : seen_) counts[r.Action()]++;
  return counts;
}

std::vector<ProxiedRequest> FaultProxy::Requests() const {
  std::lock_guard lock(mu_);
  return seen_;
}

void FaultProxy::ResetCounters() {
  std::lock_guard lock(mu_);
  seen_.clear();
  fault_counts_.clear();
  requests_ = 0;
  forwarded_ = 0;
}

}  // namespace ccm::testing
