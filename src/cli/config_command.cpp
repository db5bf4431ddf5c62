// ccm config check: the effective settings (secrets as ***) and exit 0, or the problems on stderr,
// one per line, and exit 2.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "config/flags.hpp"
#include "config/render.hpp"

namespace ccm::cli {

namespace {
constexpr int kExitInvalidSettings = 2;
}

void AddConfigCommands(CLI::App& app) {
  auto* config = app.add_subcommand("config", "Inspect the settings");
  config->require_subcommand(1);
  auto* check = config->add_subcommand(
      "check", "Print the effective settings (secrets as ***) or every problem (exit 2)");
  auto flags = config::AddSettingsFlags(*check);
  auto format = std::make_shared<std::string>("yaml");
  check->add_option("--format", *format, "Output format: yaml or json")
      ->check(CLI::IsMember({"yaml", "json"}));
  check->callback([flags, format] {
    config::LoadReport report = flags->Load();
    if (!report.ok()) {
      for (const auto& problem : report.problems) std::cerr << problem << "\n";
      SetExitCode(kExitInvalidSettings);
      return;
    }
    auto render_format =
        *format == "json" ? config::RenderFormat::kJson : config::RenderFormat::kYaml;
    std::cout << config::RenderSettings(report.settings, render_format);
    SetExitCode(0);
  });
}

}  // namespace ccm::cli
