#pragma once
// AWS pieces of `ccm serve` beyond the control layer's clients.
//
// SharedTransport forwards to a QueryTransport it does not own, so the worker service's clients,
// the readiness check and the sandbox's image seeding share one transport (credentials, retry
// quota, connections). The owner must outlive it.
//
// AwsIdentityCheck is the /readyz AWS check: STS GetCallerIdentity with the default credential
// chain in aws_default_region. The outcome is cached (a success for ok_ttl, a failure for
// error_ttl) so readiness probes do not hammer STS; one call at a time (callers arriving during
// a call wait for its outcome). Errors are the STS client's (no secrets in them).
// Thread-safe.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "aws/query_transport.hpp"
#include "aws/sts_client.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"

namespace ccm::cli {

class SharedTransport final : public aws::QueryTransport {
 public:
  explicit SharedTransport(aws::QueryTransport& target) : target_(target) {}
  Result<std::string> Call(const aws::QueryCall& call) override { return target_.Call(call); }

 private:
  aws::QueryTransport& target_;
};

class AwsIdentityCheck {
 public:
  AwsIdentityCheck(aws::QueryTransport& transport, std::string region, Clock& clock,
                   Duration ok_ttl = std::chrono::minutes(5),
                   Duration error_ttl = std::chrono::seconds(10));

  Status Check();
  // The identity of the last successful check.
  std::optional<aws::CallerIdentity> identity() const;

 private:
  aws::StsClient sts_;
  Clock& clock_;
  Duration ok_ttl_;
  Duration error_ttl_;
  mutable std::mutex mu_;
  std::optional<TimePoint> checked_at_;          // guarded by mu_
  Status last_ = Ok();                           // guarded by mu_
  std::optional<aws::CallerIdentity> identity_;  // guarded by mu_
};

}  // namespace ccm::cli
