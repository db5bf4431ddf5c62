#include "auth/oidc_verifier.hpp"

#include <sstream>

#include "auth/jwt.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "http/http_client.hpp"

namespace ccm::auth {
namespace {

tl::unexpected<Error> Denied(std::string reason) {
  return Fail(Error{Code::kUnauthenticated, std::move(reason), {}, false, {}, {}});
}

const Json* FindPath(const Json& root, const std::string& dotted) {
  const Json* cur = &root;
  std::stringstream ss(dotted);
  std::string part;
  while (std::getline(ss, part, '.')) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(part);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

std::vector<std::string> RoleNames(const Json* node) {
  std::vector<std::string> out;
  if (!node) return out;
  if (node->is_array()) {
    for (const auto& v : *node) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  } else if (node->is_string()) {
    std::stringstream ss(node->get<std::string>());
    std::string r;
    while (ss >> r) out.push_back(r);
  }
  return out;
}

bool AudienceMatches(const Json& payload, const std::string& audience) {
  auto it = payload.find("aud");
  if (it == payload.end()) return false;
  if (it->is_string()) return it->get<std::string>() == audience;
  if (it->is_array()) {
    for (const auto& a : *it) {
      if (a.is_string() && a.get<std::string>() == audience) return true;
    }
  }
  return false;
}

}  // namespace

Fetcher HttpFetcher() {
  return [](const std::string& url) -> Result<std::string> {
    http::Request req;
    req.url = url;
    req.connect_timeout = std::chrono::milliseconds(3000);
    req.timeout = std::chrono::milliseconds(5000);
    req.max_response_bytes = 1 << 20;
    req.headers = {{"Accept", "application/json"}};
    auto r = http::Perform(req);
    if (!r) return Fail(r.error());
    if (r->status < 200 || r->status >= 300) {
      return MakeError(Code::kUnavailable, "GET " + url + " answered " + std::to_string(r->status));
    }
    return std::move(r->body);
  };
}

OidcVerifier::OidcVerifier(OidcOptions options, Clock& clock, Fetcher fetch)
    : options_(std::move(options)), clock_(clock), fetch_(std::move(fetch)) {}

Result<std::string> OidcVerifier::JwksUrl() {
  if (!options_.jwks_url.empty()) return options_.jwks_url;
  if (!discovered_jwks_url_.empty()) return discovered_jwks_url_;
  std::string issuer = options_.issuer;
  if (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
  auto body = fetch_(issuer + "/.well-known/openid-configuration");
  if (!body) return Fail(body.error());
  auto doc = ParseJson(*body, "openid-configuration");
  if (!doc) return Fail(doc.error());
  auto uri = GetString(*doc, "jwks_uri");
  auto iss = GetString(*doc, "issuer");
  if (!uri) return MakeError(Code::kUnavailable, "OIDC discovery document has no jwks_uri");
  if (iss && *iss != options_.issuer) {
    return MakeError(Code::kUnavailable, "OIDC discovery issuer '" + *iss +
                                             "' differs from the configured issuer");
  }
  discovered_jwks_url_ = *uri;
  return discovered_jwks_url_;
}

Status OidcVerifier::Refresh() {
  last_fetch_ = clock_.Now();
  auto url = JwksUrl();
  if (!url) return Fail(url.error());
  auto body = fetch_(*url);
  if (!body) return Fail(body.error());
  auto doc = ParseJson(*body, "jwks");
  if (!doc || !doc->contains("keys") || !(*doc)["keys"].is_array()) {
    return MakeError(Code::kUnavailable, "JWKS document is malformed");
  }
  std::map<std::string, Key> keys;
  for (const auto& k : (*doc)["keys"]) {
    if (GetString(k, "kty").value_or("") != "RSA") continue;
    auto use = GetString(k, "use");
    if (use && *use != "sig") continue;
    auto n = GetString(k, "n");
    auto e = GetString(k, "e");
    if (!n || !e) continue;
    keys[GetString(k, "kid").value_or("")] = Key{*n, *e};
  }
  keys_ = std::move(keys);
  return Ok();
}

Result<OidcVerifier::Key> OidcVerifier::FindKey(const std::string& kid) {
  std::lock_guard lock(mu_);
  auto lookup = [&]() -> std::optional<Key> {
    if (kid.empty() && keys_.size() == 1) return keys_.begin()->second;
    auto it = keys_.find(kid);
    if (it != keys_.end()) return it->second;
    return std::nullopt;
  };
  if (auto k = lookup()) return *k;
  bool may_fetch = !last_fetch_ || clock_.Now() - *last_fetch_ >= options_.refetch_interval;
  if (may_fetch) {
    if (auto st = Refresh(); !st) {
      log::Warn("JWKS fetch failed", {{"error", st.error().message}});
      return Denied("signing keys are unavailable");
    }
    if (auto k = lookup()) return *k;
  }
  return Denied("token signed with an unknown key id");
}

Status OidcVerifier::CheckClaims(const std::string& payload_json, Identity* out) const {
  auto payload = ParseJson(payload_json, "token");
  if (!payload) return Denied("malformed token payload");
  const Json& p = *payload;
  if (GetString(p, "iss").value_or("") != options_.issuer) return Denied("token issuer is not trusted");
  if (!options_.audience.empty() && !AudienceMatches(p, options_.audience)) {
    return Denied("token audience does not match");
  }
  double now = ToUnixSeconds(clock_.Now());
  double leeway = static_cast<double>(options_.leeway.count());
  auto exp = GetNumber(p, "exp");
  if (!exp) return Denied("token has no expiry");
  if (now > *exp + leeway) return Denied("token expired");
  if (auto nbf = GetNumber(p, "nbf"); nbf && now + leeway < *nbf) {
    return Denied("token not valid yet");
  }
  out->subject = GetString(p, "sub").value_or("");
  if (out->subject.empty()) return Denied("token has no subject");
  out->email = GetString(p, "email").value_or("");
  out->name = GetString(p, "preferred_username")
                  .value_or(GetString(p, "name").value_or(out->email.empty() ? out->subject
                                                                             : out->email));
  std::vector<std::string> names = RoleNames(FindPath(p, options_.roles_claim));
  for (const auto& n : names) {
    if (ParseRole(n)) out->roles.push_back(n);
  }
  out->role = HighestRole(names).value_or(Role::kUser);
  if (out->roles.empty()) out->roles.push_back("user");
  out->method = "oidc";
  return Ok();
}

Result<Identity> OidcVerifier::Verify(std::string_view token) {
  auto jwt = DecodeJwt(token);
  if (!jwt) return Fail(jwt.error());
  if (jwt->alg != "RS256") return Denied("token algorithm '" + jwt->alg + "' is not accepted");
  if (!jwt->typ.empty() && jwt->typ != "JWT" && jwt->typ != "at+jwt" &&
      jwt->typ != "application/at+jwt") {
    return Denied("token type '" + jwt->typ + "' is not accepted");
  }
  auto key = FindKey(jwt->kid);
  if (!key) return Fail(key.error());
  if (auto st = VerifyRs256(*jwt, key->n, key->e); !st) return Fail(st.error());
  Identity id;
  if (auto st = CheckClaims(jwt->payload_json, &id); !st) return Fail(st.error());
  return id;
}

}  // namespace ccm::auth
