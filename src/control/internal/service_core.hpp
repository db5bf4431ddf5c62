#pragma once
// The shared machinery of WorkerService's use cases (internal to control): visibility-checked
// loads, change contexts, AWS scopes and clients, the CML target, and the two observation steps
// (read EC2 and apply; probe CML and apply) that Refresh, Connect and Import share.
// Thread-safe (stateless apart from the dependencies, which are).
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "control/worker_service.hpp"

namespace ccm::control {

struct WorkerService::Impl {
  WorkerServiceDeps& deps;
  WorkerWriter& writer;

  using Change = std::function<Status(domain::Worker& worker, const domain::ChangeContext& c)>;

  domain::ChangeContext Context(const RequestContext& ctx) const;
  // kNotFound for a missing worker, a malformed id, or one the caller may not see.
  Result<domain::Worker> Load(const RequestContext& ctx, const std::string& id);
  // Writes `change` through the writer (with a fresh ChangeContext per attempt).
  Result<domain::Worker> Update(const RequestContext& ctx, domain::Worker loaded,
                                const Change& change);
  Result<domain::Worker> Update(const RequestContext& ctx, const std::string& id,
                                const Change& change);

  static aws::AwsScope Scope(const domain::WorkerRecord& w) { return {w.account, w.region}; }
  Result<aws::Ec2Api*> Ec2(const domain::WorkerRecord& w);
  cml::CmlTarget Target(const domain::WorkerRecord& w) const;
  Duration StartupTimeout() const;

  // kFailedPrecondition unless the worker has an instance.
  static Status RequireInstance(const domain::WorkerRecord& w);
  // kFailedPrecondition unless running with the CML service available and an endpoint.
  static Status RequireService(const domain::WorkerRecord& w);

  // The endpoint for the worker as it will be once `instance` is applied (the record's current
  // endpoint, with a warning, when the resolver fails).
  std::string ResolveEndpoint(const domain::WorkerRecord& w, const aws::Instance& instance);
  // DescribeInstancesById + DescribeInstanceStatus for the worker's instance, applied (gone ->
  // terminated). Without an instance: the worker unchanged.
  Result<domain::Worker> ObserveAws(const RequestContext& ctx, domain::Worker w);
  // One CML probe (system information; when ready licensing and labs) applied; the worker
  // unchanged unless it is running with an endpoint.
  Result<domain::Worker> ProbeCml(const RequestContext& ctx, domain::Worker w);

  // Background launch of a pending worker with its stored ClientToken (see worker_service.hpp).
  // True when the worker holds an instance afterwards.
  bool Launch(const RequestContext& ctx, const std::string& worker_id);
  std::optional<Result<aws::LaunchResult>> RunWithRetries(const std::string& worker_id,
                                                          domain::WorkerRecord& record);
  void RecordLaunchRefused(const RequestContext& ctx, const std::string& worker_id,
                           const Error& error);
  bool AssignLaunched(const RequestContext& ctx, const domain::WorkerRecord& record,
                      const aws::Instance& instance);
};

// Definite EC2 refusals (nothing was launched) versus uncertain failures.
bool IsDefiniteFailure(const Error& error);

// An error safe to show and record: registered secrets redacted.
std::string Describe(const Error& error);

}  // namespace ccm::control
