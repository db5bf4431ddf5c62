#include "aws/ec2_client.hpp"

#include "aws/ec2_params.hpp"
#include "aws/ec2_xml.hpp"
#include "core/log.hpp"

namespace ccm::aws {
namespace {

constexpr char kUnsupportedHibernation[] = "UnsupportedHibernationConfiguration";

}  // namespace

Ec2Client::Ec2Client(QueryTransport& transport, Ec2ClientOptions options)
    : transport_(transport), options_(options) {
  if (options_.page_size < 5) options_.page_size = 5;
  if (options_.page_size > 1000) options_.page_size = 1000;
  if (options_.batch_size == 0) options_.batch_size = 1000;
  if (options_.status_batch_size == 0 || options_.status_batch_size > 100) {
    options_.status_batch_size = 100;
  }
}

Result<std::string> Ec2Client::Call(const AwsScope& scope, const std::string& action,
                                    Params params) const {
  if (scope.region.empty()) return InvalidArgument("region", "required (e.g. eu-west-1)");
  QueryCall call;
  call.service = "ec2";
  call.region = scope.region;
  call.action = action;
  call.version = ec2::kVersion;
  call.params = std::move(params);
  call.account = scope.account;
  return transport_.Call(call);
}

Result<LaunchResult> Ec2Client::RunInstances(const AwsScope& scope, const LaunchSpec& spec) {
  if (auto valid = ec2::ValidateLaunchSpec(spec); !valid) return Fail(valid.error());
  auto launched = FindLaunched(scope, spec.client_token);
  if (!launched) return Fail(launched.error());
  if (*launched) {
    log::Info("RunInstances: client token already launched, reusing",
              {{"worker_id", spec.worker_id}, {"instance_id", (*launched)->instances[0].id}});
    return std::move(**launched);
  }
  LaunchSpec full = spec;
  if (full.root_volume_gib > 0 && full.root_device_name.empty()) {
    auto device = RootDeviceName(scope, spec.image_id);
    if (!device) return Fail(device.error());
    full.root_device_name = *device;
  }
  auto body = Call(scope, "RunInstances", ec2::RunInstancesParams(full));
  if (!body) return Fail(body.error());
  auto result = ec2::ParseRunInstances(*body);
  if (result) {
    log::Info("RunInstances: launched", {{"worker_id", spec.worker_id},
                                         {"instance_id", result->instances[0].id},
                                         {"region", scope.region}});
  }
  return result;
}

Result<std::optional<LaunchResult>> Ec2Client::FindLaunched(const AwsScope& scope,
                                                            const std::string& client_token) const {
  Params base;
  ec2::AddFilters(base, {{std::string("tag:") + kTagClientToken, {client_token}}});
  auto found = DescribeAllPages(scope, base);
  if (!found) return Fail(found.error());
  if (found->empty()) return std::optional<LaunchResult>();
  LaunchResult result;
  result.reservation_id = found->front().reservation_id;
  result.instances = std::move(*found);
  result.reused = true;
  return std::optional<LaunchResult>(std::move(result));
}

Result<std::string> Ec2Client::RootDeviceName(const AwsScope& scope, const std::string& image_id) {
  auto images = DescribeImages(scope, ImageQuery{{image_id}, {}, {}});
  if (!images) return Fail(images.error());
  if (images->empty() || images->front().root_device_name.empty()) {
    return InvalidArgument("image_id", "AMI " + image_id + " not found or has no root device");
  }
  return images->front().root_device_name;
}

Result<std::vector<StateChange>> Ec2Client::ChangeState(const AwsScope& scope,
                                                        const std::string& action,
                                                        const std::vector<std::string>& ids,
                                                        const Params& extra) const {
  if (auto valid = ec2::ValidateIds("instance_ids", ids); !valid) return Fail(valid.error());
  std::vector<StateChange> all;
  for (const auto& batch : ec2::Batches(ids, options_.batch_size)) {
    Params params;
    ec2::AddList(params, "InstanceId", batch);
    params.insert(params.end(), extra.begin(), extra.end());
    auto body = Call(scope, action, std::move(params));
    if (!body) return Fail(body.error());
    auto changes = ec2::ParseStateChanges(*body);
    if (!changes) return Fail(changes.error());
    all.insert(all.end(), changes->begin(), changes->end());
  }
  return all;
}

Result<std::vector<StateChange>> Ec2Client::StartInstances(const AwsScope& scope,
                                                           const std::vector<std::string>& ids) {
  return ChangeState(scope, "StartInstances", ids, {});
}

Result<std::vector<StateChange>> Ec2Client::TerminateInstances(
    const AwsScope& scope, const std::vector<std::string>& ids) {
  return ChangeState(scope, "TerminateInstances", ids, {});
}

Result<StopResult> Ec2Client::StopInstances(const AwsScope& scope,
                                            const std::vector<std::string>& ids, bool hibernate) {
  if (auto valid = ec2::ValidateIds("instance_ids", ids); !valid) return Fail(valid.error());
  StopResult result;
  for (const auto& batch : ec2::Batches(ids, options_.batch_size)) {
    auto changes = StopBatch(scope, batch, hibernate, &result.hibernate_fell_back);
    if (!changes) return Fail(changes.error());
    result.changes.insert(result.changes.end(), changes->begin(), changes->end());
  }
  return result;
}

Result<std::vector<StateChange>> Ec2Client::StopBatch(const AwsScope& scope,
                                                      const std::vector<std::string>& batch,
                                                      bool hibernate, bool* fell_back) const {
  if (hibernate) {
    auto changes = ChangeState(scope, "StopInstances", batch, {{"Hibernate", "true"}});
    if (changes || changes.error().provider_code != kUnsupportedHibernation) return changes;
    log::Warn("StopInstances: hibernation not supported, stopping instead",
              {{"first_instance_id", batch.front()}, {"reason", changes.error().message}});
    *fell_back = true;
  }
  return ChangeState(scope, "StopInstances", batch, {});
}

Status Ec2Client::CreateTags(const AwsScope& scope, const std::vector<std::string>& resource_ids,
                             const Tags& tags) {
  if (auto valid = ec2::ValidateIds("resource_ids", resource_ids); !valid) return valid;
  if (tags.empty()) return InvalidArgument("tags", "at least one tag is required");
  for (const auto& batch : ec2::Batches(resource_ids, options_.batch_size)) {
    Params params;
    ec2::AddList(params, "ResourceId", batch);
    ec2::AddTags(params, "Tag", tags);
    if (auto body = Call(scope, "CreateTags", std::move(params)); !body) return Fail(body.error());
  }
  return Ok();
}

Status Ec2Client::DeleteTags(const AwsScope& scope, const std::vector<std::string>& resource_ids,
                             const std::vector<std::string>& keys) {
  if (auto valid = ec2::ValidateIds("resource_ids", resource_ids); !valid) return valid;
  if (keys.empty()) return InvalidArgument("keys", "at least one tag key is required");
  if (auto valid = ec2::ValidateIds("keys", keys); !valid) return valid;
  for (const auto& batch : ec2::Batches(resource_ids, options_.batch_size)) {
    Params params;
    ec2::AddList(params, "ResourceId", batch);
    for (size_t i = 0; i < keys.size(); ++i) {
      params.emplace_back("Tag." + std::to_string(i + 1) + ".Key", keys[i]);
    }
    if (auto body = Call(scope, "DeleteTags", std::move(params)); !body) return Fail(body.error());
  }
  return Ok();
}

Result<std::vector<Image>> Ec2Client::DescribeImages(const AwsScope& scope,
                                                     const ImageQuery& query) {
  if (auto valid = ec2::ValidateIds("image_ids", query.ids); !valid) return Fail(valid.error());
  if (query.ids.empty() && query.names.empty() && query.owners.empty()) {
    // Every public AMI of every owner would be listed: refuse rather than download thousands.
    return InvalidArgument("image_query", "give ids, names or owners");
  }
  Params base;
  ec2::AddList(base, "ImageId", query.ids);
  ec2::AddList(base, "Owner", query.owners);
  if (!query.names.empty()) ec2::AddFilters(base, {{"name", query.names}});
  std::vector<Image> all;
  std::string token;
  do {
    Params params = base;
    if (!token.empty()) params.emplace_back("NextToken", token);
    auto body = Call(scope, "DescribeImages", std::move(params));
    if (!body) return Fail(body.error());
    auto page = ec2::ParseDescribeImages(*body);
    if (!page) return Fail(page.error());
    all.insert(all.end(), page->images.begin(), page->images.end());
    if (!page->next_token.empty() && page->next_token == token) {
      return MakeError(Code::kInternal, "DescribeImages returned the same NextToken twice");
    }
    token = page->next_token;
  } while (!token.empty());
  return all;
}

Result<std::vector<MonitoringChange>> Ec2Client::ChangeMonitoring(
    const AwsScope& scope, const std::string& action, const std::vector<std::string>& ids) const {
  if (auto valid = ec2::ValidateIds("instance_ids", ids); !valid) return Fail(valid.error());
  std::vector<MonitoringChange> all;
  for (const auto& batch : ec2::Batches(ids, options_.batch_size)) {
    Params params;
    ec2::AddList(params, "InstanceId", batch);
    auto body = Call(scope, action, std::move(params));
    if (!body) return Fail(body.error());
    auto changes = ec2::ParseMonitoring(*body);
    if (!changes) return Fail(changes.error());
    all.insert(all.end(), changes->begin(), changes->end());
  }
  return all;
}

Result<std::vector<MonitoringChange>> Ec2Client::MonitorInstances(
    const AwsScope& scope, const std::vector<std::string>& ids) {
  return ChangeMonitoring(scope, "MonitorInstances", ids);
}

Result<std::vector<MonitoringChange>> Ec2Client::UnmonitorInstances(
    const AwsScope& scope, const std::vector<std::string>& ids) {
  return ChangeMonitoring(scope, "UnmonitorInstances", ids);
}

std::string Instance::Name() const {
  auto it = tags.find("Name");
  return it == tags.end() ? std::string() : it->second;
}

}  // namespace ccm::aws
