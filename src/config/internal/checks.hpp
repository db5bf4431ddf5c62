#pragma once
// Internal: value checks shared by the validators. Pure functions, no I/O.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccm::config::internal {

// Every public AWS region name (commercial, GovCloud, China) known to this build.
const std::vector<std::string>& KnownRegions();
bool IsKnownRegion(std::string_view region);

// "ami-" + 8 or 17 lowercase hex digits.
bool IsAmiId(std::string_view text);
// prefix + "-" + 8 or 17 lowercase hex digits (vpc, subnet, sg).
bool IsResourceId(std::string_view prefix, std::string_view text);
// family.size, e.g. c5.2xlarge, m5zn.metal, u-6tb1.metal.
bool IsInstanceTypeName(std::string_view text);
// arn:aws[-cn|-us-gov]:iam::<12 digits>:role/<path/name>
bool IsRoleArn(std::string_view text);

struct Url {
  std::string scheme;  // lower case
  std::string host;    // without brackets for IPv6
  int port = 0;        // 0 when not given
  std::string path;    // from the first '/', may be ""
};
// http(s)://host[:port][/path]; nullopt when malformed or another scheme.
std::optional<Url> ParseHttpUrl(std::string_view text);

struct HostPort {
  std::string host;
  int port = 0;
};
// HOST:PORT or [IPV6]:PORT, port 0-65535; nullopt when malformed.
std::optional<HostPort> ParseHostPort(std::string_view text);
// localhost, 127.0.0.0/8 or ::1.
bool IsLoopbackHost(std::string_view host);

}  // namespace ccm::config::internal

namespace ccm::config::internal {

// Where the password of a database URL sits (user:PASSWORD@ or password=PASSWORD), as
// (offset, length) pairs; empty when it has none.
std::vector<std::pair<size_t, size_t>> PasswordSpans(std::string_view url);

}  // namespace ccm::config::internal
