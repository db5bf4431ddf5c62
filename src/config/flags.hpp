#pragma once
// Command-line flags for settings, on any CLI11 subcommand (ccm serve, ccm config check,
// ccm reconcile ...): --config FILE, and --<name-with-dashes> VALUE for every setting (e.g.
// --listen 127.0.0.1:9090, --data-dir DIR, --cml-worker-idle-threshold-minutes 0.5). Boolean
// settings also accept the bare flag (--sandbox = --sandbox true). Map and list settings take the
// same text as their environment variable (JSON, or a comma-separated list for string lists).
// Flag values are the top layer of config/loader.hpp. Not thread-safe: fill by parsing, then read.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "config/loader.hpp"

namespace CLI {
class App;
}

namespace ccm::config {

class SettingsFlags {
 public:
  // Adds the flags to `cmd`. This object must outlive the parse.
  void Register(CLI::App& cmd);

  const std::optional<std::string>& config_file() const { return config_file_; }
  // setting name -> text, only for the flags given.
  const std::map<std::string, std::string>& values() const { return values_; }

  // A LoadInput with these flags over `env`.
  LoadInput ToLoadInput(std::map<std::string, std::string> env) const;
  // LoadSettings over the process environment.
  LoadReport Load() const;

 private:
  std::optional<std::string> config_file_;
  std::map<std::string, std::string> values_;
};

// Registers settings flags on cmd; capture the result in the command's callback.
std::shared_ptr<SettingsFlags> AddSettingsFlags(CLI::App& cmd);

}  // namespace ccm::config
