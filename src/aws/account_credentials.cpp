#include "aws/account_credentials.hpp"

#include <regex>
#include <set>

namespace ccm::aws {

AccountCredentials::AccountCredentials(std::shared_ptr<CredentialsProvider> default_chain,
                                       std::vector<AccountRole> accounts, AssumeRoleFn assume_role,
                                       Clock& clock, Duration refresh_margin)
    : default_chain_(std::move(default_chain)) {
  for (auto& account : accounts) {
    std::string name = account.name;
    roles_[name] = account;
    auto fetch = [chain = default_chain_, assume_role,
                  role = std::move(account)]() -> Result<Credentials> {
      auto source = chain->Get();
      if (!source) return source;
      AssumeRoleRequest req;
      req.role_arn = role.role_arn;
      req.external_id = role.external_id;
      req.session_name = role.session_name;
      req.duration = role.duration;
      auto creds = assume_role(req, *source);
      if (!creds) {
        Error e = creds.error();
        e.message = "account '" + role.name + "': AssumeRole " + role.role_arn + ": " + e.message;
        return Fail(std::move(e));
      }
      creds->source = "account:" + role.name;
      return creds;
    };
    providers_[name] = std::make_unique<CachingProvider>(std::move(fetch), clock, refresh_margin);
  }
}

Result<Credentials> AccountCredentials::Get(const std::string& account) {
  if (account.empty()) return default_chain_->Get();
  auto it = providers_.find(account);
  if (it == providers_.end()) {
    return InvalidArgument("account",
                           "'" + account + "' is not one of the configured aws_accounts");
  }
  return it->second->Get();
}

CredentialsLookup AccountCredentials::Lookup() {
  return [this](const std::string& account) { return Get(account); };
}

std::vector<std::string> AccountCredentials::AccountNames() const {
  std::vector<std::string> names;
  for (const auto& [name, role] : roles_) names.push_back(name);
  return names;
}

Status ValidateAccounts(const std::vector<AccountRole>& accounts) {
  static const std::regex kRoleArn(R"(arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+)");
  std::set<std::string> seen;
  for (const auto& a : accounts) {
    if (a.name.empty()) return InvalidArgument("aws_accounts", "an account has an empty name");
    if (!seen.insert(a.name).second) {
      return InvalidArgument("aws_accounts." + a.name, "the name is used twice");
    }
    if (!std::regex_match(a.role_arn, kRoleArn)) {
      return InvalidArgument("aws_accounts." + a.name + ".role_arn",
                             "must look like arn:aws:iam::123456789012:role/Name");
    }
  }
  return Ok();
}

}  // namespace ccm::aws
