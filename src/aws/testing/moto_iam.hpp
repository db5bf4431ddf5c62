#pragma once
// Integration-test helper (linked into aws_itest only): bootstraps an IAM identity in a moto_server
// that checks SigV4 after INITIAL_NO_AUTH_ACTION_COUNT calls. The first kMotoBootstrapCalls calls
// (CreateUser, PutUserPolicy with an allow-all inline policy, CreateAccessKey) go through the real
// QueryTransport (service "iam", version 2010-05-08) signed with throw-away keys; the returned
// access key then signs everything else. Start moto with auth_after = kMotoBootstrapCalls.
// Note: POST /moto-api/reset forgets the IAM user too, so authenticated tests must not reset.
#include <string>

#include "aws/credentials.hpp"
#include "core/error.hpp"

namespace ccm::aws::testing {

inline constexpr int kMotoBootstrapCalls = 3;
inline constexpr char kIamVersion[] = "2010-05-08";

Result<Credentials> CreateMotoIamUser(const std::string& endpoint,
                                      const std::string& user_name = "ccm-test");

// A CredentialsLookup-compatible function returning `creds` for every account name.
inline auto FixedCredentials(Credentials creds) {
  return [creds](const std::string&) -> Result<Credentials> { return creds; };
}

}  // namespace ccm::aws::testing
