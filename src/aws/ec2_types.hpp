#pragma once
// Plain data exchanged with EC2 through Ec2Api (no XML, no I/O). Times are UTC TimePoints;
// sizes are GiB; ids and states use AWS's own spelling ("i-0abc...", "running", "ok"). An empty
// string means "AWS did not say" (e.g. no public IP). Values are copyable and thread-compatible.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace ccm::aws {

// Which account ("" = default credential chain) and region a call is for.
struct AwsScope {
  std::string account;
  std::string region;
};

// Tags are unique by key; std::map keeps the order stable for requests and tests.
using Tags = std::map<std::string, std::string>;

// Tag keys ccm writes on every instance and volume it launches.
inline constexpr char kTagWorkerId[] = "ccm:worker-id";
inline constexpr char kTagManaged[] = "ccm:managed";
// Written too, so a repeated launch is found even where the endpoint ignores ClientToken.
inline constexpr char kTagClientToken[] = "ccm:client-token";

// An EC2 filter: name ("tag:ccm:managed", "instance-state-name", "instance-type", "image-id"...)
// and the values any of which may match.
struct Filter {
  std::string name;
  std::vector<std::string> values;
};

struct Instance {
  std::string id;
  std::string reservation_id;
  std::string state;         // pending|running|shutting-down|terminated|stopping|stopped
  std::string state_reason;  // stateReason message, e.g. why it stopped
  std::string instance_type;
  std::string image_id;
  std::optional<TimePoint> launch_time;
  std::string private_ip;
  std::string public_ip;
  std::string private_dns;
  std::string public_dns;
  std::string subnet_id;
  std::string vpc_id;
  std::string availability_zone;
  std::string key_name;
  std::string monitoring_state;  // disabled|disabling|enabled|pending
  std::string client_token;
  std::string root_device_name;
  std::string architecture;
  std::string http_tokens;  // IMDS: "required" when IMDSv2-only
  std::vector<std::string> security_group_ids;
  Tags tags;

  // The Name tag, or "".
  std::string Name() const;
};

// What RunInstances launches. client_token and worker_id are required; the caller stores the
// token before calling so a retry or a restart reuses it and never launches a second instance.
struct LaunchSpec {
  std::string client_token;  // 1..64 ASCII characters
  std::string worker_id;     // tag ccm:worker-id
  std::string image_id;
  std::string instance_type;
  std::string subnet_id;  // optional
  std::vector<std::string> security_group_ids;
  bool assign_public_ip = false;  // through NetworkInterface.1 (needs subnet_id)
  std::string key_name;           // optional
  int root_volume_gib = 0;        // 0 = the AMI's size; else a gp3 root volume of this size
  // The AMI's root device name; looked up with DescribeImages when empty and a size is set.
  std::string root_device_name;
  Tags tags;      // added to instance and volumes, after the ccm:* tags are set
  int count = 1;  // MinCount = MaxCount
};

struct LaunchResult {
  std::string reservation_id;
  std::vector<Instance> instances;
  // True when the token had already launched these instances and nothing new was started.
  bool reused = false;
};

struct StateChange {
  std::string instance_id;
  std::string previous_state;
  std::string current_state;
};

struct StopResult {
  std::vector<StateChange> changes;
  // True when hibernation was asked for, refused with UnsupportedHibernationConfiguration, and the
  // instances were stopped plainly instead.
  bool hibernate_fell_back = false;
};

struct InstancesById {
  std::vector<Instance> instances;
  std::vector<std::string> missing_ids;  // ids EC2 no longer knows
};

struct InstanceStatus {
  std::string instance_id;
  std::string availability_zone;
  std::string state;           // instance state name
  std::string instance_check;  // ok|impaired|initializing|insufficient-data|not-applicable
  std::string system_check;    // same values
};

struct InstanceStatusReport {
  std::vector<InstanceStatus> statuses;
  std::vector<std::string> missing_ids;
};

struct Image {
  std::string id;
  std::string name;
  std::string owner_id;
  std::string owner_alias;
  std::string state;  // available|pending|failed...
  std::string architecture;
  std::string root_device_name;
  std::string description;
  std::optional<TimePoint> creation_date;
  Tags tags;
};

// DescribeImages: by ids, or by name patterns (filter "name", '*' wildcards allowed); owners
// ("self", "amazon", an account id) narrow either.
struct ImageQuery {
  std::vector<std::string> ids;
  std::vector<std::string> names;
  std::vector<std::string> owners;
};

struct MonitoringChange {
  std::string instance_id;
  std::string monitoring_state;
};

// The verdict of one DryRun call.
enum class Permission { kAllowed, kDenied, kUnknown };

struct PermissionCheck {
  std::string action;
  Permission permission = Permission::kUnknown;
  std::string reason;  // why (the AWS code and message) when not plainly allowed
};

// Real resources for the DryRun calls; EC2 validates some ids before it checks permissions, so
// an existing instance and image give the most precise answer. Empty = a syntactically valid
// placeholder (actions on it may then report kUnknown with InvalidInstanceID.NotFound).
struct PreflightTargets {
  std::string instance_id;
  std::string image_id;
  std::string instance_type = "t3.micro";
  std::string subnet_id;
};

}  // namespace ccm::aws
