#pragma once
// STS (Security Token Service) over a QueryTransport: who am I, and temporary credentials for a
// role. Thread-safe if the transport is. Errors are the transport's mapped Errors; a malformed
// answer is kInternal. Secrets in AssumeRole answers are registered with log::RegisterSecret
// before they are returned.
#include <chrono>
#include <string>

#include "aws/credentials.hpp"
#include "aws/query_transport.hpp"
#include "core/error.hpp"

namespace ccm::aws {

inline constexpr char kStsVersion[] = "2011-06-15";

struct CallerIdentity {
  std::string account;  // "123456789012"
  std::string arn;      // "arn:aws:iam::123456789012:user/ccm"
  std::string user_id;
};

struct AssumeRoleRequest {
  std::string role_arn;
  std::string session_name = "ccm";
  std::string external_id;  // empty = not sent
  std::chrono::seconds duration{3600};
  // The account whose credentials sign the AssumeRole call ("" = the default chain).
  std::string account;
};

class StsClient {
 public:
  // `region` picks the regional STS endpoint (https://sts.{region}.amazonaws.com).
  StsClient(QueryTransport& transport, std::string region);

  Result<CallerIdentity> GetCallerIdentity(const std::string& account = "");
  // Credentials with session token and expiration; source "assume-role:<role_arn>".
  Result<Credentials> AssumeRole(const AssumeRoleRequest& request);

 private:
  QueryTransport& transport_;
  std::string region_;
};

// Parsers, exposed for tests.
Result<CallerIdentity> ParseGetCallerIdentity(std::string_view xml);
Result<Credentials> ParseAssumeRole(std::string_view xml);

}  // namespace ccm::aws
