#pragma once
// Internal to the EC2 client: EC2 XML answers (Version 2016-11-15) parsed into plain structs.
// Only direct children are read at each level, so nested sets (network interfaces carry their own
// groupSet, privateIpAddress...) never leak into the instance's fields. A body that is not XML or
// has the wrong root element is kInternal. Pure functions, thread-safe.
#include <string>
#include <string_view>
#include <vector>

#include "aws/ec2_types.hpp"
#include "core/error.hpp"

namespace ccm::aws::ec2 {

struct InstancePage {
  std::vector<Instance> instances;
  std::string next_token;
};

struct StatusPage {
  std::vector<InstanceStatus> statuses;
  std::string next_token;
};

struct ImagePage {
  std::vector<Image> images;
  std::string next_token;
};

// DescribeInstancesResponse: every instance of every reservation, in order.
Result<InstancePage> ParseDescribeInstances(std::string_view xml);
// RunInstancesResponse: the reservation and its instances.
Result<LaunchResult> ParseRunInstances(std::string_view xml);
// Start/Stop/TerminateInstancesResponse.
Result<std::vector<StateChange>> ParseStateChanges(std::string_view xml);
Result<StatusPage> ParseDescribeInstanceStatus(std::string_view xml);
Result<ImagePage> ParseDescribeImages(std::string_view xml);
// Monitor/UnmonitorInstancesResponse.
Result<std::vector<MonitoringChange>> ParseMonitoring(std::string_view xml);

// The instance ids named in an InvalidInstanceID.NotFound message, e.g.
// "The instance IDs 'i-1, i-2' do not exist" -> {"i-1", "i-2"}.
std::vector<std::string> IdsInMessage(std::string_view message);

}  // namespace ccm::aws::ec2
