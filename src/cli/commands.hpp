#pragma once
// Each command group registers its subcommands on the root CLI11 app. main.cpp only calls these.
// A subcommand's callback sets the process exit code through SetExitCode(); main returns it.
namespace CLI {
class App;
}

namespace ccm::cli {

void SetExitCode(int code);
int ExitCode();

void AddVersionCommand(CLI::App& app);
void AddConfigCommands(CLI::App& app);  // ccm config check
void AddAwsCommands(CLI::App& app);     // ccm aws whoami|check|instances
void AddCmlCommands(CLI::App& app);     // ccm cml probe
void AddServeCommand(CLI::App& app);    // ccm serve

}  // namespace ccm::cli
