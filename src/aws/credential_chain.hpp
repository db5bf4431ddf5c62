#pragma once
// The SDKs' default credential chain and its links.
//
// Order: explicit settings -> AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN ->
// shared files (~/.aws/credentials, ~/.aws/config, AWS_PROFILE; static keys, role_arn +
// source_profile or credential_source resolved with STS AssumeRole) -> EC2 instance role via
// IMDSv2. A link that has nothing to offer answers kNotFound and the chain moves on; any other
// error (half-set variables, a broken profile, a failed AssumeRole) stops it, naming the link.
// The first link that answers is remembered; credentials with an expiration are refreshed
// 5 minutes before it (time from the injected Clock).
// Every secret loaded here goes to log::RegisterSecret; error messages never carry secrets.
// All providers are thread-safe.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aws/credentials.hpp"
#include "aws/environment.hpp"
#include "aws/sts_client.hpp"
#include "aws/transport.hpp"
#include "core/clock.hpp"
#include "http/http_client.hpp"

namespace ccm::aws {

inline constexpr std::chrono::minutes kRefreshMargin{5};

using HttpSend = std::function<Result<http::Response>(const http::Request&)>;
// Calls STS AssumeRole signed with `source` credentials.
using AssumeRoleFn =
    std::function<Result<Credentials>(const AssumeRoleRequest& request, const Credentials& source)>;

// AssumeRole through a real transport built from `options` (endpoints, timeouts, retries) and
// STS in `region`.
AssumeRoleFn StsAssumeRole(TransportOptions options, std::string region, Clock& clock);

// Long-term or session keys given as settings. kNotFound when access_key_id is empty.
class StaticProvider final : public CredentialsProvider {
 public:
  StaticProvider(Credentials creds);
  Result<Credentials> Get() override;

 private:
  Credentials creds_;
};

// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (read at each Get()).
class EnvironmentProvider final : public CredentialsProvider {
 public:
  explicit EnvironmentProvider(Environment env) : env_(std::move(env)) {}
  Result<Credentials> Get() override;

 private:
  Environment env_;
};

// Caches what `fetch` returns until kRefreshMargin before its expiration (forever when it has
// none). If a refresh fails while the cached credentials have not yet expired, they are kept.
class CachingProvider final : public CredentialsProvider {
 public:
  CachingProvider(std::function<Result<Credentials>()> fetch, Clock& clock,
                  Duration margin = kRefreshMargin);
  Result<Credentials> Get() override;

 private:
  std::function<Result<Credentials>()> fetch_;
  Clock& clock_;
  Duration margin_;
  std::mutex mu_;
  std::optional<Credentials> cached_;
};

// Tries each link in order (see the file comment) and sticks to the first that answers.
class ChainProvider final : public CredentialsProvider {
 public:
  explicit ChainProvider(std::vector<std::unique_ptr<CredentialsProvider>> links);
  Result<Credentials> Get() override;

 private:
  std::vector<std::unique_ptr<CredentialsProvider>> links_;
  std::mutex mu_;
  CredentialsProvider* chosen_ = nullptr;
};

struct ChainOptions {
  Credentials explicit_credentials;  // aws_access_key_id / aws_secret_access_key / token
  std::string profile;               // aws_profile; empty = AWS_PROFILE or "default"
  Environment env = Environment::Process();
  // Used for role_arn profiles (AssumeRole). Empty = StsAssumeRole(sts_options, sts_region).
  AssumeRoleFn assume_role;
  TransportOptions sts_options;
  std::string sts_region = "us-east-1";
  HttpSend imds_send;  // empty = http::Perform
};

std::shared_ptr<CredentialsProvider> MakeDefaultChain(ChainOptions options, Clock& clock);

}  // namespace ccm::aws
