#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"

#ifndef CCM_VERSION
#define CCM_VERSION "0.0.0"
#endif

namespace ccm::cli {
namespace {
int exit_code = 0;
}

void SetExitCode(int code) { exit_code = code; }
int ExitCode() { return exit_code; }

void AddVersionCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the ccm version");
  cmd->callback([] { std::cout << "ccm " << CCM_VERSION << "\n"; });
}

}  // namespace ccm::cli
