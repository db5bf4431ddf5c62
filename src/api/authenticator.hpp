#pragma once
// Who is calling: turns the Authorization header into an Identity.
//
// `Authorization: Bearer <token>` where the token is, in this order:
//  - the bootstrap admin token from the settings (constant-time comparison) -> admin;
//  - an API token ("ccm_..."): looked up by its SHA-256 in the TokenStore; unknown, revoked or
//    expired -> 401. The identity's subject and role are the token record's;
//  - an OIDC access token (RS256 JWT, typ JWT or at+jwt) when a verifier is configured.
// With auth disabled (development on loopback only; validated in config and re-checked by
// ApiServer::Start) every caller is the development admin.
// Failures are 401 problems with WWW-Authenticate: Bearer (error="invalid_token" when a token was
// sent); a store failure is 503. The token itself never appears in a problem or a log line.
// May block (store lookup, a JWKS fetch): call it from a worker thread. Thread-safe.
#include <string>
#include <tl/expected.hpp>

#include "api/problem.hpp"
#include "auth/identity.hpp"
#include "auth/oidc_verifier.hpp"
#include "core/clock.hpp"
#include "httpd/server.hpp"
#include "store/store.hpp"

namespace ccm::api {

struct AuthOptions {
  bool disabled = false;
  std::string bootstrap_admin_token;  // "" = none
};

class Authenticator {
 public:
  // `oidc` may be null (no OIDC configured). All must outlive the Authenticator.
  Authenticator(AuthOptions options, store::TokenStore& tokens, auth::OidcVerifier* oidc,
                Clock& clock);

  tl::expected<auth::Identity, Problem> Authenticate(const httpd::Request& request) const;
  bool disabled() const { return options_.disabled; }

 private:
  tl::expected<auth::Identity, Problem> FromApiToken(const std::string& token) const;

  AuthOptions options_;
  store::TokenStore& tokens_;
  auth::OidcVerifier* oidc_;
  Clock& clock_;
};

// The identity every caller gets when auth is disabled.
auth::Identity DevelopmentAdmin();

}  // namespace ccm::api
