#pragma once
// State and steps shared by CmlClient's synchronous calls and its concurrent probe round: the
// token cache, the telemetry watermarks, the once-per-worker insecure-TLS warning, counters,
// metrics, and the interpretation of answers (2xx or Error, login, system information).
// Threading: thread-safe.
#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cml/cml_client.hpp"
#include "cml/internal/calls.hpp"

namespace ccm::cml::internal {

class ClientCore {
 public:
  explicit ClientCore(CmlClientOptions options);

  const CmlClientOptions& options() const { return options_; }
  TokenCache& tokens() { return tokens_; }
  WatermarkStore& watermarks() { return watermarks_; }
  uint64_t calls() const { return calls_.load(); }
  uint64_t logins() const { return logins_.load(); }

  std::string TokenKey(const CmlTarget& target) const;
  // A target fit to call: a worker id, an http(s) base, and credentials when `login` is needed.
  Status ValidateTarget(const CmlTarget& target, bool login) const;
  // The http::Request for a call; counts it, warns once per worker when TLS checks are off.
  http::Request Prepare(const CmlTarget& target, const Call& call, const std::string& token);
  // Metrics and the options' observer.
  void Observe(const CmlTarget& target, const Call& call, const Result<http::Response>& result);

  // 2xx -> the response; anything else -> an Error naming worker, call, status, description.
  Result<http::Response> Check(const CmlTarget& target, const Call& call,
                               Result<http::Response> result) const;
  // A login answer -> the token (cached and registered as a secret), or kUnauthenticated.
  Result<std::string> AcceptLogin(const CmlTarget& target, const Call& call,
                                  Result<http::Response> result);
  // A system_information answer; a booting controller is Readiness::kStarting, not an error.
  Result<SystemInfo> AcceptSystemInformation(const CmlTarget& target, const Call& call,
                                             Result<http::Response> result) const;
  // Classifies parsed events for this target and hands on only those past its watermark.
  std::vector<TelemetryEvent> AcceptEvents(const CmlTarget& target,
                                           std::vector<TelemetryEvent> events);

 private:
  CmlClientOptions options_;
  TokenCache tokens_;
  WatermarkStore watermarks_;
  std::atomic<uint64_t> calls_{0};
  std::atomic<uint64_t> logins_{0};
  std::mutex warned_mu_;
  std::set<std::string> warned_insecure_;  // guarded by warned_mu_
};

}  // namespace ccm::cml::internal
