#pragma once
// Test helpers for the config tests: temporary YAML files and problem matching.
#include <gmock/gmock.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/loader.hpp"
#include "core/ids.hpp"

namespace ccm::config::testing {

// Writes text to a new file under the temp directory and returns its path.
inline std::string WriteTempFile(const std::string& text, const std::string& suffix = ".yaml") {
  auto path = std::filesystem::temp_directory_path() / ("ccm-config-" + RandomHex(8) + suffix);
  std::ofstream(path) << text;
  return path.string();
}

// Settings that validate: the defaults plus an AMI for the default region.
inline Settings ValidSettings() {
  Settings s;
  s.cml_worker_ami_config["us-east-1"].ami_id = "ami-0123456789abcdef0";
  return s;
}

// Loads with only the given environment (no YAML file unless given) and no flags.
inline LoadReport LoadEnv(std::map<std::string, std::string> env, bool validate = false) {
  LoadInput input;
  input.config_file = WriteTempFile("");
  input.env = std::move(env);
  input.validate = validate;
  return LoadSettings(input);
}

// Matches a problem line about `setting` whose reason contains `reason`.
inline ::testing::Matcher<const std::vector<std::string>&> HasProblem(const std::string& setting,
                                                                      const std::string& reason) {
  return ::testing::Contains(
      ::testing::AllOf(::testing::StartsWith(setting + ": "), ::testing::HasSubstr(reason)));
}

}  // namespace ccm::config::testing
