#pragma once
// FakeEc2: an in-memory Ec2Api for unit tests of control and the layers above it.
// Behaviour: RunInstances is idempotent per ClientToken (a reused token returns the first
// instances, reused = true); Start/Stop/Terminate answer the intermediate state (pending,
// stopping, shutting-down) and leave the instance in the final one (running, stopped,
// terminated), so a later Describe sees it settled; a stopped instance has no public IP.
// Describe filters: instance-id, instance-state-name, image-id, tag:<key>, tag-key.
// Scripted failures: FailNext(action, error, times); LoseNextLaunchAnswer() launches the
// instance and then fails the call (the answer was lost: what a crash after the launch looks
// like to the caller). Every call is counted and added to the optional CallLog as "ec2:<Action>".
// Thread-safe.
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aws/ec2_api.hpp"
#include "control/testing/call_log.hpp"
#include "core/clock.hpp"

namespace ccm::control::testing {

class FakeEc2 final : public aws::Ec2Api {
 public:
  explicit FakeEc2(Clock& clock, CallLog* log = nullptr) : clock_(clock), log_(log) {}

  // --- Test controls
  void AddImage(aws::Image image);
  // An existing instance (e.g. to import); returns its id.
  std::string AddInstance(aws::Instance instance);
  void SetState(const std::string& instance_id, const std::string& state);
  void Remove(const std::string& instance_id);  // gone from EC2 entirely
  void FailNext(const std::string& action, Error error, int times = 1);
  // Called with the action name at the start of every call, before anything is changed (outside
  // the fake's lock, so it may inspect the store or the fake).
  void OnCall(std::function<void(const std::string& action)> hook);
  void LoseNextLaunchAnswer() { lose_launch_answer_ = true; }
  std::vector<aws::Instance> instances() const;
  std::optional<aws::Instance> instance(const std::string& id) const;
  int Count(const std::string& action) const;
  std::vector<aws::LaunchSpec> launches() const;

  // --- Ec2Api
  Result<aws::LaunchResult> RunInstances(const aws::AwsScope& scope,
                                         const aws::LaunchSpec& spec) override;
  Result<std::vector<aws::StateChange>> StartInstances(
      const aws::AwsScope& scope, const std::vector<std::string>& ids) override;
  Result<aws::StopResult> StopInstances(const aws::AwsScope& scope,
                                        const std::vector<std::string>& ids,
                                        bool hibernate) override;
  Result<std::vector<aws::StateChange>> TerminateInstances(
      const aws::AwsScope& scope, const std::vector<std::string>& ids) override;
  Result<std::vector<aws::Instance>> DescribeInstances(
      const aws::AwsScope& scope, const std::vector<aws::Filter>& filters) override;
  Result<aws::InstancesById> DescribeInstancesById(const aws::AwsScope& scope,
                                                   const std::vector<std::string>& ids) override;
  Result<aws::InstanceStatusReport> DescribeInstanceStatus(
      const aws::AwsScope& scope, const std::vector<std::string>& ids) override;
  Status CreateTags(const aws::AwsScope& scope, const std::vector<std::string>& resource_ids,
                    const aws::Tags& tags) override;
  Status DeleteTags(const aws::AwsScope& scope, const std::vector<std::string>& resource_ids,
                    const std::vector<std::string>& keys) override;
  Result<std::vector<aws::Image>> DescribeImages(const aws::AwsScope& scope,
                                                 const aws::ImageQuery& query) override;
  Result<std::vector<aws::MonitoringChange>> MonitorInstances(
      const aws::AwsScope& scope, const std::vector<std::string>& ids) override;
  Result<std::vector<aws::MonitoringChange>> UnmonitorInstances(
      const aws::AwsScope& scope, const std::vector<std::string>& ids) override;
  Result<std::vector<aws::PermissionCheck>> CheckPermissions(
      const aws::AwsScope& scope, const aws::PreflightTargets& targets) override;

 private:
  struct Stored {
    aws::Instance instance;
    aws::AwsScope scope;
  };
  // Under mu_: counts the call, logs it, and returns a scripted failure if one is due.
  void RunHook(const std::string& action);
  std::optional<Error> Enter(const std::string& action);
  Result<std::vector<aws::StateChange>> Change(const aws::AwsScope& scope,
                                               const std::vector<std::string>& ids,
                                               const std::string& answer, const std::string& final,
                                               const std::vector<std::string>& allowed_from);
  std::string NewId(const std::string& prefix);

  Clock& clock_;
  CallLog* log_;
  mutable std::mutex mu_;
  std::map<std::string, Stored> instances_;                   // by id
  std::map<std::string, std::vector<std::string>> by_token_;  // client token -> ids
  std::vector<aws::Image> images_;
  std::map<std::string, std::vector<Error>> failures_;  // action -> queued errors
  std::map<std::string, int> counts_;
  std::vector<aws::LaunchSpec> launches_;
  std::function<void(const std::string&)> hook_;
  bool lose_launch_answer_ = false;
  uint64_t next_ = 1;
};

}  // namespace ccm::control::testing
