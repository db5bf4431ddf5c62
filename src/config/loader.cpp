#include "config/loader.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/internal/checks.hpp"
#include "config/internal/merge.hpp"
#include "config/internal/schema.hpp"
#include "config/internal/sources.hpp"
#include "config/validate.hpp"
#include "core/log.hpp"

extern char** environ;

namespace ccm::config {
namespace {

using internal::Layer;

constexpr const char* kDefaultConfigFile = "ccm.yaml";

// The YAML layer, when there is a file to read.
std::optional<Layer> ReadYaml(const LoadInput& input, LoadReport* report) {
  std::string path;
  if (input.config_file) {
    path = *input.config_file;
  } else {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(kDefaultConfigFile, ec)) return std::nullopt;
    path = std::string("./") + kDefaultConfigFile;
  }
  std::ifstream file(path, std::ios::binary);
  std::error_code ec;
  if (!file || std::filesystem::is_directory(path, ec)) {
    report->problems.push_back("config: cannot read config file " + path +
                               (std::filesystem::exists(path, ec) ? "" : " (no such file)"));
    return std::nullopt;
  }
  std::ostringstream text;
  text << file.rdbuf();
  report->config_file = path;
  return internal::YamlLayer(text.str(), path, &report->problems);
}

// Decodes each setting from the highest layer that has it; returns setting -> rank.
std::map<std::string, int> DecodeLayers(const std::vector<Layer>& layers, LoadReport* report) {
  std::map<std::string, int> ranks;
  for (const auto& def : internal::Schema()) {
    report->sources[def.name] = "default";
    for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
      auto it = layer->entries.find(def.name);
      if (it == layer->entries.end()) continue;
      internal::DecodeContext ctx{it->second.origin, &report->problems};
      if (def.decode(it->second.raw, &report->settings, ctx)) {
        ranks[def.name] = layer->rank;
        report->sources[def.name] = it->second.origin;
      }
      break;
    }
  }
  return ranks;
}

}  // namespace

void RegisterSecrets(const Settings& s) {
  for (const auto& def : internal::Schema()) {
    if (!def.secret) continue;
    Json value = def.encode(s);
    if (value.is_string()) log::RegisterSecret(value.get<std::string>());
  }
  for (const auto& hook : s.webhooks) log::RegisterSecret(hook.secret);
  for (const auto& [offset, length] : internal::PasswordSpans(s.database_url)) {
    log::RegisterSecret(std::string_view(s.database_url).substr(offset, length));
  }
}

LoadReport LoadSettings(const LoadInput& input) {
  LoadReport report;
  std::vector<Layer> layers;
  if (auto yaml = ReadYaml(input, &report)) layers.push_back(std::move(*yaml));
  layers.push_back(internal::EnvLayer(input.env, &report.problems));
  layers.push_back(internal::FlagLayer(input.flags, &report.problems));
  std::map<std::string, int> ranks = DecodeLayers(layers, &report);
  internal::MergeFlatSettings(&report.settings, ranks);
  if (internal::DeriveDatabaseUrl(&report.settings)) report.sources["database_url"] = "derived";
  RegisterSecrets(report.settings);
  if (input.validate) {
    for (auto& problem : Validate(report.settings)) report.problems.push_back(std::move(problem));
  }
  for (auto& problem : report.problems) problem = log::Redact(problem);
  return report;
}

Result<Settings> LoadValidSettings(const LoadInput& input) {
  LoadReport report = LoadSettings(input);
  if (report.ok()) return std::move(report.settings);
  std::string message = "invalid settings:";
  for (const auto& problem : report.problems) message += "\n" + problem;
  return MakeError(Code::kInvalidArgument, message);
}

std::map<std::string, std::string> ReadProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    size_t eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return env;
}

}  // namespace ccm::config
