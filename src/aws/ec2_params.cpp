#include "aws/ec2_params.hpp"

#include <algorithm>
#include <set>

namespace ccm::aws::ec2 {
namespace {

constexpr size_t kMaxTagsPerResource = 50;
constexpr size_t kMaxTagKey = 128;
constexpr size_t kMaxTagValue = 256;
constexpr int kMaxRootVolumeGib = 16384;  // gp3 limit
constexpr int kMaxLaunchCount = 1000;

bool Printable(std::string_view text) {
  for (char c : text) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

std::string Key(std::string_view prefix, size_t n, std::string_view suffix = {}) {
  std::string key(prefix);
  key += '.';
  key += std::to_string(n);
  key += suffix;
  return key;
}

Status ValidateTags(const Tags& user_tags) {
  for (const auto& [key, value] : user_tags) {
    if (key.empty() || key.size() > kMaxTagKey) {
      return InvalidArgument("tags", "tag keys must have 1 to 128 characters");
    }
    if (value.size() > kMaxTagValue) {
      return InvalidArgument("tags", "the value of tag '" + key + "' is over 256 characters");
    }
    if (key.rfind("aws:", 0) == 0) {
      return InvalidArgument("tags", "tag keys starting with 'aws:' are reserved by AWS");
    }
    if (key == kTagWorkerId || key == kTagManaged || key == kTagClientToken) {
      return InvalidArgument("tags", "tag '" + key + "' is set by ccm itself");
    }
  }
  if (user_tags.size() + 3 > kMaxTagsPerResource) {
    return InvalidArgument("tags", "at most 47 tags (EC2 allows 50, ccm adds 3)");
  }
  return Ok();
}

void AddNetwork(Params& p, const LaunchSpec& spec) {
  if (!spec.assign_public_ip) {
    if (!spec.subnet_id.empty()) p.emplace_back("SubnetId", spec.subnet_id);
    AddList(p, "SecurityGroupId", spec.security_group_ids);
    return;
  }
  // A public address on launch is only expressible on the primary network interface; the
  // subnet and groups then belong to that interface, not to the instance.
  p.emplace_back("NetworkInterface.1.DeviceIndex", "0");
  p.emplace_back("NetworkInterface.1.AssociatePublicIpAddress", "true");
  p.emplace_back("NetworkInterface.1.DeleteOnTermination", "true");
  if (!spec.subnet_id.empty()) p.emplace_back("NetworkInterface.1.SubnetId", spec.subnet_id);
  AddList(p, "NetworkInterface.1.SecurityGroupId", spec.security_group_ids);
}

}  // namespace

void AddList(Params& params, std::string_view prefix, const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) params.emplace_back(Key(prefix, i + 1), values[i]);
}

void AddFilters(Params& params, const std::vector<Filter>& filters) {
  for (size_t i = 0; i < filters.size(); ++i) {
    std::string base = Key("Filter", i + 1);
    params.emplace_back(base + ".Name", filters[i].name);
    AddList(params, base + ".Value", filters[i].values);
  }
}

void AddTags(Params& params, std::string_view prefix, const Tags& tags) {
  size_t n = 0;
  for (const auto& [key, value] : tags) {
    ++n;
    params.emplace_back(Key(prefix, n, ".Key"), key);
    params.emplace_back(Key(prefix, n, ".Value"), value);
  }
}

std::vector<std::vector<std::string>> Batches(const std::vector<std::string>& ids,
                                              size_t batch_size) {
  std::vector<std::vector<std::string>> out;
  if (batch_size == 0) batch_size = 1;
  for (size_t i = 0; i < ids.size(); i += batch_size) {
    size_t end = std::min(ids.size(), i + batch_size);
    out.emplace_back(ids.begin() + static_cast<std::ptrdiff_t>(i),
                     ids.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return out;
}

Status ValidateIds(std::string_view field, const std::vector<std::string>& ids) {
  std::set<std::string_view> seen;
  for (const auto& id : ids) {
    if (id.empty() || !Printable(id)) {
      return InvalidArgument(std::string(field), "ids must be non-empty and printable");
    }
    if (!seen.insert(id).second) {
      return InvalidArgument(std::string(field), "id '" + id + "' is listed twice");
    }
  }
  return Ok();
}

Status ValidateLaunchSpec(const LaunchSpec& spec) {
  if (spec.client_token.empty() || spec.client_token.size() > 64 || !Printable(spec.client_token)) {
    return InvalidArgument("client_token", "required, 1 to 64 printable ASCII characters");
  }
  if (spec.worker_id.empty() || spec.worker_id.size() > kMaxTagValue) {
    return InvalidArgument("worker_id", "required, at most 256 characters");
  }
  if (spec.image_id.rfind("ami-", 0) != 0) {
    return InvalidArgument("image_id", "must be an AMI id (ami-...)");
  }
  if (spec.instance_type.empty() || !Printable(spec.instance_type)) {
    return InvalidArgument("instance_type", "required (e.g. c5.2xlarge)");
  }
  if (spec.count < 1 || spec.count > kMaxLaunchCount) {
    return InvalidArgument("count", "must be between 1 and 1000");
  }
  if (spec.root_volume_gib < 0 || spec.root_volume_gib > kMaxRootVolumeGib) {
    return InvalidArgument("root_volume_gib", "must be between 0 (AMI default) and 16384");
  }
  if (auto s = ValidateIds("security_group_ids", spec.security_group_ids); !s) return s;
  return ValidateTags(spec.tags);
}

Tags LaunchTags(const LaunchSpec& spec) {
  Tags tags = spec.tags;
  tags[kTagWorkerId] = spec.worker_id;
  tags[kTagManaged] = "true";
  tags[kTagClientToken] = spec.client_token;
  return tags;
}

Params RunInstancesParams(const LaunchSpec& spec) {
  Params p;
  p.emplace_back("ImageId", spec.image_id);
  p.emplace_back("InstanceType", spec.instance_type);
  p.emplace_back("MinCount", std::to_string(spec.count));
  p.emplace_back("MaxCount", std::to_string(spec.count));
  p.emplace_back("ClientToken", spec.client_token);
  if (!spec.key_name.empty()) p.emplace_back("KeyName", spec.key_name);
  AddNetwork(p, spec);
  if (spec.root_volume_gib > 0) {
    p.emplace_back("BlockDeviceMapping.1.DeviceName", spec.root_device_name);
    p.emplace_back("BlockDeviceMapping.1.Ebs.VolumeSize", std::to_string(spec.root_volume_gib));
    p.emplace_back("BlockDeviceMapping.1.Ebs.VolumeType", "gp3");
    p.emplace_back("BlockDeviceMapping.1.Ebs.DeleteOnTermination", "true");
  }
  // IMDSv2 only: a token is required for every metadata read (blocks SSRF-style credential theft).
  p.emplace_back("MetadataOptions.HttpTokens", "required");
  p.emplace_back("MetadataOptions.HttpEndpoint", "enabled");
  Tags tags = LaunchTags(spec);
  p.emplace_back("TagSpecification.1.ResourceType", "instance");
  AddTags(p, "TagSpecification.1.Tag", tags);
  p.emplace_back("TagSpecification.2.ResourceType", "volume");
  AddTags(p, "TagSpecification.2.Tag", tags);
  return p;
}

}  // namespace ccm::aws::ec2
