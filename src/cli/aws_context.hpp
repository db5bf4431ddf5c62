#pragma once
// The AWS pieces a command needs, built from Settings: the default credential chain (settings ->
// environment -> shared profiles -> IMDSv2), the per-account AssumeRole cache for aws_accounts,
// and one Query transport (endpoints from aws_endpoint_url* settings and the SDKs'
// AWS_ENDPOINT_URL* variables, aws_max_attempts, timeouts). Shared by every `ccm aws` subcommand
// and by whatever assembles the server. Not copyable; the transport refers to `accounts`, so keep
// them together.
#include <memory>
#include <string>

#include "aws/account_credentials.hpp"
#include "aws/transport.hpp"
#include "config/settings.hpp"
#include "core/clock.hpp"

namespace ccm::cli {

struct AwsContext {
  std::shared_ptr<aws::CredentialsProvider> chain;
  std::unique_ptr<aws::AccountCredentials> accounts;
  std::unique_ptr<aws::QueryTransport> transport;  // declared last: destroyed first
};

// Transport options from the settings, then the process environment's AWS_ENDPOINT_URL* for
// services the settings leave unset.
aws::TransportOptions AwsTransportOptions(const config::Settings& s);

// `credentials_source`: how to label explicit keys in logs ("settings" or "environment").
std::unique_ptr<AwsContext> MakeAwsContext(const config::Settings& s, Clock& clock,
                                           const std::string& credentials_source = "settings");

// Process exit codes of `ccm aws` commands: 0 success, 1 AWS or network failure, 2 invalid
// settings or flags, 3 authentication or authorization failure (no or bad credentials,
// kUnauthenticated / kPermissionDenied).
inline constexpr int kExitAwsFailure = 1;
inline constexpr int kExitInvalidSettings = 2;
inline constexpr int kExitAwsAuth = 3;
int AwsExitCode(const Error& error);

}  // namespace ccm::cli
