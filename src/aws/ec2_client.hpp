#pragma once
// Ec2Client: the real Ec2Api over a QueryTransport (EC2 Query API, Version 2016-11-15).
// Batching, pagination and the fallbacks are described on Ec2Api. Specifics:
// - RunInstances first looks for instances tagged ccm:client-token=<token> (one
//   DescribeInstances call) and returns those if any, then launches with ClientToken set, so a
//   repeat is caught whether or not the endpoint honours ClientToken itself.
// - DescribeInstancesById on InvalidInstanceID.NotFound drops the ids the error names and tries
//   the batch again; if EC2 names none, it falls back to one call per id.
// Thread-safe when the transport is; holds no mutable state.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "aws/ec2_api.hpp"
#include "aws/query_transport.hpp"

namespace ccm::aws {

struct Ec2ClientOptions {
  // MaxResults for DescribeInstances / DescribeInstanceStatus without ids (EC2 allows 5..1000).
  int page_size = 1000;
  // Ids per Start/Stop/Terminate/CreateTags/DeleteTags/Monitor/DescribeInstances call.
  size_t batch_size = 1000;
  // Ids per DescribeInstanceStatus call (EC2 allows at most 100).
  size_t status_batch_size = 100;
};

class Ec2Client final : public Ec2Api {
 public:
  // transport must outlive the client.
  explicit Ec2Client(QueryTransport& transport, Ec2ClientOptions options = {});

  Result<LaunchResult> RunInstances(const AwsScope& scope, const LaunchSpec& spec) override;
  Result<std::vector<StateChange>> StartInstances(const AwsScope& scope,
                                                  const std::vector<std::string>& ids) override;
  Result<StopResult> StopInstances(const AwsScope& scope, const std::vector<std::string>& ids,
                                   bool hibernate) override;
  Result<std::vector<StateChange>> TerminateInstances(const AwsScope& scope,
                                                      const std::vector<std::string>& ids) override;
  Result<std::vector<Instance>> DescribeInstances(const AwsScope& scope,
                                                  const std::vector<Filter>& filters) override;
  Result<InstancesById> DescribeInstancesById(const AwsScope& scope,
                                              const std::vector<std::string>& ids) override;
  Result<InstanceStatusReport> DescribeInstanceStatus(const AwsScope& scope,
                                                      const std::vector<std::string>& ids) override;
  Status CreateTags(const AwsScope& scope, const std::vector<std::string>& resource_ids,
                    const Tags& tags) override;
  Status DeleteTags(const AwsScope& scope, const std::vector<std::string>& resource_ids,
                    const std::vector<std::string>& keys) override;
  Result<std::vector<Image>> DescribeImages(const AwsScope& scope,
                                            const ImageQuery& query) override;
  Result<std::vector<MonitoringChange>> MonitorInstances(
      const AwsScope& scope, const std::vector<std::string>& ids) override;
  Result<std::vector<MonitoringChange>> UnmonitorInstances(
      const AwsScope& scope, const std::vector<std::string>& ids) override;
  Result<std::vector<PermissionCheck>> CheckPermissions(const AwsScope& scope,
                                                        const PreflightTargets& targets) override;

 private:
  Result<std::string> Call(const AwsScope& scope, const std::string& action, Params params) const;
  Result<std::vector<StateChange>> ChangeState(const AwsScope& scope, const std::string& action,
                                               const std::vector<std::string>& ids,
                                               const Params& extra) const;
  Result<std::vector<StateChange>> StopBatch(const AwsScope& scope,
                                             const std::vector<std::string>& batch, bool hibernate,
                                             bool* fell_back) const;
  Result<std::vector<MonitoringChange>> ChangeMonitoring(const AwsScope& scope,
                                                         const std::string& action,
                                                         const std::vector<std::string>& ids) const;
  Result<std::optional<LaunchResult>> FindLaunched(const AwsScope& scope,
                                                   const std::string& client_token) const;
  Result<std::string> RootDeviceName(const AwsScope& scope, const std::string& image_id);
  // All pages of DescribeInstances for these parameters.
  Result<std::vector<Instance>> DescribeAllPages(const AwsScope& scope, const Params& base) const;
  Result<std::vector<InstanceStatus>> StatusPages(const AwsScope& scope, const Params& base) const;
  PermissionCheck DryRun(const AwsScope& scope, const std::string& action, Params params) const;

  QueryTransport& transport_;
  Ec2ClientOptions options_;
};

}  // namespace ccm::aws
