#include "aws/endpoints.hpp"

#include <array>
#include <utility>

namespace ccm::aws {

std::string DefaultEndpoint(std::string_view service, std::string_view region) {
  if (service == "iam") return "https://iam.amazonaws.com";
  std::string host = std::string(service) + "." + std::string(region) + ".amazonaws.com";
  if (region.starts_with("cn-")) host += ".cn";
  return "https://" + host;
}

std::string ResolveEndpoint(const TransportOptions& options, std::string_view service,
                            std::string_view region) {
  auto it = options.service_endpoints.find(std::string(service));
  if (it != options.service_endpoints.end() && !it->second.empty()) return it->second;
  if (!options.endpoint_url.empty()) return options.endpoint_url;
  return DefaultEndpoint(service, region);
}

std::string SigningRegion(std::string_view service, std::string_view region) {
  if (service == "iam") return "us-east-1";
  return std::string(region);
}

void ApplyEndpointEnvironment(const Environment& env, TransportOptions& options) {
  if (env.IsTrue("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) return;
  if (options.endpoint_url.empty()) options.endpoint_url = env.Get("AWS_ENDPOINT_URL");
  static constexpr std::array<std::pair<const char*, const char*>, 4> kVars = {{
      {"ec2", "AWS_ENDPOINT_URL_EC2"},
      {"monitoring", "AWS_ENDPOINT_URL_CLOUDWATCH"},
      {"sts", "AWS_ENDPOINT_URL_STS"},
      {"iam", "AWS_ENDPOINT_URL_IAM"},
  }};
  for (const auto& [service, var] : kVars) {
    std::string value = env.Get(var);
    if (!value.empty() && options.service_endpoints.count(service) == 0) {
      options.service_endpoints[service] = value;
    }
  }
}

UrlParts SplitUrl(std::string_view url) {
  UrlParts parts;
  size_t scheme_end = url.find("://");
  std::string_view rest = url;
  if (scheme_end != std::string_view::npos) {
    parts.scheme = std::string(url.substr(0, scheme_end));
    rest = url.substr(scheme_end + 3);
  } else {
    parts.scheme = "https";
  }
  size_t slash = rest.find_first_of("/?#");
  parts.host = std::string(rest.substr(0, slash));
  parts.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  size_t q = parts.path.find_first_of("?#");
  if (q != std::string::npos) parts.path.resize(q);
  if (parts.path.empty()) parts.path = "/";
  std::string default_port = parts.scheme == "http" ? ":80" : ":443";
  if (parts.host.ends_with(default_port)) {
    parts.host.resize(parts.host.size() - default_port.size());
  }
  return parts;
}

}  // namespace ccm::aws
