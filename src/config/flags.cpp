#include "config/flags.hpp"

#include <CLI/CLI.hpp>

#include "config/internal/schema.hpp"

namespace ccm::config {
namespace {

std::string HelpFor(const internal::SettingDef& def, const Json& default_value) {
  std::string help = def.help + " [env " + internal::EnvName(def.name);
  if (!def.secret && default_value.is_primitive() && !default_value.is_null()) {
    std::string shown =
        default_value.is_string() ? default_value.get<std::string>() : default_value.dump();
    if (!shown.empty()) help += ", default " + shown;
  }
  return help + "]";
}

Json DefaultsJson() {
  const Settings defaults;
  Json out = Json::object();
  for (const auto& def : internal::Schema()) out[def.name] = def.encode(defaults);
  return out;
}

const char* TypeName(const internal::SettingDef& def, bool boolean) {
  if (boolean) return "[BOOL]";
  switch (def.form) {
    case internal::TextForm::kScalar:
      return "VALUE";
    case internal::TextForm::kList:
      return "LIST";
    case internal::TextForm::kJson:
      return "JSON";
  }
  return "VALUE";
}

}  // namespace

void SettingsFlags::Register(CLI::App& cmd) {
  cmd.add_option_function<std::string>(
         "--config", [this](const std::string& path) { config_file_ = path; },
         "YAML settings file (default ./ccm.yaml when present)")
      ->type_name("FILE");
  const Json defaults = DefaultsJson();
  for (const auto& def : internal::Schema()) {
    std::string names = internal::FlagName(def.name);
    for (const auto& alias : def.aliases) names += "," + internal::FlagName(alias);
    const Json& default_value = defaults[def.name];
    const bool boolean = default_value.is_boolean();
    const std::string name = def.name;
    CLI::Option* option = cmd.add_option_function<std::string>(
        names,
        [this, name, boolean](const std::string& text) {
          values_[name] = boolean && text.empty() ? "true" : text;
        },
        HelpFor(def, default_value));
    option->group("Settings (" + def.group + ")");
    option->type_name(TypeName(def, boolean));
    if (boolean) option->expected(0, 1);
  }
}

LoadInput SettingsFlags::ToLoadInput(std::map<std::string, std::string> env) const {
  LoadInput input;
  input.config_file = config_file_;
  input.env = std::move(env);
  input.flags = values_;
  return input;
}

LoadReport SettingsFlags::Load() const {
  return LoadSettings(ToLoadInput(ReadProcessEnvironment()));
}

std::shared_ptr<SettingsFlags> AddSettingsFlags(CLI::App& cmd) {
  auto flags = std::make_shared<SettingsFlags>();
  flags->Register(cmd);
  return flags;
}

}  // namespace ccm::config
