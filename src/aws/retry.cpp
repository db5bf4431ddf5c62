#include "aws/retry.hpp"

#include <algorithm>
#include <cmath>

#include "aws/errors.hpp"

namespace ccm::aws {

RetryKind ClassifyRetry(const Error& error, std::optional<TimePoint> launched_at, TimePoint now,
                        std::chrono::seconds not_found_window) {
  const std::string& code = error.provider_code;
  if (code == "InvalidInstanceID.NotFound") {
    // A future launched_at (clock skew) counts as recent.
    if (launched_at && now - *launched_at <= not_found_window) {
      return RetryKind::kEventualConsistency;
    }
    return RetryKind::kNone;
  }
  if (IsThrottlingCode(code)) return RetryKind::kThrottling;
  if (error.code == Code::kDeadlineExceeded) return RetryKind::kTimeout;
  if (IsTransientCode(code)) return RetryKind::kTransient;
  // Connection failures from the HTTP layer (refused, reset, TLS handshake) and 5xx answers
  // without a more specific mapping are marked retryable by the layer that produced them.
  if (error.code == Code::kUnavailable && error.retryable &&
      code != "InsufficientInstanceCapacity") {
    return RetryKind::kTransient;
  }
  return RetryKind::kNone;
}

Duration Backoff(int retry, double random01) {
  double cap =
      std::min(std::ldexp(1.0, std::max(retry, 1) - 1), static_cast<double>(kMaxBackoff.count()));
  double seconds = std::clamp(random01, 0.0, 1.0) * cap;
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

int RetryQuota::TryAcquire(RetryKind kind) {
  int cost = kind == RetryKind::kTimeout ? kTimeoutRetryCost : kRetryCost;
  std::lock_guard lock(mu_);
  if (available_ < cost) return 0;
  available_ -= cost;
  return cost;
}

void RetryQuota::OnSuccess(int retry_cost) {
  std::lock_guard lock(mu_);
  available_ = std::min(capacity_, available_ + (retry_cost > 0 ? retry_cost : kNoRetryIncrement));
}

int RetryQuota::available() const {
  std::lock_guard lock(mu_);
  return available_;
}

}  // namespace ccm::aws
