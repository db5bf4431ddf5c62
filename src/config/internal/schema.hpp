#pragma once
// Internal: the table of every setting (name, group, help, secret flag, how its environment or
// flag text is read, and how it is decoded into / encoded from Settings). Adding a setting is a
// field in settings.hpp, one row in schema.cpp, an entry in config/ccm.example.yaml and, when it
// has rules, a check in validate_*.cpp. Include only in .cpp files.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/internal/codec.hpp"
#include "config/settings.hpp"

namespace ccm::config::internal {

// How the text of an environment variable or a flag becomes a raw value.
enum class TextForm {
  kScalar,  // the text itself
  kList,    // a JSON array, or a comma-separated list
  kJson,    // JSON only (maps and lists of maps)
};

struct SettingDef {
  std::string name;
  std::string group;
  std::string help;
  TextForm form = TextForm::kScalar;
  bool secret = false;
  std::vector<std::string> aliases;  // other names accepted in every layer
  std::function<bool(const Json& raw, Settings* s, const DecodeContext& ctx)> decode;
  std::function<Json(const Settings& s)> encode;
};

// Every setting, in the order they are rendered.
const std::vector<SettingDef>& Schema();

// The setting called `name` (or having it as an alias), nullptr when none.
const SettingDef* FindSetting(std::string_view name);

// Every name and alias, for "did you mean" hints.
const std::vector<std::string>& AllSettingNames();

// NAME_UPPER_CASED for an environment variable.
std::string EnvName(std::string_view name);
// --name-with-dashes for a flag.
std::string FlagName(std::string_view name);

}  // namespace ccm::config::internal
