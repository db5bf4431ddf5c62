#pragma once
// The real QueryTransport: SigV4-signed POST form bodies over libcurl, endpoint resolution,
// retries in the SDKs' standard mode (max attempts, full-jitter backoff, retry quota), and the
// AWS error -> canonical code mapping. Thread-safe. Time and sleeping come from the Clock.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "aws/credentials.hpp"
#include "aws/query_transport.hpp"
#include "core/clock.hpp"
#include "http/http_client.hpp"

namespace ccm::aws {

struct TransportOptions {
  // aws_endpoint_url / AWS_ENDPOINT_URL: used for every service when set.
  std::string endpoint_url;
  // Per-service overrides, keyed by service ("ec2", "monitoring", "sts", "iam"), from
  // AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_CLOUDWATCH, AWS_ENDPOINT_URL_STS ... They win over
  // endpoint_url.
  std::map<std::string, std::string> service_endpoints;
  int max_attempts = 3;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{30000};
  // Uniform [0,1) source for the full-jitter backoff; empty = a real random generator.
  std::function<double()> random;
  // Retry quota (SDK standard mode): tokens shared by every call through this transport.
  int retry_quota = 500;
  // InvalidInstanceID.NotFound is retried when QueryCall::launched_at is this recent.
  std::chrono::seconds not_found_window{60};
  // The HTTP layer; empty = http::Perform. Tests inject a fake to script answers.
  std::function<Result<http::Response>(const http::Request&)> send;
  // TLS options for every call (extra CA file for a private endpoint, ...).
  http::TlsOptions tls;
};

// Credentials for an account name ("" = the default chain).
using CredentialsLookup = std::function<Result<Credentials>(const std::string& account)>;

std::unique_ptr<QueryTransport> MakeQueryTransport(TransportOptions options,
                                                   CredentialsLookup credentials, Clock& clock);

}  // namespace ccm::aws
