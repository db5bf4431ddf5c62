// `ccm`: assembles the command groups; all behaviour lives in the groups.
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"ccm: CML Cloud Manager, a control plane for CML Workers on AWS EC2"};
  app.require_subcommand(1);
  ccm::cli::AddVersionCommand(app);
  ccm::cli::AddConfigCommands(app);
  ccm::cli::AddAwsCommands(app);
  ccm::cli::AddCmlCommands(app);
  ccm::cli::AddServeCommand(app);
  CLI11_PARSE(app, argc, argv);
  return ccm::cli::ExitCode();
}
