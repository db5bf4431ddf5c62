// ccm aws instances: the CML worker instances of a region with their status checks.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <map>

#include "aws/ec2_client.hpp"
#include "cli/aws_commands.hpp"
#include "cli/aws_table.hpp"
#include "cli/commands.hpp"

namespace ccm::cli {
namespace {

std::string Short(const std::string& check) {
  if (check.empty()) return "?";
  if (check == "not-applicable") return "n/a";
  if (check == "insufficient-data") return "no-data";
  return check;
}

// "instance/system" status checks, e.g. "ok/ok", "impaired/ok", "n/a/n/a" -> "n/a".
std::string Checks(const aws::InstanceStatus* s) {
  if (s == nullptr) return "";
  std::string instance = Short(s->instance_check), system = Short(s->system_check);
  return instance == system && instance == "n/a" ? instance : instance + "/" + system;
}

std::string Launched(const aws::Instance& in) {
  if (!in.launch_time) return "";
  std::string t = FormatTime(*in.launch_time);  // 2026-11-23T17:28:12.345Z
  return t.substr(0, 16) + "Z";
}

void Print(std::vector<aws::Instance> instances, const aws::InstanceStatusReport& report) {
  std::map<std::string, const aws::InstanceStatus*> status;
  for (const auto& s : report.statuses) status[s.instance_id] = &s;
  std::sort(instances.begin(), instances.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a.Name(), a.id) < std::make_pair(b.Name(), b.id);
  });
  TextTable table(
      {"ID", "NAME", "TYPE", "STATE", "CHECKS", "PRIVATE IP", "PUBLIC IP", "AMI", "LAUNCHED"});
  for (const auto& in : instances) {
    auto it = status.find(in.id);
    table.AddRow({in.id, in.Name(), in.instance_type, in.state,
                  Checks(it == status.end() ? nullptr : it->second), in.private_ip, in.public_ip,
                  in.image_id, Launched(in)});
  }
  table.Print(std::cout);
}

}  // namespace

void AddAwsInstances(CLI::App& aws) {
  auto* cmd = aws.add_subcommand(
      "instances", "List the CML worker instances (tag ccm:managed=true) of a region");
  auto flags = AddAwsFlags(*cmd);
  auto all = std::make_shared<bool>(false);
  cmd->add_flag("--all", *all, "Every instance of the region, not only ccm-managed ones");
  cmd->callback([flags, all] {
    auto report = LoadAwsSettings(*flags);
    if (!report) return;
    auto ctx = MakeAwsContext(*report, SystemClock::Instance());
    aws::Ec2Client ec2(*ctx->transport);
    aws::AwsScope scope{flags->account, report->settings.aws_default_region};
    std::vector<aws::Filter> filters;
    if (!*all) filters.push_back({std::string("tag:") + aws::kTagManaged, {"true"}});
    auto instances = ec2.DescribeInstances(scope, filters);
    if (!instances) return ReportAwsError(instances.error());
    std::vector<std::string> ids;
    for (const auto& in : *instances) ids.push_back(in.id);
    auto status = ec2.DescribeInstanceStatus(scope, ids);
    if (!status) return ReportAwsError(status.error());
    if (instances->empty()) {
      std::cout << "No " << (*all ? "" : "ccm-managed ") << "instances in " << scope.region
                << ".\n";
    } else {
      Print(std::move(*instances), *status);
    }
    SetExitCode(0);
  });
}

}  // namespace ccm::cli
