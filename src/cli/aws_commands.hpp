#pragma once
// The `ccm aws` command group. AddAwsCommands (cli/commands.hpp) creates the `aws` subcommand and
// calls each Add* below; every file of the group adds its own subcommands to it.
// Common flags of the group's subcommands: --account NAME (an aws_accounts entry; default = the
// default credential chain), --endpoint-url URL (every AWS service; wins over settings),
// --region R (default aws_default_region), plus every settings flag (--config FILE, ...).
// Exit codes: see cli/aws_context.hpp (0 ok, 1 AWS failure, 2 bad settings, 3 auth failure).
#include <memory>
#include <optional>
#include <string>

#include "cli/aws_context.hpp"
#include "config/flags.hpp"

namespace CLI {
class App;
}

namespace ccm::cli {

void AddAwsWhoami(CLI::App& aws);     // ccm aws whoami (aws_command.cpp)
void AddAwsCheck(CLI::App& aws);      // ccm aws check (aws_check_command.cpp)
void AddAwsInstances(CLI::App& aws);  // ccm aws instances (aws_instances_command.cpp)

// The common flags, registered on one subcommand.
struct AwsFlags {
  std::shared_ptr<config::SettingsFlags> settings;
  std::string account;
  std::string endpoint_url;
  std::string region;
};
std::shared_ptr<AwsFlags> AddAwsFlags(CLI::App& cmd);

// Settings loaded with the flags applied (--endpoint-url overrides every aws_endpoint_url*;
// --region replaces aws_default_region). On invalid settings prints the problems to stderr and
// returns nullopt (exit code 2 is set).
std::optional<config::LoadReport> LoadAwsSettings(const AwsFlags& flags);

// The AWS context for a loaded report (explicit keys labelled "environment" when they came from
// AWS_ACCESS_KEY_ID, else "settings").
std::unique_ptr<AwsContext> MakeAwsContext(const config::LoadReport& report, Clock& clock);

// Prints "error: <message>" to stderr and sets the exit code for `error` (AwsExitCode).
void ReportAwsError(const Error& error);

}  // namespace ccm::cli
