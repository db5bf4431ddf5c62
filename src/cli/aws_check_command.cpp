// ccm aws check: a DryRun call per EC2 action ccm uses, printed as allowed / denied / unknown.
#include <CLI/CLI.hpp>
#include <iostream>

#include "aws/ec2_client.hpp"
#include "cli/aws_commands.hpp"
#include "cli/aws_table.hpp"
#include "cli/commands.hpp"

namespace ccm::cli {
namespace {

struct CheckFlags {
  std::string instance_id;
  std::string image_id;
  std::string instance_type;
  std::string subnet_id;
};

const char* Word(aws::Permission p) {
  switch (p) {
    case aws::Permission::kAllowed:
      return "allowed";
    case aws::Permission::kDenied:
      return "denied";
    case aws::Permission::kUnknown:
      break;
  }
  return "unknown";
}

// Flags first, then the worker settings of the region, then (for the instance) any ccm-managed
// instance: EC2 checks some ids exist before it answers a dry run.
aws::PreflightTargets Targets(const CheckFlags& f, const config::Settings& s, aws::Ec2Api& ec2,
                              const aws::AwsScope& scope) {
  aws::PreflightTargets t;
  const std::string& region = scope.region;
  t.image_id = !f.image_id.empty() ? f.image_id : config::AmiFor(s, region).ami_id;
  t.instance_type =
      !f.instance_type.empty() ? f.instance_type : config::DefaultInstanceTypeFor(s, region);
  t.subnet_id = !f.subnet_id.empty() ? f.subnet_id : config::NetworkFor(s, region).subnet_id;
  t.instance_id = f.instance_id;
  if (t.instance_id.empty()) {
    auto managed = ec2.DescribeInstances(
        scope, {{"tag:ccm:managed", {"true"}},
                {"instance-state-name", {"pending", "running", "stopping", "stopped"}}});
    if (managed && !managed->empty()) {
      t.instance_id = managed->front().id;
      if (t.image_id.empty()) t.image_id = managed->front().image_id;
    }
  }
  return t;
}

}  // namespace

void AddAwsCheck(CLI::App& aws) {
  auto* cmd = aws.add_subcommand(
      "check", "DryRun every EC2 action ccm uses; exit 0 only if all are allowed");
  auto flags = AddAwsFlags(*cmd);
  auto check = std::make_shared<CheckFlags>();
  cmd->add_option("--instance-id", check->instance_id,
                  "Instance for the instance actions (default: any ccm-managed instance)");
  cmd->add_option("--image-id", check->image_id,
                  "AMI for RunInstances (default: the region's cml_worker AMI)");
  cmd->add_option("--instance-type", check->instance_type, "Type for RunInstances");
  cmd->add_option("--subnet-id", check->subnet_id, "Subnet for RunInstances");
  cmd->callback([flags, check] {
    auto report = LoadAwsSettings(*flags);
    if (!report) return;
    auto ctx = MakeAwsContext(*report, SystemClock::Instance());
    aws::Ec2Client ec2(*ctx->transport);
    aws::AwsScope scope{flags->account, report->settings.aws_default_region};
    auto checks = ec2.CheckPermissions(scope, Targets(*check, report->settings, ec2, scope));
    if (!checks) return ReportAwsError(checks.error());
    TextTable table({"ACTION", "RESULT", "REASON"});
    bool all_allowed = true;
    for (const auto& c : *checks) {
      all_allowed = all_allowed && c.permission == aws::Permission::kAllowed;
      table.AddRow({c.action, Word(c.permission), c.reason});
    }
    std::cout << "EC2 permissions in " << scope.region << " (DryRun, nothing changed):\n";
    table.Print(std::cout);
    SetExitCode(all_allowed ? 0 : kExitAwsFailure);
  });
}

}  // namespace ccm::cli
