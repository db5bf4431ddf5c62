#pragma once
// CmlClient: the real CmlApi over libcurl.
//
// Auth: POST /authenticate once per worker; the JWT is cached (TokenCache) and reused across calls
// and probe rounds until shortly before its `exp`; a 401 answer drops it, logs in again once and
// retries the call once. Logins for the same worker are single-flight.
// TLS: per-target TlsOptions (verify by default, CA file, pinned public key). A target with
// verification switched off is logged as a warning once per worker.
// Limits: connect and total timeouts per call, answers larger than max_response_bytes refused,
// imports larger than max_import_bytes refused before sending, malformed JSON refused.
// Probe(): one thread drives every worker's calls concurrently on the curl multi interface
// (capped at max_concurrency transfers), each worker's steps chained as soon as the previous
// answer arrives; logins happen only where no valid token is cached.
// Secrets: passwords, tokens and licence tokens are registered with log::RegisterSecret and
// never put in errors or logs.
// Threading: all methods are thread-safe; Probe() rounds run one at a time (they share one
// connection cache so consecutive rounds reuse connections).
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cml/cml_api.hpp"
#include "cml/telemetry.hpp"
#include "cml/token_cache.hpp"
#include "core/clock.hpp"
#include "http/multi.hpp"

namespace ccm::cml {
namespace internal {
class ClientCore;
struct Call;
}  // namespace internal

// One finished HTTP exchange, for observers (metrics, contract tests). No bodies, no secrets.
struct CallRecord {
  std::string worker_id;
  std::string call;   // "GET /labs"
  std::string route;  // "GET /labs/{id}"
  long status = 0;    // 0 = no HTTP answer
  http::Headers headers;
  double elapsed_seconds = 0;
};

struct CmlClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{15000};
  size_t max_response_bytes = 16 * 1024 * 1024;
  size_t max_import_bytes = 8 * 1024 * 1024;
  // Assumed lifetime of a token whose `exp` claim cannot be read.
  std::chrono::seconds default_token_lifetime{3600};
  // Tokens are renewed this long before they expire (at most a fifth of their lifetime).
  std::chrono::seconds token_refresh_margin{300};
  // Transfers in flight at once during Probe().
  size_t max_concurrency = 256;
  // Idle connections kept between probe rounds for reuse. 0 = automatic: enough for every
  // connection a round opens (up to 5 per worker: the steps of a worker run in parallel).
  size_t max_idle_connections = 0;
  // User ids or names whose telemetry is system noise; the client adds its own login's user.
  std::vector<std::string> system_users;
  const Clock* clock = nullptr;                     // nullptr = SystemClock::Instance()
  std::function<void(const CallRecord&)> observer;  // called on the calling/probe thread
};

class CmlClient final : public CmlApi {
 public:
  explicit CmlClient(CmlClientOptions options = {});
  ~CmlClient() override;

  Result<SystemInfo> GetSystemInformation(const CmlTarget& target) override;
  Result<SystemHealth> GetSystemHealth(const CmlTarget& target) override;
  Result<SystemStats> GetSystemStats(const CmlTarget& target) override;
  Result<std::vector<std::string>> ListLabIds(const CmlTarget& target) override;
  Result<Lab> GetLab(const CmlTarget& target, std::string_view lab_id) override;
  Status StartLab(const CmlTarget& target, std::string_view lab_id) override;
  Status StopLab(const CmlTarget& target, std::string_view lab_id) override;
  Status WipeLab(const CmlTarget& target, std::string_view lab_id) override;
  Status DeleteLab(const CmlTarget& target, std::string_view lab_id) override;
  Result<std::string> DownloadLab(const CmlTarget& target, std::string_view lab_id) override;
  Result<std::string> ImportLab(const CmlTarget& target, std::string_view title,
                                std::string_view topology) override;
  Result<Licensing> GetLicensing(const CmlTarget& target) override;
  Status RegisterLicence(const CmlTarget& target, std::string_view token, bool reregister) override;
  Result<Deregistration> DeregisterLicence(const CmlTarget& target) override;
  Status SetProductLicense(const CmlTarget& target, std::string_view product) override;
  Result<std::vector<TelemetryEvent>> ReadNewEvents(const CmlTarget& target) override;
  std::vector<WorkerSnapshot> Probe(const std::vector<CmlTarget>& targets,
                                    const ProbeOptions& options) override;
  void Forget(std::string_view worker_id) override;

  // Logs in now (or reuses the cached token) without another call; for `ccm cml probe`.
  Status EnsureLogin(const CmlTarget& target);
  // The telemetry watermark of a worker, e.g. to persist it across restarts.
  TelemetryWatermark Watermark(const std::string& worker_id) const;
  void SetWatermark(const std::string& worker_id, TelemetryWatermark watermark);
  // Counters since construction: HTTP exchanges attempted and logins attempted.
  uint64_t calls() const;
  uint64_t logins() const;
  // Counters of the probe executor (transfers, peak in flight, connections opened).
  http::MultiStats probe_stats();

 private:
  // Runs an authenticated (or anonymous) call: token from the cache or a login, one re-login and
  // retry on 401. The answer is 2xx or an Error.
  Result<http::Response> Execute(const CmlTarget& target, const internal::Call& call);
  Result<std::string> Token(const CmlTarget& target, const std::string& stale);
  Result<http::Response> Send(const CmlTarget& target, const internal::Call& call,
                              const std::string& token);

  std::unique_ptr<internal::ClientCore> core_;
  std::mutex probe_mu_;
  std::unique_ptr<http::MultiExecutor> executor_;  // guarded by probe_mu_
};

}  // namespace ccm::cml
