// Validation of the server, auth, reconciler, webhook and cost settings.
#include <regex>

#include "config/internal/checks.hpp"
#include "config/internal/problems.hpp"
#include "core/log.hpp"

namespace ccm::config::internal {
namespace {

void ValidateListen(const Settings& s, Problems* p) {
  if (ParseHostPort(s.listen)) return;
  size_t colon = s.listen.rfind(':');
  std::string port = colon == std::string::npos ? "" : s.listen.substr(colon + 1);
  if (!port.empty() && port.size() <= 9 && port.find_first_not_of("0123456789") == port.npos &&
      std::stol(port) > 65535) {
    p->Add("listen", "port out of range (0-65535): " + port);
    return;
  }
  p->Add("listen", "not HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080): " + Quote(s.listen));
}

void ValidateDatabaseUrl(const Settings& s, Problems* p) {
  const std::string& url = s.database_url;
  if (url.empty()) return;  // derived from data_dir by the loader
  if (url.rfind("sqlite:", 0) == 0) {
    if (url.size() == 7) p->Add("database_url", "sqlite: needs a file path (sqlite:PATH)");
    return;
  }
  if (url.rfind("postgresql:", 0) == 0) return;
  std::string scheme = url.substr(0, url.find(':'));
  p->Add("database_url", "scheme must be sqlite: or postgresql:, got " +
                             Quote(scheme.empty() ? url : scheme + ":"));
}

void ValidateLimits(const Settings& s, Problems* p) {
  p->Range("max_body_bytes", s.max_body_bytes, 1, int64_t{1} << 30);
  p->Range("max_connections", s.max_connections, 1, 1000000);
  p->Positive("idle_timeout_seconds", s.idle_timeout_seconds);
  p->Positive("read_timeout_seconds", s.read_timeout_seconds);
  p->Positive("sse_heartbeat_seconds", s.sse_heartbeat_seconds);
  p->Range("sse_client_queue", s.sse_client_queue, 1, 1000000);
}

void ValidateWebhooks(const Settings& s, Problems* p) {
  static const std::regex event(R"(^[a-z0-9*][a-z0-9_.*-]*$)");
  for (size_t i = 0; i < s.webhooks.size(); ++i) {
    const Webhook& hook = s.webhooks[i];
    const std::string path = "webhooks[" + std::to_string(i) + "]";
    if (hook.url.empty()) p->Add(path + ".url", "must not be empty");
    p->HttpUrl(path + ".url", hook.url);
    for (size_t j = 0; j < hook.events.size(); ++j) {
      if (!std::regex_match(hook.events[j], event)) {
        p->Add(path + ".events[" + std::to_string(j) + "]",
               "not an event type (e.g. worker.idle_warning): " + Quote(hook.events[j]));
      }
    }
  }
}

void ValidateCost(const Settings& s, Problems* p) {
  for (const auto& [region, prices] : s.cost_price_table) {
    p->Region("cost_price_table", region);
    for (const auto& [type, price] : prices) {
      const std::string path = "cost_price_table." + region + "." + type;
      if (!IsInstanceTypeName(type)) p->Add(path, "not an instance type name");
      p->NonNegative(path, price);
    }
  }
}

}  // namespace

void ValidateServer(const Settings& s, Problems* p) {
  if (s.environment != "development" && s.environment != "production") {
    p->Add("environment", "must be development or production, got " + Quote(s.environment));
  }
  ValidateListen(s, p);
  for (size_t i = 0; i < s.cors_origins.size(); ++i) {
    const std::string& origin = s.cors_origins[i];
    auto url = ParseHttpUrl(origin);
    if (origin != "*" && (!url || !(url->path.empty() || url->path == "/"))) {
      p->Add("cors_origins[" + std::to_string(i) + "]",
             "not an origin (scheme://host[:port]) or *: " + Quote(origin));
    }
  }
  p->NotEmpty("data_dir", s.data_dir);
  ValidateDatabaseUrl(s, p);
  log::Level level;
  if (!log::ParseLevel(s.log_level, &level)) {
    p->Add("log_level", "unknown level " + Quote(s.log_level) + " (debug, info, warn, error, off)");
  }
  ValidateLimits(s, p);
}

void ValidateAuth(const Settings& s, Problems* p) {
  p->HttpUrl("oidc_issuer", s.oidc_issuer);
  p->HttpUrl("oidc_jwks_url", s.oidc_jwks_url);
  const bool oidc = !s.oidc_issuer.empty() || !s.oidc_jwks_url.empty() ||
                    !s.oidc_audience.empty() || !s.oidc_client_id.empty();
  if (oidc && s.oidc_issuer.empty()) p->Add("oidc_issuer", "required when OIDC is configured");
  if (oidc && s.oidc_audience.empty()) {
    p->Add("oidc_audience", "required when OIDC is configured (tokens are checked against it)");
  }
  const std::string& claim = s.oidc_roles_claim;
  if (claim.empty() || claim.front() == '.' || claim.back() == '.' ||
      claim.find("..") != std::string::npos) {
    p->Add("oidc_roles_claim",
           "not a dotted claim path (e.g. realm_access.roles): " + Quote(claim));
  }
  p->NonNegative("oidc_leeway_seconds", s.oidc_leeway_seconds);
  if (s.oidc_leeway_seconds > 600) p->Add("oidc_leeway_seconds", "must be at most 600");
  if (s.auth_disabled && s.environment != "development") {
    p->Add("auth_disabled", "only allowed when environment is development");
  }
  auto listen = ParseHostPort(s.listen);
  if (s.auth_disabled && listen && !IsLoopbackHost(listen->host)) {
    p->Add("auth_disabled",
           "only allowed when listen is a loopback address, got " + Quote(s.listen));
  }
  if (!s.bootstrap_admin_token.empty() && s.bootstrap_admin_token.size() < 16) {
    p->Add("bootstrap_admin_token", "must be at least 16 characters");
  }
}

void ValidateAutomation(const Settings& s, Problems* p) {
  p->Positive("ec2_sweep_interval_seconds", s.ec2_sweep_interval_seconds);
  p->Positive("metrics_interval_seconds", s.metrics_interval_seconds);
  if (!(s.idle_cpu_veto_percent >= 0 && s.idle_cpu_veto_percent <= 100)) {
    p->Add("idle_cpu_veto_percent",
           "must be between 0 and 100, got " + FormatNumber(s.idle_cpu_veto_percent));
  }
  p->NonNegative("idle_network_veto_bytes_per_second", s.idle_network_veto_bytes_per_second);
  p->NotEmpty("cloudwatch_namespace", s.cloudwatch_namespace);
  if (s.cloudwatch_namespace.rfind("AWS/", 0) == 0 || s.cloudwatch_namespace.size() > 255) {
    p->Add("cloudwatch_namespace", "must not start with AWS/ and is at most 255 characters");
  }
  p->Positive("license_registration_timeout_seconds", s.license_registration_timeout_seconds);
  ValidateWebhooks(s, p);
  ValidateCost(s, p);
}

}  // namespace ccm::config::internal
