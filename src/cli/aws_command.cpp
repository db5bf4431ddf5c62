// ccm aws: the group, its common flags, and `ccm aws whoami`.
#include <CLI/CLI.hpp>
#include <iostream>

#include "aws/sts_client.hpp"
#include "cli/aws_commands.hpp"
#include "cli/commands.hpp"
#include "core/log.hpp"

namespace ccm::cli {

void AddAwsCommands(CLI::App& app) {
  auto* aws = app.add_subcommand("aws", "Inspect the AWS side: identity, permissions, instances");
  aws->require_subcommand(1);
  AddAwsWhoami(*aws);
  AddAwsCheck(*aws);
  AddAwsInstances(*aws);
}

std::shared_ptr<AwsFlags> AddAwsFlags(CLI::App& cmd) {
  auto flags = std::make_shared<AwsFlags>();
  flags->settings = config::AddSettingsFlags(cmd);
  cmd.add_option("--account", flags->account,
                 "An aws_accounts entry (its role is assumed); default: the default credentials");
  cmd.add_option("--endpoint-url", flags->endpoint_url,
                 "Endpoint for every AWS service (e.g. a moto server); wins over settings");
  cmd.add_option("--region", flags->region, "AWS region (default: aws_default_region)");
  return flags;
}

std::optional<config::LoadReport> LoadAwsSettings(const AwsFlags& flags) {
  // Only decoding problems matter here: `ccm aws` needs no worker image or network settings.
  config::LoadInput input = flags.settings->ToLoadInput(config::ReadProcessEnvironment());
  input.validate = false;
  config::LoadReport report = config::LoadSettings(input);
  if (!report.ok()) {
    for (const auto& problem : report.problems) std::cerr << problem << "\n";
    SetExitCode(kExitInvalidSettings);
    return std::nullopt;
  }
  config::Settings& s = report.settings;
  if (!flags.endpoint_url.empty()) {
    s.aws_endpoint_url = s.aws_endpoint_url_ec2 = s.aws_endpoint_url_cloudwatch =
        s.aws_endpoint_url_sts = s.aws_endpoint_url_iam = flags.endpoint_url;
  }
  if (!flags.region.empty()) s.aws_default_region = flags.region;
  if (!flags.account.empty() && s.aws_accounts.count(flags.account) == 0) {
    std::string known;
    for (const auto& [name, a] : s.aws_accounts) known += (known.empty() ? "" : ", ") + name;
    std::cerr << "--account: '" << flags.account << "' is not one of the configured aws_accounts"
              << (known.empty() ? " (none configured)" : " (" + known + ")") << "\n";
    SetExitCode(kExitInvalidSettings);
    return std::nullopt;
  }
  std::vector<aws::AccountRole> roles;
  for (const auto& [name, a] : s.aws_accounts) roles.push_back({name, a.role_arn, a.external_id});
  if (auto valid = aws::ValidateAccounts(roles); !valid) {
    std::cerr << valid.error().message << "\n";
    SetExitCode(kExitInvalidSettings);
    return std::nullopt;
  }
  return report;
}

std::unique_ptr<AwsContext> MakeAwsContext(const config::LoadReport& report, Clock& clock) {
  auto it = report.sources.find("aws_access_key_id");
  bool from_env = it != report.sources.end() && it->second.find("environment") != std::string::npos;
  return MakeAwsContext(report.settings, clock, from_env ? "environment" : "settings");
}

void ReportAwsError(const Error& error) {
  std::cerr << "error: " << log::Redact(error.ToString()) << "\n";
  if (error.code == Code::kUnauthenticated) {
    std::cerr << "hint: check the AWS credentials (aws_access_key_id / AWS_ACCESS_KEY_ID, "
                 "aws_profile / AWS_PROFILE) and the clock\n";
  }
  SetExitCode(AwsExitCode(error));
}

void AddAwsWhoami(CLI::App& aws) {
  auto* cmd = aws.add_subcommand(
      "whoami", "Print the AWS account id and ARN of the credentials in use (exit 3 if refused)");
  auto flags = AddAwsFlags(*cmd);
  cmd->callback([flags] {
    auto report = LoadAwsSettings(*flags);
    if (!report) return;
    auto ctx = MakeAwsContext(*report, SystemClock::Instance());
    aws::StsClient sts(*ctx->transport, report->settings.aws_default_region);
    auto id = sts.GetCallerIdentity(flags->account);
    if (!id) return ReportAwsError(id.error());
    auto creds = ctx->accounts->Get(flags->account);
    std::cout << "Account: " << id->account << "\n"
              << "ARN:     " << id->arn << "\n"
              << "UserId:  " << id->user_id << "\n";
    if (creds) std::cout << "Source:  " << creds->source << "\n";
    SetExitCode(0);
  });
}

}  // namespace ccm::cli
