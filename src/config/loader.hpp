#pragma once
// Loading settings from their layers: built-in defaults < YAML file < environment < flags.
//
// - YAML: LoadInput::config_file when given (a missing file is a problem), else ./ccm.yaml when
//   it exists. Unknown keys are problems with a "did you mean" hint; "key:" with no value leaves
//   the setting to the layer below.
// - Environment: the setting name upper-cased (CML_WORKER_IDLE_THRESHOLD_MINUTES). Maps and lists
//   of maps take JSON; string lists take a JSON array or a comma-separated list. Empty values
//   count as unset. The environment is an injected map (ReadProcessEnvironment() for the real
//   one) so tests never touch the process environment.
// - Flags: setting name -> text, as collected by config/flags.hpp; parsed like the environment.
// A layer replaces a setting's whole value (maps are not merged across layers). After decoding,
// the flat worker settings are merged into the per-region maps (the higher layer wins; within a
// layer the flat setting wins) and database_url is derived from data_dir when not set.
// Every secret value is registered with log::RegisterSecret, and problem lines are redacted.
// Errors are reported as problems, never thrown. Loads may run concurrently (the secret registry
// of core/log is thread-safe).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "core/error.hpp"

namespace ccm::config {

struct LoadInput {
  std::optional<std::string> config_file;    // --config; nullopt = ./ccm.yaml when present
  std::map<std::string, std::string> env;    // NAME -> value
  std::map<std::string, std::string> flags;  // setting name -> value text
  bool validate = true;                      // false: decoding problems only
};

struct LoadReport {
  Settings settings;
  std::vector<std::string> problems;  // one line each; empty = valid
  std::string config_file;            // the YAML file read, "" when none
  // setting name -> where its value came from: "default", "in FILE", "from environment variable
  // X", "from flag --x", "derived".
  std::map<std::string, std::string> sources;

  bool ok() const { return problems.empty(); }
};

LoadReport LoadSettings(const LoadInput& input);

// LoadSettings as a Result: kInvalidArgument whose message lists every problem, one per line.
Result<Settings> LoadValidSettings(const LoadInput& input);

// The process environment (environ) as a map.
std::map<std::string, std::string> ReadProcessEnvironment();

// Registers every secret value held by `s` (also webhook secrets and a database_url password)
// with log::RegisterSecret.
void RegisterSecrets(const Settings& s);

}  // namespace ccm::config
