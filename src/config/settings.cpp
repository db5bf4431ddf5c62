#include "config/settings.hpp"

namespace ccm::config {

PriceTable DefaultPriceTable() {
  // Public on-demand Linux prices, rounded; operators override them for their own contracts.
  const std::map<std::string, double> us = {
      {"t3.xlarge", 0.1664}, {"c5.2xlarge", 0.34}, {"c5.4xlarge", 0.68}, {"m5zn.metal", 3.9641}};
  const std::map<std::string, double> eu = {
      {"t3.xlarge", 0.1824}, {"c5.2xlarge", 0.384}, {"c5.4xlarge", 0.768}, {"m5zn.metal", 4.4198}};
  return {{"us-east-1", us}, {"us-west-2", us}, {"eu-west-1", eu}};
}

AmiConfig AmiFor(const Settings& s, const std::string& region) {
  auto it = s.cml_worker_ami_config.find(region);
  return it == s.cml_worker_ami_config.end() ? AmiConfig{} : it->second;
}

RegionNetwork NetworkFor(const Settings& s, const std::string& region) {
  auto it = s.cml_worker_network_config.find(region);
  return it == s.cml_worker_network_config.end() ? RegionNetwork{} : it->second;
}

std::string KeyPairFor(const Settings& s, const std::string& region) {
  auto it = s.cml_worker_key_pairs.find(region);
  return it == s.cml_worker_key_pairs.end() ? std::string() : it->second;
}

std::string DefaultInstanceTypeFor(const Settings& s, const std::string& region) {
  std::string own = AmiFor(s, region).instance_type;
  return own.empty() ? s.cml_worker_default_instance_type : own;
}

std::optional<std::string> EndpointFor(const Settings& s, std::string_view service) {
  const std::string* specific = nullptr;
  if (service == "ec2") specific = &s.aws_endpoint_url_ec2;
  if (service == "cloudwatch" || service == "monitoring") specific = &s.aws_endpoint_url_cloudwatch;
  if (service == "sts") specific = &s.aws_endpoint_url_sts;
  if (service == "iam") specific = &s.aws_endpoint_url_iam;
  if (specific != nullptr && !specific->empty()) return *specific;
  if (!s.aws_endpoint_url.empty()) return s.aws_endpoint_url;
  return std::nullopt;
}

namespace {

// One pass, so a worker name containing "{worker_id}" is not expanded again.
std::string Expand(std::string_view value, std::string_view worker_id, std::string_view name) {
  std::string out;
  for (size_t i = 0; i < value.size();) {
    std::string_view rest = value.substr(i);
    if (rest.starts_with("{worker_id}")) {
      out += worker_id;
      i += 11;
    } else if (rest.starts_with("{name}")) {
      out += name;
      i += 6;
    } else {
      out += value[i++];
    }
  }
  return out;
}

}  // namespace

StringMap ExpandTags(const StringMap& tags, std::string_view worker_id, std::string_view name) {
  StringMap out;
  for (const auto& [key, value] : tags) {
    out[key] = Expand(value, worker_id, name);
  }
  return out;
}

std::optional<double> PricePerHour(const Settings& s, const std::string& region,
                                   const std::string& instance_type) {
  auto r = s.cost_price_table.find(region);
  if (r == s.cost_price_table.end()) return std::nullopt;
  auto t = r->second.find(instance_type);
  if (t == r->second.end()) return std::nullopt;
  return t->second;
}

}  // namespace ccm::config
