#pragma once
// Ec2Api: the EC2 operations ccm uses, as an interface so the control layer can run against a
// fake. Ec2Client (aws/ec2_client.hpp) is the real one over a QueryTransport.
//
// Contract for every method:
// - scope picks the account and region; nothing else is implicit.
// - Lists of ids are batched inside (1000 per call, 100 for DescribeInstanceStatus) and every
//   paginated answer is followed to the end, so callers never loop on NextToken.
// - Errors are the transport's mapped Errors (canonical code + AWS code in provider_code); bad
//   arguments are kInvalidArgument naming the field, checked before any call is sent.
// - Implementations are thread-safe.
#include <string>
#include <vector>

#include "aws/ec2_types.hpp"
#include "core/error.hpp"

namespace ccm::aws {

class Ec2Api {
 public:
  virtual ~Ec2Api() = default;

  // Launches spec.count instances, or returns the ones this client_token already launched.
  virtual Result<LaunchResult> RunInstances(const AwsScope& scope, const LaunchSpec& spec) = 0;
  virtual Result<std::vector<StateChange>> StartInstances(const AwsScope& scope,
                                                          const std::vector<std::string>& ids) = 0;
  // hibernate: ask EC2 to hibernate; falls back to a plain stop on
  // UnsupportedHibernationConfiguration (StopResult::hibernate_fell_back says so).
  virtual Result<StopResult> StopInstances(const AwsScope& scope,
                                           const std::vector<std::string>& ids, bool hibernate) = 0;
  virtual Result<std::vector<StateChange>> TerminateInstances(
      const AwsScope& scope, const std::vector<std::string>& ids) = 0;

  // Every instance matching all filters (each filter matches any of its values).
  virtual Result<std::vector<Instance>> DescribeInstances(const AwsScope& scope,
                                                          const std::vector<Filter>& filters) = 0;
  // These instances; ids EC2 does not know are reported in missing_ids instead of failing.
  virtual Result<InstancesById> DescribeInstancesById(const AwsScope& scope,
                                                      const std::vector<std::string>& ids) = 0;
  // State and status checks (IncludeAllInstances). Empty ids = every instance in the region.
  virtual Result<InstanceStatusReport> DescribeInstanceStatus(
      const AwsScope& scope, const std::vector<std::string>& ids) = 0;

  virtual Status CreateTags(const AwsScope& scope, const std::vector<std::string>& resource_ids,
                            const Tags& tags) = 0;
  virtual Status DeleteTags(const AwsScope& scope, const std::vector<std::string>& resource_ids,
                            const std::vector<std::string>& keys) = 0;

  virtual Result<std::vector<Image>> DescribeImages(const AwsScope& scope,
                                                    const ImageQuery& query) = 0;

  virtual Result<std::vector<MonitoringChange>> MonitorInstances(
      const AwsScope& scope, const std::vector<std::string>& ids) = 0;
  virtual Result<std::vector<MonitoringChange>> UnmonitorInstances(
      const AwsScope& scope, const std::vector<std::string>& ids) = 0;

  // One DryRun call per EC2 action ccm uses (see Ec2Actions()); never changes anything.
  virtual Result<std::vector<PermissionCheck>> CheckPermissions(
      const AwsScope& scope, const PreflightTargets& targets) = 0;
};

// The EC2 actions ccm calls, in the order CheckPermissions reports them.
const std::vector<std::string>& Ec2Actions();

}  // namespace ccm::aws
