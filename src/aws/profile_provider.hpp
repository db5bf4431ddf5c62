#pragma once
// Credentials from the shared files' profile (see shared_config.hpp): static keys
// (aws_access_key_id, aws_secret_access_key, aws_session_token), or role_arn with source_profile
// (another profile, which may itself assume a role) or credential_source (Environment,
// Ec2InstanceMetadata), plus external_id, role_session_name and duration_seconds, resolved with
// STS AssumeRole. The files are read at each Get() (wrap in CachingProvider).
// kNotFound when the default profile does not exist; kInvalidArgument (naming the profile and
// the key) when a profile chosen by name is missing or broken, or a source_profile loops.
// Thread-safe.
#include <set>
#include <string>

#include "aws/credential_chain.hpp"
#include "aws/shared_config.hpp"

namespace ccm::aws {

class ProfileProvider final : public CredentialsProvider {
 public:
  ProfileProvider(Environment env, std::string explicit_profile, AssumeRoleFn assume_role,
                  HttpSend imds_send = {});
  Result<Credentials> Get() override;

 private:
  Result<Credentials> Resolve(const ProfileMap& profiles, const std::string& name,
                              std::set<std::string>& visited);
  Result<Credentials> AssumeFrom(const std::map<std::string, std::string>& profile,
                                 const std::string& name, const Credentials& source);
  Result<Credentials> StaticFrom(const std::map<std::string, std::string>& profile,
                                 const std::string& name);
  Result<Credentials> FromCredentialSource(const std::string& name, const std::string& source);

  Environment env_;
  std::string explicit_profile_;
  AssumeRoleFn assume_role_;
  HttpSend imds_send_;
};

}  // namespace ccm::aws
