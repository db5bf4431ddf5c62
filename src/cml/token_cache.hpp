#pragma once
// Login tokens (JWTs) cached per worker, so a controller sees one login per token lifetime
// instead of one per call.
//
// A token's expiry comes from its `exp` claim, decoded WITHOUT verification (ccm is not the
// audience; the controller verifies it). When the claim is missing or undecodable the token is
// assumed to live `default_lifetime`. Get() stops handing a token out `refresh_margin` before it
// expires (at most a fifth of its lifetime), so a call never starts with a token about to lapse.
// Keys are opaque strings (CmlClient uses worker id + api base + user name); ForgetWorker() drops
// every key of one worker.
// Threading: all methods are thread-safe. LoginMutex() gives one mutex per key so that threads
// needing a login for the same worker log in once (single flight).
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace ccm::cml {

struct JwtClaims {
  std::optional<TimePoint> expires;  // from "exp" (seconds since the epoch)
  std::optional<TimePoint> issued;   // from "iat"
  std::string subject;               // "sub": on CML, the user's id
};

// Decodes the payload of a compact JWT without checking its signature. nullopt when the text is
// not three base64url segments with a JSON object in the middle.
std::optional<JwtClaims> DecodeJwtClaims(std::string_view token);

// base64url (RFC 4648 section 5), padding optional. nullopt on a character outside the alphabet.
std::optional<std::string> DecodeBase64Url(std::string_view text);

class TokenCache {
 public:
  TokenCache(const Clock& clock, std::chrono::seconds default_lifetime,
             std::chrono::seconds refresh_margin);

  // The cached token when it stays valid beyond the refresh point, else nullopt.
  std::optional<std::string> Get(const std::string& key) const;
  // Caches a fresh token and returns the time it will stop being handed out.
  TimePoint Put(const std::string& key, std::string token);
  // Drops the cached token if it is still `token` (a newer one, put by another thread, stays).
  void Invalidate(const std::string& key, std::string_view token);
  // The "sub" claim of the cached token for key ("" when unknown).
  std::string Subject(const std::string& key) const;
  // Drops every key that starts with worker_id followed by kKeySeparator.
  void ForgetWorker(std::string_view worker_id);
  std::mutex& LoginMutex(const std::string& key);
  size_t size() const;

  static constexpr char kKeySeparator = '\x1f';

 private:
  struct Entry {
    std::string token;
    TimePoint refresh_at;
    std::string subject;
  };
  const Clock& clock_;
  std::chrono::seconds default_lifetime_;
  std::chrono::seconds refresh_margin_;
  mutable std::mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;                       // guarded by mu_
  std::map<std::string, std::unique_ptr<std::mutex>, std::less<>> logins_;  // guarded by mu_
};

}  // namespace ccm::cml
