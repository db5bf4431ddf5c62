#include "api/authenticator.hpp"

#include "auth/api_token.hpp"
#include "core/log.hpp"

namespace ccm::api {
namespace {

constexpr char kInvalidToken[] = "invalid_token";

tl::unexpected<Problem> Denied(std::string detail, std::string_view error = kInvalidToken) {
  return tl::unexpected(Unauthenticated(std::move(detail), error));
}

bool StartsWithBearer(const std::string& value) {
  if (value.size() < 7) return false;
  std::string scheme = value.substr(0, 7);
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme == "bearer ";
}

std::string Trim(std::string s) {
  size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of(" \t");
  return s.substr(begin, end - begin + 1);
}

}  // namespace

auth::Identity DevelopmentAdmin() {
  auth::Identity id;
  id.subject = "dev";
  id.name = "development admin";
  id.role = auth::Role::kAdmin;
  id.roles = {"admin"};
  id.method = "none";
  return id;
}

Authenticator::Authenticator(AuthOptions options, store::TokenStore& tokens,
                             auth::OidcVerifier* oidc, Clock& clock)
    : options_(std::move(options)), tokens_(tokens), oidc_(oidc), clock_(clock) {}

tl::expected<auth::Identity, Problem> Authenticator::Authenticate(
    const httpd::Request& request) const {
  if (options_.disabled) return DevelopmentAdmin();
  auto header = request.Header("authorization");
  if (!header) return Denied("missing bearer token (Authorization: Bearer <token>)", "");
  if (!StartsWithBearer(*header)) {
    return Denied("the Authorization scheme must be Bearer", "invalid_request");
  }
  std::string token = Trim(header->substr(7));
  if (token.empty()) return Denied("empty bearer token", "invalid_request");
  if (!options_.bootstrap_admin_token.empty() &&
      auth::ConstantTimeEquals(token, options_.bootstrap_admin_token)) {
    auth::Identity id;
    id.subject = "bootstrap-admin";
    id.name = "bootstrap admin";
    id.role = auth::Role::kAdmin;
    id.roles = {"admin"};
    id.method = "bootstrap";
    return id;
  }
  if (token.rfind("ccm_", 0) == 0) return FromApiToken(token);
  if (!oidc_) return Denied("unknown token");
  auto id = oidc_->Verify(token);
  if (!id) return Denied(id.error().message);
  return *id;
}

tl::expected<auth::Identity, Problem> Authenticator::FromApiToken(const std::string& token) const {
  if (!auth::LooksLikeApiToken(token)) return Denied("malformed API token");
  auto record = tokens_.FindApiTokenByHash(auth::HashApiToken(token));
  if (!record) {
    if (record.error().code == Code::kNotFound) return Denied("unknown API token");
    log::Error("API token lookup failed", {{"error", record.error().ToString()}});
    return tl::unexpected(Overloaded("the token store is unavailable"));
  }
  if (record->revoked_at) return Denied("API token revoked");
  if (record->expires_at && *record->expires_at <= clock_.Now()) {
    return Denied("API token expired");
  }
  auto role = auth::ParseRole(record->role);
  if (!role) return Denied("API token has an unknown role");
  auth::Identity id;
  id.subject = record->subject;
  id.name = record->name;
  id.role = *role;
  id.roles = {record->role};
  id.method = "token";
  return id;
}

}  // namespace ccm::api
