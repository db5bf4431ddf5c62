#pragma once
// Internal: each configuration layer (YAML file, environment, flags) read into raw values keyed by
// canonical setting name. Problems found while reading (YAML syntax, unknown keys, malformed JSON
// in an environment variable) are appended to `problems`, one line each. Include only in .cpp.
#include <map>
#include <string>
#include <vector>

#include "core/json.hpp"

namespace ccm::config::internal {

struct RawEntry {
  Json raw;
  std::string origin;  // "in FILE", "from environment variable X", "from flag --x"
};

struct Layer {
  int rank = 0;  // 1 = YAML, 2 = environment, 3 = flags; built-in defaults are rank 0
  std::map<std::string, RawEntry> entries;
};

inline constexpr int kDefaultRank = 0;
inline constexpr int kYamlRank = 1;
inline constexpr int kEnvRank = 2;
inline constexpr int kFlagRank = 3;

// The YAML document `text` read from `path`.
Layer YamlLayer(const std::string& text, const std::string& path,
                std::vector<std::string>* problems);

// Variables named after settings (upper-cased), e.g. CML_WORKER_IDLE_THRESHOLD_MINUTES; other
// variables are ignored. Empty values count as unset.
Layer EnvLayer(const std::map<std::string, std::string>& env, std::vector<std::string>* problems);

// Flag values keyed by setting name (as given by SettingsFlags).
Layer FlagLayer(const std::map<std::string, std::string>& flags,
                std::vector<std::string>* problems);

}  // namespace ccm::config::internal
