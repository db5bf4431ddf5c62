#include "aws/profile_provider.hpp"

#include "aws/imds.hpp"
#include "core/log.hpp"

namespace ccm::aws {
namespace {

std::string Value(const std::map<std::string, std::string>& p, const std::string& key) {
  auto it = p.find(key);
  return it == p.end() ? "" : it->second;
}

tl::unexpected<Error> Broken(const std::string& profile, const std::string& reason) {
  return InvalidArgument("aws_profile", "profile '" + profile + "': " + reason);
}

}  // namespace

ProfileProvider::ProfileProvider(Environment env, std::string explicit_profile,
                                 AssumeRoleFn assume_role, HttpSend imds_send)
    : env_(std::move(env)),
      explicit_profile_(std::move(explicit_profile)),
      assume_role_(std::move(assume_role)),
      imds_send_(std::move(imds_send)) {}

Result<Credentials> ProfileProvider::Get() {
  ProfileMap profiles = LoadSharedProfiles(env_);
  std::string name = SelectedProfile(env_, explicit_profile_);
  if (profiles.count(name) == 0) {
    if (name == "default" && explicit_profile_.empty()) {
      return MakeError(Code::kNotFound, "no [default] profile in the shared AWS files");
    }
    return Broken(name, "not found in the shared credentials or config file");
  }
  std::set<std::string> visited;
  return Resolve(profiles, name, visited);
}

Result<Credentials> ProfileProvider::Resolve(const ProfileMap& profiles, const std::string& name,
                                             std::set<std::string>& visited) {
  if (!visited.insert(name).second) return Broken(name, "source_profile loops back to itself");
  auto it = profiles.find(name);
  if (it == profiles.end()) return Broken(name, "not found (named as a source_profile)");
  const auto& p = it->second;
  bool has_keys = !Value(p, "aws_access_key_id").empty();
  // As in the SDKs: a profile used as a source uses its static keys when it has them, even if it
  // also names a role; a profile that is its own source_profile does the same.
  bool is_source = visited.size() > 1;
  if (Value(p, "role_arn").empty() || (is_source && has_keys)) {
    if (!has_keys && !is_source && name == "default" && explicit_profile_.empty() &&
        env_.Get("AWS_PROFILE").empty()) {
      return MakeError(Code::kNotFound, "the [default] profile has no keys");
    }
    return StaticFrom(p, name);
  }
  std::string source_profile = Value(p, "source_profile");
  std::string credential_source = Value(p, "credential_source");
  Result<Credentials> source = Broken(name, "role_arn needs source_profile or credential_source");
  if (source_profile == name && has_keys) {
    source = StaticFrom(p, name);
  } else if (!source_profile.empty()) {
    source = Resolve(profiles, source_profile, visited);
  } else if (!credential_source.empty()) {
    source = FromCredentialSource(name, credential_source);
  }
  if (!source) return source;
  return AssumeFrom(p, name, *source);
}

Result<Credentials> ProfileProvider::StaticFrom(const std::map<std::string, std::string>& p,
                                                const std::string& name) {
  Credentials c;
  c.access_key_id = Value(p, "aws_access_key_id");
  c.secret_access_key = Value(p, "aws_secret_access_key");
  c.session_token = Value(p, "aws_session_token");
  log::RegisterSecret(c.secret_access_key);
  log::RegisterSecret(c.session_token);
  c.source = "profile:" + name;
  if (c.access_key_id.empty()) return Broken(name, "no aws_access_key_id (and no role_arn)");
  if (c.secret_access_key.empty()) {
    return Broken(name, "aws_access_key_id without aws_secret_access_key");
  }
  return c;
}

Result<Credentials> ProfileProvider::FromCredentialSource(const std::string& name,
                                                          const std::string& source) {
  if (source == "Environment") return EnvironmentProvider(env_).Get();
  if (source == "Ec2InstanceMetadata") return ImdsProvider(env_, imds_send_).Get();
  return Broken(name, "credential_source '" + source +
                          "' is not supported (use Environment or Ec2InstanceMetadata)");
}

Result<Credentials> ProfileProvider::AssumeFrom(const std::map<std::string, std::string>& p,
                                                const std::string& name,
                                                const Credentials& source) {
  AssumeRoleRequest req;
  req.role_arn = Value(p, "role_arn");
  req.external_id = Value(p, "external_id");
  std::string session = Value(p, "role_session_name");
  if (!session.empty()) req.session_name = session;
  std::string duration = Value(p, "duration_seconds");
  if (!duration.empty()) {
    char* end = nullptr;
    long secs = std::strtol(duration.c_str(), &end, 10);
    if (*end != '\0' || secs < 900 || secs > 43200) {
      return Broken(name, "duration_seconds must be a whole number from 900 to 43200");
    }
    req.duration = std::chrono::seconds(secs);
  }
  auto creds = assume_role_(req, source);
  if (!creds) {
    Error e = creds.error();
    e.message = "profile '" + name + "': AssumeRole " + req.role_arn + ": " + e.message;
    return Fail(std::move(e));
  }
  creds->source = "profile:" + name + " (assume-role " + req.role_arn + ")";
  return creds;
}

}  // namespace ccm::aws
