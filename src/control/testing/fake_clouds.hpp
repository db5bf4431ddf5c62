#pragma once
// FakeClouds: a CloudClients over one FakeEc2 and one FakeCloudWatch, validating the scope
// against the settings exactly as the real one does (ValidateScope). Thread-safe.
#include "control/cloud_clients.hpp"
#include "control/testing/fake_cloudwatch.hpp"
#include "control/testing/fake_ec2.hpp"

namespace ccm::control::testing {

class FakeClouds final : public CloudClients {
 public:
  // All must outlive the FakeClouds.
  FakeClouds(const config::Settings& settings, FakeEc2& ec2, FakeCloudWatch& cloudwatch)
      : settings_(settings), ec2_(ec2), cloudwatch_(cloudwatch) {}

  Result<aws::Ec2Api*> Ec2(const std::string& account, const std::string& region) override;
  Result<aws::CloudWatchApi*> CloudWatch(const std::string& account,
                                         const std::string& region) override;

 private:
  const config::Settings& settings_;
  FakeEc2& ec2_;
  FakeCloudWatch& cloudwatch_;
};

}  // namespace ccm::control::testing
