// Ec2Client::CheckPermissions: one DryRun call per EC2 action ccm uses. EC2 answers a DryRun with
// DryRunOperation when the caller may perform the action and UnauthorizedOperation when not;
// nothing is changed either way.
#include "aws/ec2_client.hpp"
#include "aws/ec2_params.hpp"
#include "aws/errors.hpp"

namespace ccm::aws {
namespace {

// Syntactically valid ids that exist nowhere, for when no real target was given.
constexpr char kPlaceholderInstance[] = "i-0000000000000000f";
constexpr char kPlaceholderImage[] = "ami-0000000000000000f";

std::string Or(const std::string& value, const char* fallback) {
  return value.empty() ? std::string(fallback) : value;
}

Params PreflightParams(const std::string& action, const PreflightTargets& t) {
  Params p;
  std::string instance = Or(t.instance_id, kPlaceholderInstance);
  if (action == "DescribeInstances" || action == "DescribeInstanceStatus") {
    p.emplace_back("MaxResults", "5");
  } else if (action == "DescribeImages") {
    if (t.image_id.empty()) {
      p.emplace_back("Owner.1", "self");
    } else {
      p.emplace_back("ImageId.1", t.image_id);
    }
  } else if (action == "RunInstances") {
    p.emplace_back("ImageId", Or(t.image_id, kPlaceholderImage));
    p.emplace_back("InstanceType", Or(t.instance_type, "t3.micro"));
    p.emplace_back("MinCount", "1");
    p.emplace_back("MaxCount", "1");
    if (!t.subnet_id.empty()) p.emplace_back("SubnetId", t.subnet_id);
    p.emplace_back("MetadataOptions.HttpTokens", "required");
    // Tagging on create needs ec2:CreateTags on the new resources: include it in the check.
    p.emplace_back("TagSpecification.1.ResourceType", "instance");
    p.emplace_back("TagSpecification.1.Tag.1.Key", kTagManaged);
    p.emplace_back("TagSpecification.1.Tag.1.Value", "true");
  } else if (action == "CreateTags" || action == "DeleteTags") {
    p.emplace_back("ResourceId.1", instance);
    p.emplace_back("Tag.1.Key", "ccm:preflight");
    if (action == "CreateTags") p.emplace_back("Tag.1.Value", "dry-run");
  } else {
    p.emplace_back("InstanceId.1", instance);
  }
  return p;
}

}  // namespace

const std::vector<std::string>& Ec2Actions() {
  static const std::vector<std::string> kActions = {
      "DescribeInstances", "DescribeInstanceStatus", "DescribeImages",     "RunInstances",
      "StartInstances",    "StopInstances",          "TerminateInstances", "CreateTags",
      "DeleteTags",        "MonitorInstances",       "UnmonitorInstances"};
  return kActions;
}

PermissionCheck Ec2Client::DryRun(const AwsScope& scope, const std::string& action,
                                  Params params) const {
  params.emplace_back("DryRun", "true");
  auto body = Call(scope, action, std::move(params));
  if (body) {
    // Some endpoints run read-only calls despite DryRun: the call succeeded, so it is allowed.
    return {action, Permission::kAllowed, "the endpoint ran the call instead of a dry run"};
  }
  const Error& e = body.error();
  if (IsDryRunSuccess(e)) return {action, Permission::kAllowed, ""};
  std::string reason = e.provider_code.empty() ? e.message : e.provider_code + ": " + e.message;
  if (e.code == Code::kPermissionDenied) return {action, Permission::kDenied, reason};
  return {action, Permission::kUnknown, reason};
}

Result<std::vector<PermissionCheck>> Ec2Client::CheckPermissions(const AwsScope& scope,
                                                                 const PreflightTargets& targets) {
  if (scope.region.empty()) return InvalidArgument("region", "required (e.g. eu-west-1)");
  std::vector<PermissionCheck> checks;
  for (const auto& action : Ec2Actions()) {
    checks.push_back(DryRun(scope, action, PreflightParams(action, targets)));
  }
  return checks;
}

}  // namespace ccm::aws
