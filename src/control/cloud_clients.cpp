#include "control/cloud_clients.hpp"

#include <algorithm>

#include "aws/account_credentials.hpp"
#include "aws/cloudwatch_client.hpp"
#include "aws/credential_chain.hpp"
#include "aws/ec2_client.hpp"
#include "aws/endpoints.hpp"
#include "aws/environment.hpp"
#include "aws/transport.hpp"

namespace ccm::control {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

aws::TransportOptions TransportOptionsFrom(const config::Settings& s) {
  aws::TransportOptions o;
  o.endpoint_url = s.aws_endpoint_url;
  auto set = [&o](const char* service, const std::string& url) {
    if (!url.empty()) o.service_endpoints[service] = url;
  };
  set("ec2", s.aws_endpoint_url_ec2);
  set("monitoring", s.aws_endpoint_url_cloudwatch);
  set("sts", s.aws_endpoint_url_sts);
  set("iam", s.aws_endpoint_url_iam);
  aws::ApplyEndpointEnvironment(aws::Environment::Process(), o);
  o.max_attempts = static_cast<int>(s.aws_max_attempts);
  o.connect_timeout = config::Seconds(s.aws_connect_timeout_seconds);
  o.timeout = config::Seconds(s.aws_request_timeout_seconds);
  return o;
}

// One Ec2Client and one CloudWatchClient over one transport serve every scope: the account and
// region travel with each call, so there is nothing per scope worth caching beyond them.
class TransportCloudClients final : public CloudClients {
 public:
  TransportCloudClients(config::Settings settings, std::unique_ptr<aws::QueryTransport> transport,
                        std::shared_ptr<aws::CredentialsProvider> chain = nullptr,
                        std::unique_ptr<aws::AccountCredentials> accounts = nullptr)
      : settings_(std::move(settings)),
        chain_(std::move(chain)),
        accounts_(std::move(accounts)),
        transport_(std::move(transport)),
        ec2_(*transport_),
        cloudwatch_(*transport_) {}

  Result<aws::Ec2Api*> Ec2(const std::string& account, const std::string& region) override {
    if (auto st = ValidateScope(settings_, account, region); !st) return Fail(st.error());
    return &ec2_;
  }
  Result<aws::CloudWatchApi*> CloudWatch(const std::string& account,
                                         const std::string& region) override {
    if (auto st = ValidateScope(settings_, account, region); !st) return Fail(st.error());
    return &cloudwatch_;
  }

 private:
  config::Settings settings_;
  std::shared_ptr<aws::CredentialsProvider> chain_;
  std::unique_ptr<aws::AccountCredentials> accounts_;  // the transport's credentials lookup
  std::unique_ptr<aws::QueryTransport> transport_;
  aws::Ec2Client ec2_;
  aws::CloudWatchClient cloudwatch_;
};

}  // namespace

Status ValidateScope(const config::Settings& s, const std::string& account,
                     const std::string& region) {
  const std::vector<std::string>* regions = &s.aws_allowed_regions;
  if (!account.empty()) {
    auto it = s.aws_accounts.find(account);
    if (it == s.aws_accounts.end()) {
      return InvalidArgument("account", "unknown account '" + account + "' (not in aws_accounts)");
    }
    if (!it->second.regions.empty()) regions = &it->second.regions;
  }
  if (region.empty()) return InvalidArgument("region", "is required");
  if (!Contains(*regions, region)) {
    std::string allowed;
    for (const auto& r : *regions) allowed += (allowed.empty() ? "" : ", ") + r;
    return InvalidArgument("region", "region '" + region + "' is not allowed" +
                                         (account.empty() ? "" : " for account '" + account + "'") +
                                         " (allowed: " + allowed + ")");
  }
  return Ok();
}

std::unique_ptr<CloudClients> MakeCloudClients(const config::Settings& s, Clock& clock) {
  aws::TransportOptions options = TransportOptionsFrom(s);
  aws::ChainOptions chain_options;
  chain_options.explicit_credentials = aws::Credentials{
      s.aws_access_key_id, s.aws_secret_access_key, s.aws_session_token, std::nullopt, "settings"};
  chain_options.profile = s.aws_profile;
  chain_options.sts_options = options;
  chain_options.sts_region = s.aws_default_region;
  auto chain = aws::MakeDefaultChain(std::move(chain_options), clock);
  std::vector<aws::AccountRole> roles;
  for (const auto& [name, account] : s.aws_accounts) {
    aws::AccountRole role;
    role.name = name;
    role.role_arn = account.role_arn;
    role.external_id = account.external_id;
    role.session_name = "ccm-" + name;
    roles.push_back(std::move(role));
  }
  auto accounts = std::make_unique<aws::AccountCredentials>(
      chain, std::move(roles), aws::StsAssumeRole(options, s.aws_default_region, clock), clock);
  auto transport = aws::MakeQueryTransport(options, accounts->Lookup(), clock);
  return std::make_unique<TransportCloudClients>(s, std::move(transport), std::move(chain),
                                                 std::move(accounts));
}

std::unique_ptr<CloudClients> MakeCloudClientsWithTransport(
    const config::Settings& s, std::unique_ptr<aws::QueryTransport> transport) {
  return std::make_unique<TransportCloudClients>(s, std::move(transport));
}

}  // namespace ccm::control
