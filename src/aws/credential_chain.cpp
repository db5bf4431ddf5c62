#include "aws/credential_chain.hpp"

#include <utility>

#include "aws/imds.hpp"
#include "aws/profile_provider.hpp"
#include "core/log.hpp"

namespace ccm::aws {

AssumeRoleFn StsAssumeRole(TransportOptions options, std::string region, Clock& clock) {
  return [options = std::move(options), region = std::move(region), &clock](
             const AssumeRoleRequest& request, const Credentials& source) -> Result<Credentials> {
    auto transport = MakeQueryTransport(
        options, [source](const std::string&) -> Result<Credentials> { return source; }, clock);
    StsClient sts(*transport, region);
    AssumeRoleRequest req = request;
    req.account = "";
    return sts.AssumeRole(req);
  };
}

StaticProvider::StaticProvider(Credentials creds) : creds_(std::move(creds)) {
  log::RegisterSecret(creds_.secret_access_key);
  log::RegisterSecret(creds_.session_token);
  if (creds_.source.empty()) creds_.source = "settings";
}

Result<Credentials> StaticProvider::Get() {
  if (creds_.access_key_id.empty()) {
    if (!creds_.secret_access_key.empty()) {
      return InvalidArgument("aws_access_key_id", "is empty but aws_secret_access_key is set");
    }
    return MakeError(Code::kNotFound, "no aws_access_key_id setting");
  }
  if (creds_.secret_access_key.empty()) {
    return InvalidArgument("aws_secret_access_key", "is empty but aws_access_key_id is set");
  }
  return creds_;
}

Result<Credentials> EnvironmentProvider::Get() {
  Credentials c;
  c.access_key_id = env_.Get("AWS_ACCESS_KEY_ID");
  c.secret_access_key = env_.Get("AWS_SECRET_ACCESS_KEY");
  c.session_token = env_.Get("AWS_SESSION_TOKEN");
  c.source = "environment";
  log::RegisterSecret(c.secret_access_key);
  log::RegisterSecret(c.session_token);
  if (c.access_key_id.empty() && c.secret_access_key.empty()) {
    return MakeError(Code::kNotFound, "AWS_ACCESS_KEY_ID is not set");
  }
  if (c.access_key_id.empty()) {
    return InvalidArgument("AWS_ACCESS_KEY_ID", "is not set but AWS_SECRET_ACCESS_KEY is");
  }
  if (c.secret_access_key.empty()) {
    return InvalidArgument("AWS_SECRET_ACCESS_KEY", "is not set but AWS_ACCESS_KEY_ID is");
  }
  return c;
}

CachingProvider::CachingProvider(std::function<Result<Credentials>()> fetch, Clock& clock,
                                 Duration margin)
    : fetch_(std::move(fetch)), clock_(clock), margin_(margin) {}

Result<Credentials> CachingProvider::Get() {
  std::lock_guard lock(mu_);
  TimePoint now = clock_.Now();
  if (cached_ && (!cached_->expiration || now < *cached_->expiration - margin_)) return *cached_;
  auto fresh = fetch_();
  if (fresh) {
    cached_ = *fresh;
    return fresh;
  }
  if (cached_ && cached_->expiration && now < *cached_->expiration) {
    log::Warn("aws credentials refresh failed; using the current ones until they expire",
              {{"source", cached_->source}, {"error", fresh.error().ToString()}});
    return *cached_;
  }
  return fresh;
}

ChainProvider::ChainProvider(std::vector<std::unique_ptr<CredentialsProvider>> links)
    : links_(std::move(links)) {}

Result<Credentials> ChainProvider::Get() {
  std::lock_guard lock(mu_);
  if (chosen_) return chosen_->Get();
  std::string tried;
  for (auto& link : links_) {
    auto creds = link->Get();
    if (creds) {
      chosen_ = link.get();
      log::Debug("aws credentials found", {{"source", creds->source}});
      return creds;
    }
    if (creds.error().code != Code::kNotFound) return creds;
    tried += (tried.empty() ? "" : "; ") + creds.error().message;
  }
  return MakeError(Code::kUnauthenticated,
                   "no AWS credentials found: set aws_access_key_id/aws_secret_access_key, "
                   "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile in ~/.aws/credentials "
                   "(AWS_PROFILE), or run on EC2 with an instance role (" +
                       tried + ")");
}

std::shared_ptr<CredentialsProvider> MakeDefaultChain(ChainOptions options, Clock& clock) {
  if (!options.assume_role) {
    options.assume_role = StsAssumeRole(options.sts_options, options.sts_region, clock);
  }
  std::vector<std::unique_ptr<CredentialsProvider>> links;
  links.push_back(std::make_unique<StaticProvider>(options.explicit_credentials));
  links.push_back(std::make_unique<EnvironmentProvider>(options.env));
  auto profile = std::make_shared<ProfileProvider>(options.env, options.profile,
                                                   options.assume_role, options.imds_send);
  links.push_back(std::make_unique<CachingProvider>([profile] { return profile->Get(); }, clock));
  auto imds = std::make_shared<ImdsProvider>(options.env, options.imds_send);
  links.push_back(std::make_unique<CachingProvider>([imds] { return imds->Get(); }, clock));
  return std::make_shared<ChainProvider>(std::move(links));
}

}  // namespace ccm::aws
