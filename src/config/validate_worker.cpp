// Validation of the worker image, network, instance type and tag settings. Values merged from the
// flat settings (cml_worker_ami_ids, cml_worker_vpc_id, ...) are reported under the flat name the
// person wrote.
#include <regex>

#include "config/internal/checks.hpp"
#include "config/internal/problems.hpp"

namespace ccm::config::internal {
namespace {

std::string FlatOr(const StringMap& flat, const std::string& flat_name, const std::string& region,
                   const std::string& value, const std::string& structured_path) {
  auto it = flat.find(region);
  if (it != flat.end() && it->second == value) return flat_name + "." + region;
  return structured_path;
}

std::string FlatOr(const std::string& flat_value, const std::string& flat_name,
                   const std::string& value, bool is_default_region,
                   const std::string& structured_path) {
  if (is_default_region && !flat_value.empty() && flat_value == value) return flat_name;
  return structured_path;
}

void CheckRegionKeys(const StringMap& map, const std::string& name, Problems* p) {
  for (const auto& entry : map) p->Region(name, entry.first);
}

void ValidateAmiEntry(const Settings& s, const std::string& region, const AmiConfig& ami,
                      Problems* p) {
  const std::string path = "cml_worker_ami_config." + region;
  if (s.cml_worker_ami_ids.count(region) == 0 && s.cml_worker_ami_names.count(region) == 0) {
    p->Region("cml_worker_ami_config", region);
  }
  if (!ami.ami_id.empty() && !IsAmiId(ami.ami_id)) {
    p->Add(FlatOr(s.cml_worker_ami_ids, "cml_worker_ami_ids", region, ami.ami_id, path + ".ami_id"),
           Quote(ami.ami_id) + " is not an AMI id (ami- followed by 8 or 17 lowercase hex digits)");
  }
  if (ami.ami_name.size() > 128) {
    p->Add(FlatOr(s.cml_worker_ami_names, "cml_worker_ami_names", region, ami.ami_name,
                  path + ".ami_name"),
           "AMI names are at most 128 characters");
  }
  if (!ami.instance_type.empty()) {
    p->AllowedType(path + ".instance_type", ami.instance_type, s);
  }
}

void ValidateGroupIds(const Settings& s, const std::string& region, const RegionNetwork& net,
                      const std::string& path, Problems* p) {
  const bool flat =
      region == s.aws_default_region && net.security_group_ids == s.cml_worker_security_group_ids;
  for (size_t i = 0; i < net.security_group_ids.size(); ++i) {
    const std::string index = "[" + std::to_string(i) + "]";
    if (!IsResourceId("sg", net.security_group_ids[i])) {
      p->Add((flat ? "cml_worker_security_group_ids" : path + ".security_group_ids") + index,
             Quote(net.security_group_ids[i]) + " is not a security group id (sg-<hex>)");
    }
  }
  const bool flat_names = region == s.aws_default_region &&
                          net.security_group_names == s.cml_worker_security_group_names;
  for (size_t i = 0; i < net.security_group_names.size(); ++i) {
    const std::string& name = net.security_group_names[i];
    if (name.empty() || name.size() > 255) {
      p->Add((flat_names ? "cml_worker_security_group_names" : path + ".security_group_names") +
                 "[" + std::to_string(i) + "]",
             "security group names are 1-255 characters");
    }
  }
}

void ValidateNetworkEntry(const Settings& s, const std::string& region, const RegionNetwork& net,
                          Problems* p) {
  const std::string path = "cml_worker_network_config." + region;
  const bool is_default = region == s.aws_default_region;
  if (!is_default) p->Region("cml_worker_network_config", region);
  if (!net.vpc_id.empty() && !IsResourceId("vpc", net.vpc_id)) {
    p->Add(
        FlatOr(s.cml_worker_vpc_id, "cml_worker_vpc_id", net.vpc_id, is_default, path + ".vpc_id"),
        Quote(net.vpc_id) + " is not a VPC id (vpc- followed by 8 or 17 lowercase hex digits)");
  }
  if (!net.subnet_id.empty() && !IsResourceId("subnet", net.subnet_id)) {
    p->Add(FlatOr(s.cml_worker_subnet_id, "cml_worker_subnet_id", net.subnet_id, is_default,
                  path + ".subnet_id"),
           Quote(net.subnet_id) +
               " is not a subnet id (subnet- followed by 8 or 17 lowercase hex digits)");
  }
  ValidateGroupIds(s, region, net, path, p);
}

void CheckPlaceholders(const std::string& path, const std::string& value, Problems* p) {
  static const std::regex placeholder(R"(\{[^{}]*\})");
  for (auto it = std::sregex_iterator(value.begin(), value.end(), placeholder);
       it != std::sregex_iterator(); ++it) {
    const std::string found = it->str();
    if (found != "{worker_id}" && found != "{name}") {
      p->Add(path, "unknown placeholder " + found + " (use {worker_id} or {name})");
    }
  }
}

}  // namespace

void ValidateWorkerImages(const Settings& s, Problems* p) {
  CheckRegionKeys(s.cml_worker_ami_ids, "cml_worker_ami_ids", p);
  CheckRegionKeys(s.cml_worker_ami_names, "cml_worker_ami_names", p);
  for (const auto& [region, ami] : s.cml_worker_ami_config) ValidateAmiEntry(s, region, ami, p);
  // Sandbox mode seeds an AMI per allowed region itself, so it needs none configured.
  bool default_allowed = false;
  for (const auto& r : s.aws_allowed_regions) default_allowed |= r == s.aws_default_region;
  const AmiConfig ami = AmiFor(s, s.aws_default_region);
  if (!s.sandbox && default_allowed && ami.ami_id.empty() && ami.ami_name.empty()) {
    p->Add("cml_worker_ami_config",
           "no ami_id or ami_name for the default region " + s.aws_default_region +
               " (set cml_worker_ami_config, CML_WORKER_AMI_IDS or CML_WORKER_AMI_NAMES, or run "
               "with --sandbox)");
  }
}

void ValidateWorkerNetwork(const Settings& s, Problems* p) {
  for (const auto& [region, net] : s.cml_worker_network_config) {
    ValidateNetworkEntry(s, region, net, p);
  }
  for (const auto& [region, key] : s.cml_worker_key_pairs) {
    const bool is_default = region == s.aws_default_region;
    if (!is_default) p->Region("cml_worker_key_pairs", region);
    if (key.empty() || key.size() > 255) {
      p->Add(FlatOr(s.cml_worker_key_name, "cml_worker_key_name", key, is_default,
                    "cml_worker_key_pairs." + region),
             "key pair names are 1-255 characters");
    }
  }
}

void ValidateWorker(const Settings& s, Problems* p) {
  const auto& allowed = s.cml_worker_allowed_instance_types;
  if (allowed.empty()) p->Add("cml_worker_allowed_instance_types", "must list at least one type");
  for (size_t i = 0; i < allowed.size(); ++i) {
    if (!IsInstanceTypeName(allowed[i])) {
      p->Add("cml_worker_allowed_instance_types[" + std::to_string(i) + "]",
             Quote(allowed[i]) + " is not an instance type name (family.size, e.g. c5.2xlarge)");
    }
  }
  p->AllowedType("cml_worker_default_instance_type", s.cml_worker_default_instance_type, s);
  static const std::regex user(R"(^[a-z_][a-z0-9_-]{0,31}$)");
  if (!std::regex_match(s.cml_worker_username, user)) {
    p->Add("cml_worker_username", "not a Linux user name: " + Quote(s.cml_worker_username));
  }
  for (const auto& [key, value] : s.cml_worker_default_tags) {
    const std::string path = "cml_worker_default_tags." + key;
    if (key.empty() || key.size() > 128) p->Add(path, "tag keys are 1-128 characters");
    if (key.rfind("aws:", 0) == 0) p->Add(path, "tag keys may not start with aws:");
    if (key.rfind("ccm:", 0) == 0) p->Add(path, "tag keys starting with ccm: are ccm's own");
    if (value.size() > 256) p->Add(path, "tag values are at most 256 characters");
    CheckPlaceholders(path, value, p);
  }
  p->Range("cml_worker_root_volume_gib", s.cml_worker_root_volume_gib, 8, 16384);
  ValidateWorkerImages(s, p);
  ValidateWorkerNetwork(s, p);
}

}  // namespace ccm::config::internal
