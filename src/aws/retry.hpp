#pragma once
// The SDKs' "standard" retry mode, as pieces the transport composes:
//   - which failures are retried (throttling and transient codes, HTTP 500/502/503/504,
//     connection errors and timeouts; InvalidInstanceID.NotFound only shortly after a launch),
//   - full-jitter exponential backoff: random * min(2^(n-1) s, 20 s) before retry n (n >= 1),
//   - a retry quota: 500 tokens; a retry costs 5 (10 after a timeout); a successful call gives
//     back its retry's cost, or 1 when it needed none. With too few tokens, no retry happens.
// RetryQuota is thread-safe; the functions are pure.
#include <chrono>
#include <mutex>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace ccm::aws {

enum class RetryKind {
  kNone,                 // do not retry
  kThrottling,           // throttling error code
  kTransient,            // transient code, 5xx, connection error
  kTimeout,              // the call timed out (costs more quota)
  kEventualConsistency,  // InvalidInstanceID.NotFound just after a launch
};

inline constexpr int kRetryCost = 5;
inline constexpr int kTimeoutRetryCost = 10;
inline constexpr int kNoRetryIncrement = 1;
inline constexpr std::chrono::seconds kMaxBackoff{20};

// `error` is the failed attempt's error; `launched_at` from the QueryCall.
RetryKind ClassifyRetry(const Error& error, std::optional<TimePoint> launched_at, TimePoint now,
                        std::chrono::seconds not_found_window);

// Delay before retry number `retry` (1 = the first retry); random01 in [0,1).
Duration Backoff(int retry, double random01);

class RetryQuota {
 public:
  explicit RetryQuota(int capacity = 500) : capacity_(capacity), available_(capacity) {}
  // Takes the cost of a retry after this kind of failure; returns the cost taken, or 0 (nothing
  // taken) when too few tokens remain.
  int TryAcquire(RetryKind kind);
  // After a successful call: gives back `retry_cost` when the call needed a retry, else 1.
  void OnSuccess(int retry_cost);
  int available() const;
  int capacity() const { return capacity_; }

 private:
  const int capacity_;
  mutable std::mutex mu_;
  int available_;
};

}  // namespace ccm::aws
