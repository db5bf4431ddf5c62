#pragma once
// The SDKs' shared files: ~/.aws/credentials (sections "[name]") and ~/.aws/config (sections
// "[profile name]" and "[default]"), INI-style: "key = value", '#' and ';' comments, indented
// sub-settings (e.g. "s3 =\n  max_concurrent_requests = 10") skipped. Keys are lower-cased.
// Pure functions, thread-safe.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "aws/environment.hpp"

namespace ccm::aws {

using ProfileMap = std::map<std::string, std::map<std::string, std::string>>;

// Sections of an INI text, named as written ("profile dev", "default").
ProfileMap ParseIni(std::string_view text);

// Profiles from both files, credentials-file values winning over config-file values for the same
// key. Files come from AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE, else $HOME/.aws/...;
// missing files are empty.
ProfileMap LoadSharedProfiles(const Environment& env);

// The profile to use: `explicit_profile`, else AWS_PROFILE, else "default".
std::string SelectedProfile(const Environment& env, const std::string& explicit_profile);

}  // namespace ccm::aws
