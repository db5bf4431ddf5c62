#pragma once
// Integration-test helpers (linked into aws_itest only).
//
// CreateMotoIamUser bootstraps an IAM identity in a moto_server that checks SigV4 after
// INITIAL_NO_AUTH_ACTION_COUNT calls. The first kMotoBootstrapCalls calls (CreateUser,
// PutUserPolicy with an allow-all inline policy, CreateAccessKey) go through the real
// QueryTransport (service "iam", version 2010-05-08) signed with throw-away keys; the returned
// access key then signs everything else. Start moto with auth_after = kMotoBootstrapCalls.
// Note: POST /moto-api/reset forgets the IAM user too, so authenticated tests must not reset.
//
// MotoWithAuth starts such a moto and bootstraps it, for a test suite's SetUpTestSuite.
// moto 5.2.1 quirk: RunInstances ignores ClientToken (a repeated token launches again).
#include <memory>
#include <string>

#include "aws/credentials.hpp"
#include "aws/query_transport.hpp"
#include "core/error.hpp"
#include "tests/support/moto.hpp"

namespace ccm::aws::testing {

inline constexpr int kMotoBootstrapCalls = 3;
inline constexpr char kIamVersion[] = "2010-05-08";

Result<Credentials> CreateMotoIamUser(const std::string& endpoint,
                                      const std::string& user_name = "ccm-test");

// A CredentialsLookup-compatible function returning `creds` for every account name.
inline auto FixedCredentials(Credentials creds) {
  return [creds](const std::string&) -> Result<Credentials> { return creds; };
}

struct MotoWithAuth {
  ccm::testing::MotoServer server;
  Credentials admin;  // the bootstrapped IAM user's key (allow-all policy)
  // "" on success, else why moto could not be started or bootstrapped.
  std::string Start();
};

// Creates an IAM role `name` through `transport` (signed by an admin); returns its ARN. Its trust
// policy lets `principal_arn` assume it (moto compares principals literally), only with
// `external_id` when that is not empty; its inline policy allows everything.
Result<std::string> CreateMotoRole(QueryTransport& transport, const std::string& name,
                                   const std::string& principal_arn,
                                   const std::string& external_id = "");

}  // namespace ccm::aws::testing
