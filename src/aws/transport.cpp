#include "aws/transport.hpp"

#include <mutex>
#include <random>
#include <utility>

#include "aws/endpoints.hpp"
#include "aws/errors.hpp"
#include "aws/query_protocol.hpp"
#include "aws/retry.hpp"
#include "aws/sigv4.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "core/trace.hpp"

namespace ccm::aws {
namespace {

struct Metrics {
  metrics::Family<metrics::Counter>& calls = metrics::Registry::Default().AddCounter(
      "ccm_aws_calls_total", "AWS API calls by outcome (ok or the canonical error code)",
      {"service", "action", "outcome"});
  metrics::Family<metrics::Histogram>& duration = metrics::Registry::Default().AddHistogram(
      "ccm_aws_call_duration_seconds", "AWS API call duration including retries",
      {"service", "action"});
  metrics::Family<metrics::Counter>& retries = metrics::Registry::Default().AddCounter(
      "ccm_aws_retries_total", "AWS API call retries", {"service", "action"});

  static Metrics& Get() {
    static Metrics m;
    return m;
  }
};

std::function<double()> DefaultRandom() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  auto mu = std::make_shared<std::mutex>();
  return [engine, mu] {
    std::lock_guard lock(*mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(*engine);
  };
}

class HttpQueryTransport final : public QueryTransport {
 public:
  HttpQueryTransport(TransportOptions options, CredentialsLookup credentials, Clock& clock)
      : options_(std::move(options)),
        credentials_(std::move(credentials)),
        clock_(clock),
        quota_(options_.retry_quota) {
    if (!options_.random) options_.random = DefaultRandom();
    if (!options_.send) options_.send = [](const http::Request& r) { return http::Perform(r); };
    if (options_.max_attempts < 1) options_.max_attempts = 1;
  }

  Result<std::string> Call(const QueryCall& call) override {
    auto started = std::chrono::steady_clock::now();
    Result<std::string> result = CallWithRetries(call);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    auto& m = Metrics::Get();
    m.duration.WithLabels({call.service, call.action}).Observe(seconds);
    std::string outcome = result ? "ok" : std::string(CodeName(result.error().code));
    m.calls.WithLabels({call.service, call.action, outcome}).Inc();
    return result;
  }

 private:
  Result<std::string> CallWithRetries(const QueryCall& call);
  Result<std::string> Attempt(const QueryCall& call, const std::string& body);
  http::Request BuildRequest(const QueryCall& call, const std::string& body,
                             const Credentials& creds) const;

  TransportOptions options_;
  CredentialsLookup credentials_;
  Clock& clock_;
  RetryQuota quota_;
};

Result<std::string> HttpQueryTransport::CallWithRetries(const QueryCall& call) {
  std::string body = EncodeQueryBody(call.action, call.version, call.params);
  int retry_cost = 0;
  for (int attempt = 1;; ++attempt) {
    Result<std::string> result = Attempt(call, body);
    if (result) {
      quota_.OnSuccess(retry_cost);
      return result;
    }
    Error& error = result.error();
    RetryKind kind =
        ClassifyRetry(error, call.launched_at, clock_.Now(), options_.not_found_window);
    std::string stop_reason;
    if (kind == RetryKind::kNone) return result;
    if (attempt >= options_.max_attempts) {
      stop_reason = "after " + std::to_string(attempt) + " attempts";
    } else if ((retry_cost = quota_.TryAcquire(kind)) == 0) {
      stop_reason = "retry quota exhausted, after " + std::to_string(attempt) + " attempts";
    }
    if (!stop_reason.empty()) {
      error.message += " (" + stop_reason + ")";
      return result;
    }
    Duration delay = Backoff(attempt, options_.random());
    Metrics::Get().retries.WithLabels({call.service, call.action}).Inc();
    log::Debug(
        "aws call retry",
        {{"service", call.service},
         {"action", call.action},
         {"attempt", std::to_string(attempt)},
         {"error", error.provider_code},
         {"delay_ms",
          std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(delay).count())}});
    clock_.SleepFor(delay);
  }
}

http::Request HttpQueryTransport::BuildRequest(const QueryCall& call, const std::string& body,
                                               const Credentials& creds) const {
  std::string url = ResolveEndpoint(options_, call.service, call.region);
  UrlParts parts = SplitUrl(url);
  sigv4::Request to_sign;
  to_sign.method = "POST";
  to_sign.path = parts.path;
  to_sign.headers = {{"Host", parts.host}, {"Content-Type", kFormContentType}};
  to_sign.body = body;
  sigv4::Params params;
  params.access_key_id = creds.access_key_id;
  params.secret_access_key = creds.secret_access_key;
  params.session_token = creds.session_token;
  params.region = SigningRegion(call.service, call.region);
  params.service = call.service;
  params.time = clock_.Now();
  sigv4::Signature sig = sigv4::Sign(to_sign, params);

  http::Request req;
  req.method = "POST";
  req.url = url;
  req.headers = to_sign.headers;
  for (auto& h : sig.headers) req.headers.push_back(std::move(h));
  const TraceContext& trace = CurrentTrace();
  if (!trace.empty()) req.headers.emplace_back("traceparent", trace.Child().ToTraceparent());
  req.body = body;
  req.connect_timeout = options_.connect_timeout;
  req.timeout = options_.timeout;
  req.tls = options_.tls;
  return req;
}

Result<std::string> HttpQueryTransport::Attempt(const QueryCall& call, const std::string& body) {
  std::string what = call.service + " " + call.action;
  auto creds = credentials_(call.account);
  if (!creds) {
    Error e = creds.error();
    e.message = what + ": no credentials: " + e.message;
    e.retryable = false;
    return Fail(std::move(e));
  }
  auto response = options_.send(BuildRequest(call, body, *creds));
  if (!response) {
    Error e = response.error();
    e.message = what + ": " + e.message;
    return Fail(std::move(e));
  }
  if (response->status >= 200 && response->status < 300) return std::move(response->body);
  Error e;
  if (auto doc = ParseErrorDocument(response->body)) {
    e = MapAwsError(doc->code, doc->message, response->status, doc->request_id);
  } else {
    e = MapHttpStatus(response->status, response->body);
  }
  if (e.request_id.empty()) {
    e.request_id = response->Header("x-amzn-requestid")
                       .value_or(response->Header("x-amz-request-id").value_or(""));
  }
  e.message = what + ": " + e.message;
  return Fail(std::move(e));
}

}  // namespace

std::unique_ptr<QueryTransport> MakeQueryTransport(TransportOptions options,
                                                   CredentialsLookup credentials, Clock& clock) {
  return std::make_unique<HttpQueryTransport>(std::move(options), std::move(credentials), clock);
}

}  // namespace ccm::aws
