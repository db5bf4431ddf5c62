#pragma once
// A loopback HTTP/1.1 proxy for retry tests: it accepts on 127.0.0.1 (port picked by the kernel),
// reads each request (Content-Length bodies), and per request either forwards it to the upstream
// (e.g. moto) and relays the answer, or injects a fault. One request per connection: every answer
// closes the connection (clients reconnect). Faults come first from a fixed sequence, then at a
// configured rate from a seeded generator. A responder can answer requests itself (e.g. an IMDS
// stand-in), so the same class serves as a tiny scripted HTTP server. Thread-safe; Stop() (or the
// destructor) joins every thread.
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace ccm::testing {

enum class Fault {
  kNone,             // forward
  kThrottle503,      // 503 with an AWS throttling error document (RequestLimitExceeded)
  kError500,         // 500 with an AWS InternalError document
  kDrop,             // close the connection without answering; the upstream never sees it
  kForwardThenDrop,  // forward (the upstream applies it), then close without answering
};

struct ProxiedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  // The form field Action=... of a Query-protocol body, "" when none.
  std::string Action() const;
};

struct LocalReply {
  int status = 200;
  std::string body;
  std::string content_type = "text/plain";
};

class FaultProxy {
 public:
  // upstream_port 0 = no upstream (only the responder answers; anything else gets 502).
  explicit FaultProxy(int upstream_port = 0) : upstream_port_(upstream_port) {}
  ~FaultProxy() { Stop(); }
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  // "" on success, else the reason.
  std::string Start();
  void Stop();
  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // The next requests get these faults, in order (kNone = forward).
  void SetSequence(std::vector<Fault> faults);
  // After the sequence: each request gets `fault` with probability `rate`.
  void SetRate(double rate, Fault fault, uint64_t seed = 42);
  using Responder = std::function<std::optional<LocalReply>(const ProxiedRequest&)>;
  void SetResponder(Responder responder);

  int requests() const { return requests_.load(); }
  int forwarded() const { return forwarded_.load(); }
  int faults(Fault f) const;
  // Requests seen per Query action (Action= in the body), faulted or not.
  std::map<std::string, int> ActionCounts() const;
  std::vector<ProxiedRequest> Requests() const;
  void ResetCounters();

 private:
  void AcceptLoop();
  void Serve(int client);
  Fault NextFault();
  std::optional<std::string> Forward(const std::string& raw);

  int upstream_port_;
  int port_ = 0;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::vector<std::thread> workers_;
  std::vector<Fault> sequence_;
  size_t next_ = 0;
  double rate_ = 0;
  Fault rate_fault_ = Fault::kNone;
  std::mt19937_64 rng_{42};
  Responder responder_;
  std::map<Fault, int> fault_counts_;
  std::vector<ProxiedRequest> seen_;
  std::atomic<int> requests_{0};
  std::atomic<int> forwarded_{0};
};

}  // namespace ccm::testing
