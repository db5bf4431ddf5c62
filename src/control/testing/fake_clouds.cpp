#include "control/testing/fake_clouds.hpp"

namespace ccm::control::testing {

Result<aws::Ec2Api*> FakeClouds::Ec2(const std::string& account, const std::string& region) {
  if (auto st = ValidateScope(settings_, account, region); !st) return Fail(st.error());
  return &ec2_;
}

Result<aws::CloudWatchApi*> FakeClouds::CloudWatch(const std::string& account,
                                                   const std::string& region) {
  if (auto st = ValidateScope(settings_, account, region); !st) return Fail(st.error());
  return &cloudwatch_;
}

}  // namespace ccm::control::testing
