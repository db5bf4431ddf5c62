#pragma once
// Idempotency-Key handling for retried creates (POST /workers, POST /workers/import).
//
// Keys are per caller (identity subject). The request is fingerprinted by SHA-256 of method,
// target and body. Same key + same request -> the first answer replayed (same status and body,
// plus `Idempotent-Replayed: true`); same key + another request -> 422; the first request still
// running -> 409. Only successful answers are kept: a refused request releases the key so a
// corrected retry runs. Records expire after kIdempotencyTtl. May block (store); thread-safe.
#include <chrono>
#include <functional>

#include "api/call.hpp"
#include "core/clock.hpp"
#include "store/store.hpp"

namespace ccm::api {

inline constexpr std::chrono::hours kIdempotencyTtl{24};

Answer WithIdempotency(store::IdempotencyStore& store, Clock& clock, const Call& call,
                       const std::function<Answer()>& run);

}  // namespace ccm::api
