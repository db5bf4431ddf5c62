#pragma once
// Verifies OIDC bearer access tokens (RS256 only) against the issuer's JWKS.
// - Keys: from `jwks_url`, or discovered from `<issuer>/.well-known/openid-configuration`.
//   Cached; a token with an unknown `kid` triggers at most one refetch per `refetch_interval`
//   (so a flood of forged kids cannot hammer the provider), then is refused.
// - Header: alg must be RS256 (`none`, HS*, ES* ... refused); typ absent, "JWT" or "at+jwt".
// - Claims: iss equals the issuer; aud (string or array) contains the audience when one is set;
//   exp required and in the future, nbf (if present) reached, both with `leeway`.
// - Roles: read from the claim path (dotted, e.g. "realm_access.roles"), an array of strings or a
//   space-separated string; a token without a recognised role gets the `user` role.
// All failures are kUnauthenticated with a reason safe to show (never the token). Thread-safe.
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "auth/identity.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"

namespace ccm::auth {

struct OidcOptions {
  std::string issuer;
  std::string audience;
  std::string jwks_url;
  std::string roles_claim = "roles";
  std::chrono::seconds leeway{60};
  std::chrono::seconds refetch_interval{30};
};

// GET url -> body (2xx) or an error. Injected so tests need no network.
using Fetcher = std::function<Result<std::string>(const std::string& url)>;

// The default fetcher: http::Perform with short timeouts and a 1 MiB cap.
Fetcher HttpFetcher();

class OidcVerifier {
 public:
  OidcVerifier(OidcOptions options, Clock& clock, Fetcher fetch);
  Result<Identity> Verify(std::string_view token);

 private:
  struct Key {
    std::string n, e;
  };
  Result<Key> FindKey(const std::string& kid);
  Status Refresh();
  Result<std::string> JwksUrl();
  Status CheckClaims(const std::string& payload_json, Identity* out) const;

  OidcOptions options_;
  Clock& clock_;
  Fetcher fetch_;
  std::mutex mu_;
  std::map<std::string, Key> keys_;  // by kid ("" when the JWKS key has none)
  std::optional<TimePoint> last_fetch_;
  std::string discovered_jwks_url_;
};

}  // namespace ccm::auth
