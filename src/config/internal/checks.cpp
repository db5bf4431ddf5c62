#include "config/internal/checks.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace ccm::config::internal {
namespace {

bool IsLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool IsHostName(std::string_view host) {
  static const std::regex pattern(
      R"(^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$)");
  return !host.empty() && host.size() <= 253 && std::regex_match(host.begin(), host.end(), pattern);
}

bool IsIpv6(std::string_view host) {
  return !host.empty() && host.find(':') != std::string_view::npos &&
         std::all_of(host.begin(), host.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
         });
}

std::optional<int> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  int port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + (c - '0');
  }
  return port <= 65535 ? std::optional<int>(port) : std::nullopt;
}

}  // namespace

const std::vector<std::string>& KnownRegions() {
  static const std::vector<std::string> regions = {
      "us-east-1",      "us-east-2",      "us-west-1",      "us-west-2",      "af-south-1",
      "ap-east-1",      "ap-east-2",      "ap-south-1",     "ap-south-2",     "ap-southeast-1",
      "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
      "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ca-central-1",   "ca-west-1",
      "eu-central-1",   "eu-central-2",   "eu-west-1",      "eu-west-2",      "eu-west-3",
      "eu-south-1",     "eu-south-2",     "eu-north-1",     "il-central-1",   "me-south-1",
      "me-central-1",   "mx-central-1",   "sa-east-1",      "us-gov-east-1",  "us-gov-west-1",
      "cn-north-1",     "cn-northwest-1"};
  return regions;
}

bool IsKnownRegion(std::string_view region) {
  const auto& all = KnownRegions();
  return std::find(all.begin(), all.end(), region) != all.end();
}

bool IsAmiId(std::string_view text) { return IsResourceId("ami", text); }

bool IsResourceId(std::string_view prefix, std::string_view text) {
  if (text.size() <= prefix.size() + 1 || !text.starts_with(prefix) || text[prefix.size()] != '-') {
    return false;
  }
  std::string_view hex = text.substr(prefix.size() + 1);
  return (hex.size() == 8 || hex.size() == 17) && IsLowerHex(hex);
}

bool IsInstanceTypeName(std::string_view text) {
  static const std::regex pattern(R"(^[a-z][a-z0-9-]*\.[a-z0-9-]+$)");
  return std::regex_match(text.begin(), text.end(), pattern);
}

bool IsRoleArn(std::string_view text) {
  static const std::regex pattern(R"(^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:role/[\w+=,.@/-]+$)");
  return std::regex_match(text.begin(), text.end(), pattern);
}

std::optional<Url> ParseHttpUrl(std::string_view text) {
  size_t colon = text.find("://");
  if (colon == std::string_view::npos) return std::nullopt;
  Url url;
  url.scheme = std::string(text.substr(0, colon));
  std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
  std::string_view rest = text.substr(colon + 3);
  size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) url.path = std::string(rest.substr(slash));
  if (authority.find('@') != std::string_view::npos) return std::nullopt;
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
    return std::nullopt;
  }
  bool has_port = !authority.empty() && authority.back() != ']' &&
                  authority.find(':') != std::string_view::npos;
  auto host_port =
      has_port ? ParseHostPort(authority) : ParseHostPort(std::string(authority) + ":0");
  if (!host_port) return std::nullopt;
  url.host = host_port->host;
  url.port = host_port->port;
  return url;
}

std::optional<HostPort> ParseHostPort(std::string_view text) {
  HostPort out;
  std::string_view host;
  std::string_view port;
  if (text.starts_with("[")) {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (!IsIpv6(host)) return std::nullopt;
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (!IsHostName(host)) return std::nullopt;
  }
  auto parsed = ParsePort(port);
  if (!parsed) return std::nullopt;
  out.host = std::string(host);
  out.port = *parsed;
  return out;
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  static const std::regex v4(R"(^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$)");
  return std::regex_match(host.begin(), host.end(), v4);
}

}  // namespace ccm::config::internal

namespace ccm::config::internal {

std::vector<std::pair<size_t, size_t>> PasswordSpans(std::string_view url) {
  std::vector<std::pair<size_t, size_t>> spans;
  size_t scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos) {
    size_t start = scheme_end + 3;
    size_t end = url.find_first_of("/?#", start);
    std::string_view authority = url.substr(start, end == url.npos ? url.npos : end - start);
    size_t at = authority.rfind('@');
    size_t colon = authority.find(':');
    if (at != std::string_view::npos && colon != std::string_view::npos && colon < at) {
      spans.emplace_back(start + colon + 1, at - colon - 1);
    }
  }
  for (size_t pos = url.find("password="); pos != std::string_view::npos;
       pos = url.find("password=", pos + 1)) {
    if (pos > 0 && url[pos - 1] != '?' && url[pos - 1] != '&' && url[pos - 1] != ' ') continue;
    size_t value = pos + 9;
    size_t end = url.find_first_of("& ", value);
    spans.emplace_back(value, (end == url.npos ? url.size() : end) - value);
  }
  return spans;
}

}  // namespace ccm::config::internal
