#pragma once
// Where each AWS service answers, and the SDKs' endpoint environment variables.
// Pure functions, thread-safe.
//   ec2        -> https://ec2.{region}.amazonaws.com
//   monitoring -> https://monitoring.{region}.amazonaws.com  (CloudWatch)
//   sts        -> https://sts.{region}.amazonaws.com
//   iam        -> https://iam.amazonaws.com (global; signed for us-east-1)
// TransportOptions::service_endpoints[service] wins over TransportOptions::endpoint_url, which
// wins over the default.
#include <string>
#include <string_view>

#include "aws/environment.hpp"
#include "aws/transport.hpp"

namespace ccm::aws {

std::string DefaultEndpoint(std::string_view service, std::string_view region);
std::string ResolveEndpoint(const TransportOptions& options, std::string_view service,
                            std::string_view region);
// The region a service's signature uses: "us-east-1" for the global iam, else `region`.
std::string SigningRegion(std::string_view service, std::string_view region);

// Applies AWS_ENDPOINT_URL (all services) and AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_CLOUDWATCH
// (service "monitoring"), AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_IAM, as the SDKs do. Values
// already set in `options` are kept (explicit settings win over the environment).
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true disables all of them.
void ApplyEndpointEnvironment(const Environment& env, TransportOptions& options);

// The pieces of an endpoint URL: "http://127.0.0.1:5000/x" -> {"http", "127.0.0.1:5000", "/x"}.
// The host keeps a non-default port (what the Host header and the signature need).
struct UrlParts {
  std::string scheme;
  std::string host;
  std::string path;
};
UrlParts SplitUrl(std::string_view url);

}  // namespace ccm::aws
