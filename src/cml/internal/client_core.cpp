#include "cml/internal/client_core.hpp"

#include "cml/internal/parse.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"

namespace ccm::cml::internal {
namespace {

bool Is2xx(long status) { return status >= 200 && status < 300; }

std::string StatusClass(const Result<http::Response>& r) {
  if (!r) return "error";
  return std::to_string(r->status / 100) + "xx";
}

bool HttpBase(const std::string& url) {
  return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

}  // namespace

ClientCore::ClientCore(CmlClientOptions options)
    : options_(std::move(options)),
      tokens_(options_.clock ? *options_.clock : SystemClock::Instance(),
              options_.default_token_lifetime, options_.token_refresh_margin) {}

std::string ClientCore::TokenKey(const CmlTarget& target) const {
  constexpr char kSep = TokenCache::kKeySeparator;
  return target.worker_id + kSep + target.ApiBase() + kSep + target.username;
}

Status ClientCore::ValidateTarget(const CmlTarget& target, bool login) const {
  if (target.worker_id.empty()) return InvalidArgument("worker_id", "must not be empty");
  const std::string& base = target.api_base.empty() ? target.endpoint : target.api_base;
  if (!HttpBase(base)) {
    return InvalidArgument(target.api_base.empty() ? "endpoint" : "api_base",
                           "must start with https:// or http://");
  }
  if (login && target.username.empty()) {
    return InvalidArgument("username", "required to log in to worker " + target.worker_id);
  }
  if (login && target.password.empty()) {
    return InvalidArgument("password", "required to log in to worker " + target.worker_id);
  }
  return Ok();
}

http::Request ClientCore::Prepare(const CmlTarget& target, const Call& call,
                                  const std::string& token) {
  ++calls_;
  if (call.route == "POST /authenticate") {
    ++logins_;
    log::RegisterSecret(target.password);
  }
  if (!target.tls.verify) {
    std::lock_guard lock(warned_mu_);
    if (warned_insecure_.insert(target.worker_id).second) {
      log::Warn("TLS certificate verification is OFF for this CML worker (explicit setting)",
                {{"worker", target.worker_id}, {"endpoint", target.ApiBase()}});
    }
  }
  return BuildRequest(target, call, token, options_);
}

void ClientCore::Observe(const CmlTarget& target, const Call& call,
                         const Result<http::Response>& result) {
  static auto& requests = metrics::Registry::Default().AddCounter(
      "ccm_cml_requests_total", "CML REST calls by route and status class", {"route", "status"});
  static auto& seconds = metrics::Registry::Default().AddHistogram(
      "ccm_cml_request_seconds", "CML REST call latency", {"route"});
  requests.WithLabels({call.route, StatusClass(result)}).Inc();
  if (result) seconds.WithLabels({call.route}).Observe(result->elapsed_seconds);
  if (!options_.observer) return;
  CallRecord record;
  record.worker_id = target.worker_id;
  record.call = call.Name();
  record.route = call.route;
  if (result) {
    record.status = result->status;
    record.headers = result->headers;
    record.elapsed_seconds = result->elapsed_seconds;
  }
  options_.observer(record);
}

Result<http::Response> ClientCore::Check(const CmlTarget& target, const Call& call,
                                         Result<http::Response> result) const {
  if (!result) return Fail(WrapError(target, call, std::move(result.error())));
  if (!Is2xx(result->status)) {
    return Fail(StatusError(target, call, result->status, result->body));
  }
  return result;
}

Result<std::string> ClientCore::AcceptLogin(const CmlTarget& target, const Call& call,
                                            Result<http::Response> result) {
  auto ok = Check(target, call, std::move(result));
  if (!ok) {
    Error e = std::move(ok.error());
    if (e.code == Code::kUnauthenticated || e.code == Code::kPermissionDenied) {
      e.code = Code::kUnauthenticated;
      e.message = log::Redact("login as '" + target.username + "' refused: " + e.message);
    }
    return Fail(std::move(e));
  }
  auto token = ParseJsonString(ok->body);
  if (!token || token->empty()) {
    return Fail(WrapError(target, call, token ? Malformed("empty token") : token.error()));
  }
  log::RegisterSecret(*token);
  tokens_.Put(TokenKey(target), *token);
  return token;
}

Result<SystemInfo> ClientCore::AcceptSystemInformation(const CmlTarget& target, const Call& call,
                                                       Result<http::Response> result) const {
  if (!result) {
    const Error& e = result.error();
    // A controller that is booting refuses connections or does not answer in time; TLS
    // verification failures and oversized answers are real errors.
    if (e.retryable && (e.code == Code::kUnavailable || e.code == Code::kDeadlineExceeded)) {
      SystemInfo info;
      info.detail = WrapError(target, call, e).message;
      return info;
    }
    return Fail(WrapError(target, call, e));
  }
  long status = result->status;
  if (status == 502 || status == 503 || status == 504) {
    SystemInfo info;
    info.http_status = status;
    info.detail = "HTTP " + std::to_string(status) + " (controller starting)";
    return info;
  }
  if (!Is2xx(status)) return Fail(StatusError(target, call, status, result->body));
  auto info = ParseSystemInformation(result->body);
  if (!info) return Fail(WrapError(target, call, info.error()));
  return info;
}

std::vector<TelemetryEvent> ClientCore::AcceptEvents(const CmlTarget& target,
                                                     std::vector<TelemetryEvent> events) {
  std::vector<std::string> system_users = options_.system_users;
  system_users.push_back(target.username);
  std::string subject = tokens_.Subject(TokenKey(target));
  if (!subject.empty()) system_users.push_back(subject);
  for (TelemetryEvent& e : events) e.person_activity = IsPersonActivity(e, system_users);
  return watermarks_.Advance(target.worker_id, events);
}

}  // namespace ccm::cml::internal
