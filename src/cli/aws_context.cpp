#include "cli/aws_context.hpp"

#include "aws/credential_chain.hpp"
#include "aws/endpoints.hpp"
#include "aws/environment.hpp"

namespace ccm::cli {

aws::TransportOptions AwsTransportOptions(const config::Settings& s) {
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

std::unique_ptr<AwsContext> MakeAwsContext(const config::Settings& s, Clock& clock,
                                           const std::string& credentials_source) {
  auto ctx = std::make_unique<AwsContext>();
  aws::TransportOptions options = AwsTransportOptions(s);
  aws::ChainOptions chain;
  chain.explicit_credentials =
      aws::Credentials{s.aws_access_key_id, s.aws_secret_access_key, s.aws_session_token,
                       std::nullopt, credentials_source};
  chain.profile = s.aws_profile;
  chain.sts_options = options;
  chain.sts_region = s.aws_default_region;
  ctx->chain = aws::MakeDefaultChain(std::move(chain), clock);
  std::vector<aws::AccountRole> roles;
  for (const auto& [name, account] : s.aws_accounts) {
    aws::AccountRole role;
    role.name = name;
    role.role_arn = account.role_arn;
    role.external_id = account.external_id;
    role.session_name = "ccm-" + name;
    roles.push_back(std::move(role));
  }
  ctx->accounts = std::make_unique<aws::AccountCredentials>(
      ctx->chain, std::move(roles), aws::StsAssumeRole(options, s.aws_default_region, clock),
      clock);
  ctx->transport = aws::MakeQueryTransport(options, ctx->accounts->Lookup(), clock);
  return ctx;
}

int AwsExitCode(const Error& error) {
  if (error.code == Code::kUnauthenticated || error.code == Code::kPermissionDenied) {
    return kExitAwsAuth;
  }
  if (error.code == Code::kInvalidArgument && error.provider_code.empty()) {
    return kExitInvalidSettings;
  }
  return kExitAwsFailure;
}

}  // namespace ccm::cli
