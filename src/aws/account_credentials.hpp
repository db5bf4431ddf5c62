#pragma once
// Credentials per managed account, for the transport's CredentialsLookup: account "" is the
// default chain; a named account (an aws_accounts entry) is an STS AssumeRole of its role_arn
// (with its external_id) signed by the default chain's credentials, cached and refreshed
// kRefreshMargin (5 min) before expiry on the injected Clock; an unknown name is
// kInvalidArgument naming the account. Thread-safe; each account refreshes independently.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aws/credential_chain.hpp"
#include "aws/transport.hpp"

namespace ccm::aws {

struct AccountRole {
  std::string name;  // the aws_accounts key
  std::string role_arn;
  std::string external_id;  // optional
  std::string session_name = "ccm";
  std::chrono::seconds duration{3600};
};

class AccountCredentials {
 public:
  AccountCredentials(std::shared_ptr<CredentialsProvider> default_chain,
                     std::vector<AccountRole> accounts, AssumeRoleFn assume_role, Clock& clock,
                     Duration refresh_margin = kRefreshMargin);

  Result<Credentials> Get(const std::string& account);
  // A lookup bound to this object (which must outlive the transport using it).
  CredentialsLookup Lookup();
  std::vector<std::string> AccountNames() const;

 private:
  std::shared_ptr<CredentialsProvider> default_chain_;
  std::map<std::string, AccountRole> roles_;
  std::map<std::string, std::unique_ptr<CachingProvider>> providers_;
};

// Checks an account list: names unique and non-empty, role_arn shaped like
// arn:aws:iam::<12 digits>:role/<name> (any partition). kInvalidArgument names the field.
Status ValidateAccounts(const std::vector<AccountRole>& accounts);

}  // namespace ccm::aws
