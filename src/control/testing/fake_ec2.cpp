#include "control/testing/fake_ec2.hpp"

#include <algorithm>
#include <cstdio>

namespace ccm::control::testing {
namespace {

// '*' matches any run of characters (DescribeImages name filters).
bool Glob(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '*') {
    for (size_t i = 0; i <= text.size(); ++i) {
      if (Glob(pattern.substr(1), text.substr(i))) return true;
    }
    return false;
  }
  return !text.empty() && pattern.front() == text.front() &&
         Glob(pattern.substr(1), text.substr(1));
}

bool AnyOf(const std::vector<std::string>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

bool Matches(const aws::Instance& i, const aws::Filter& f) {
  if (f.name == "instance-id") return AnyOf(f.values, i.id);
  if (f.name == "instance-state-name") return AnyOf(f.values, i.state);
  if (f.name == "image-id") return AnyOf(f.values, i.image_id);
  if (f.name == "instance-type") return AnyOf(f.values, i.instance_type);
  if (f.name == "tag-key") {
    for (const auto& v : f.values) {
      if (i.tags.count(v)) return true;
    }
    return false;
  }
  if (f.name.rfind("tag:", 0) == 0) {
    auto it = i.tags.find(f.name.substr(4));
    return it != i.tags.end() && AnyOf(f.values, it->second);
  }
  return false;
}

Error NotFound(const std::string& id) {
  Error e{Code::kNotFound,
          "The instance ID '" + id + "' does not exist",
          "InvalidInstanceID.NotFound",
          false,
          "",
          ""};
  return e;
}

}  // namespace

std::string FakeEc2::NewId(const std::string& prefix) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%017llx", static_cast<unsigned long long>(next_++));
  return prefix + buf;
}

std::optional<Error> FakeEc2::Enter(const std::string& action) {
  ++counts_[action];
  if (log_ != nullptr) log_->Add("ec2:" + action);
  auto it = failures_.find(action);
  if (it == failures_.end() || it->second.empty()) return std::nullopt;
  Error e = it->second.front();
  it->second.erase(it->second.begin());
  return e;
}

void FakeEc2::OnCall(std::function<void(const std::string& action)> hook) {
  std::lock_guard lock(mu_);
  hook_ = std::move(hook);
}

void FakeEc2::RunHook(const std::string& action) {
  std::function<void(const std::string&)> hook;
  {
    std::lock_guard lock(mu_);
    hook = hook_;
  }
  if (hook) hook(action);
}

void FakeEc2::AddImage(aws::Image image) {
  std::lock_guard lock(mu_);
  images_.push_back(std::move(image));
}

std::string FakeEc2::AddInstance(aws::Instance instance) {
  std::lock_guard lock(mu_);
  if (instance.id.empty()) instance.id = NewId("i-");
  if (instance.state.empty()) instance.state = "running";
  if (!instance.launch_time) instance.launch_time = clock_.Now();
  std::string id = instance.id;
  instances_[id] = Stored{std::move(instance), {}};
  return id;
}

void FakeEc2::SetState(const std::string& id, const std::string& state) {
  std::lock_guard lock(mu_);
  auto it = instances_.find(id);
  if (it != instances_.end()) it->second.instance.state = state;
}

void FakeEc2::Remove(const std::string& id) {
  std::lock_guard lock(mu_);
  instances_.erase(id);
}

void FakeEc2::FailNext(const std::string& action, Error error, int times) {
  std::lock_guard lock(mu_);
  for (int i = 0; i < times; ++i) failures_[action].push_back(error);
}

std::vector<aws::Instance> FakeEc2::instances() const {
  std::lock_guard lock(mu_);
  std::vector<aws::Instance> out;
  for (const auto& [id, s] : instances_) out.push_back(s.instance);
  return out;
}

std::optional<aws::Instance> FakeEc2::instance(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = instances_.find(id);
  if (it == instances_.end()) return std::nullopt;
  return it->second.instance;
}

int FakeEc2::Count(const std::string& action) const {
  std::lock_guard lock(mu_);
  auto it = counts_.find(action);
  return it == counts_.end() ? 0 : it->second;
}

std::vector<aws::LaunchSpec> FakeEc2::launches() const {
  std::lock_guard lock(mu_);
  return launches_;
}

Result<aws::LaunchResult> FakeEc2::RunInstances(const aws::AwsScope& scope,
                                                const aws::LaunchSpec& spec) {
  RunHook("RunInstances");
  std::lock_guard lock(mu_);
  if (auto e = Enter("RunInstances")) return Fail(*e);
  launches_.push_back(spec);
  aws::LaunchResult result;
  result.reservation_id = "r-" + spec.client_token.substr(0, 8);
  auto known = by_token_.find(spec.client_token);
  if (known != by_token_.end()) {
    result.reused = true;
    for (const auto& id : known->second) result.instances.push_back(instances_[id].instance);
    return result;
  }
  for (int n = 0; n < std::max(1, spec.count); ++n) {
    aws::Instance i;
    i.id = NewId("i-");
    i.state = "pending";
    i.instance_type = spec.instance_type;
    i.image_id = spec.image_id;
    i.launch_time = clock_.Now();
    i.private_ip = "10.0.0." + std::to_string(next_ % 250 + 2);
    i.public_ip = "203.0.113." + std::to_string(next_ % 250 + 2);
    i.client_token = spec.client_token;
    i.monitoring_state = "disabled";
    i.tags = spec.tags;
    i.tags[aws::kTagWorkerId] = spec.worker_id;
    i.tags[aws::kTagManaged] = "true";
    i.tags[aws::kTagClientToken] = spec.client_token;
    by_token_[spec.client_token].push_back(i.id);
    // Settles at once: the next Describe sees it running.
    aws::Instance stored = i;
    stored.state = "running";
    instances_[i.id] = Stored{stored, scope};
    result.instances.push_back(i);
  }
  if (lose_launch_answer_) {
    lose_launch_answer_ = false;
    return MakeError(Code::kUnavailable, "connection reset after RunInstances was sent");
  }
  return result;
}

Result<std::vector<aws::StateChange>> FakeEc2::Change(
    const aws::AwsScope&, const std::vector<std::string>& ids, const std::string& answer,
    const std::string& final, const std::vector<std::string>& allowed_from) {
  std::vector<aws::StateChange> out;
  for (const auto& id : ids) {
    auto it = instances_.find(id);
    if (it == instances_.end()) return Fail(NotFound(id));
    aws::Instance& i = it->second.instance;
    if (!AnyOf(allowed_from, i.state) && i.state != final) {
      return MakeError(Code::kFailedPrecondition,
                       "The instance '" + id + "' is not in a state from which it can be changed");
    }
    out.push_back({id, i.state, i.state == final ? final : answer});
    i.state = final;
    if (final == "stopped" || final == "terminated") i.public_ip.clear();
    if (final == "running" && i.public_ip.empty()) {
      i.public_ip = "198.51.100." + std::to_string(next_++ % 250 + 2);
    }
  }
  return out;
}

Result<std::vector<aws::StateChange>> FakeEc2::StartInstances(const aws::AwsScope& scope,
                                                              const std::vector<std::string>& ids) {
  RunHook("StartInstances");
  std::lock_guard lock(mu_);
  if (auto e = Enter("StartInstances")) return Fail(*e);
  return Change(scope, ids, "pending", "running", {"stopped"});
}

Result<aws::StopResult> FakeEc2::StopInstances(const aws::AwsScope& scope,
                                               const std::vector<std::string>& ids, bool) {
  RunHook("StopInstances");
  std::lock_guard lock(mu_);
  if (auto e = Enter("StopInstances")) return Fail(*e);
  auto changes = Change(scope, ids, "stopping", "stopped", {"running", "pending"});
  if (!changes) return Fail(changes.error());
  return aws::StopResult{std::move(*changes), false};
}

Result<std::vector<aws::StateChange>> FakeEc2::TerminateInstances(
    const aws::AwsScope& scope, const std::vector<std::string>& ids) {
  RunHook("TerminateInstances");
  std::lock_guard lock(mu_);
  if (auto e = Enter("TerminateInstances")) return Fail(*e);
  return Change(scope, ids, "shutting-down", "terminated",
                {"pending", "running", "stopping", "stopped", "shutting-down"});
}

Result<std::vector<aws::Instance>> FakeEc2::DescribeInstances(
    const aws::AwsScope&, const std::vector<aws::Filter>& filters) {
  RunHook("DescribeInstances");
  std::lock_guard lock(mu_);
  if (auto e = Enter("DescribeInstances")) return Fail(*e);
  std::vector<aws::Instance> out;
  for (const auto& [id, s] : instances_) {
    bool all = std::all_of(filters.begin(), filters.end(),
                           [&](const aws::Filter& f) { return Matches(s.instance, f); });
    if (all) out.push_back(s.instance);
  }
  return out;
}

Result<aws::InstancesById> FakeEc2::DescribeInstancesById(const aws::AwsScope&,
                                                          const std::vector<std::string>& ids) {
  RunHook("DescribeInstancesById");
  std::lock_guard lock(mu_);
  if (auto e = Enter("DescribeInstancesById")) return Fail(*e);
  aws::InstancesById out;
  for (const auto& id : ids) {
    auto it = instances_.find(id);
    if (it == instances_.end()) {
      out.missing_ids.push_back(id);
    } else {
      out.instances.push_back(it->second.instance);
    }
  }
  return out;
}

Result<aws::InstanceStatusReport> FakeEc2::DescribeInstanceStatus(
    const aws::AwsScope&, const std::vector<std::string>& ids) {
  RunHook("DescribeInstanceStatus");
  std::lock_guard lock(mu_);
  if (auto e = Enter("DescribeInstanceStatus")) return Fail(*e);
  aws::InstanceStatusReport out;
  for (const auto& id : ids) {
    auto it = instances_.find(id);
    if (it == instances_.end()) {
      out.missing_ids.push_back(id);
      continue;
    }
    const auto& i = it->second.instance;
    const bool running = i.state == "running";
    out.statuses.push_back(
        {id, "", i.state, running ? "ok" : "not-applicable", running ? "ok" : "not-applicable"});
  }
  return out;
}

Status FakeEc2::CreateTags(const aws::AwsScope&, const std::vector<std::string>& ids,
                           const aws::Tags& tags) {
  RunHook("CreateTags");
  std::lock_guard lock(mu_);
  if (auto e = Enter("CreateTags")) return Fail(*e);
  for (const auto& id : ids) {
    auto it = instances_.find(id);
    if (it == instances_.end()) return Fail(NotFound(id));
    for (const auto& [k, v] : tags) it->second.instance.tags[k] = v;
  }
  return Ok();
}

Status FakeEc2::DeleteTags(const aws::AwsScope&, const std::vector<std::string>& ids,
                           const std::vector<std::string>& keys) {
  RunHook("DeleteTags");
  std::lock_guard lock(mu_);
  if (auto e = Enter("DeleteTags")) return Fail(*e);
  for (const auto& id : ids) {
    auto it = instances_.find(id);
    if (it == instances_.end()) return Fail(NotFound(id));
    for (const auto& k : keys) it->second.instance.tags.erase(k);
  }
  return Ok();
}

Result<std::vector<aws::Image>> FakeEc2::DescribeImages(const aws::AwsScope&,
                                                        const aws::ImageQuery& query) {
  RunHook("DescribeImages");
  std::lock_guard lock(mu_);
  if (auto e = Enter("DescribeImages")) return Fail(*e);
  std::vector<aws::Image> out;
  for (const auto& image : images_) {
    bool by_id = query.ids.empty() || AnyOf(query.ids, image.id);
    bool by_name = query.names.empty() ||
                   std::any_of(query.names.begin(), query.names.end(),
                               [&](const std::string& p) { return Glob(p, image.name); });
    if (by_id && by_name) out.push_back(image);
  }
  return out;
}

Result<std::vector<aws::MonitoringChange>> FakeEc2::MonitorInstances(
    const aws::AwsScope&, const std::vector<std::string>& ids) {
  RunHook("MonitorInstances");
  std::lock_guard lock(mu_);
  if (auto e = Enter("MonitorInstances")) return Fail(*e);
  std::vector<aws::MonitoringChange> out;
  for (const auto& id : ids) {
    auto it = instances_.find(id);
    if (it == instances_.end()) return Fail(NotFound(id));
    it->second.instance.monitoring_state = "enabled";
    out.push_back({id, "pending"});
  }
  return out;
}

Result<std::vector<aws::MonitoringChange>> FakeEc2::UnmonitorInstances(
    const aws::AwsScope&, const std::vector<std::string>& ids) {
  RunHook("UnmonitorInstances");
  std::lock_guard lock(mu_);
  if (auto e = Enter("UnmonitorInstances")) return Fail(*e);
  std::vector<aws::MonitoringChange> out;
  for (const auto& id : ids) {
    auto it = instances_.find(id);
    if (it == instances_.end()) return Fail(NotFound(id));
    it->second.instance.monitoring_state = "disabled";
    out.push_back({id, "disabling"});
  }
  return out;
}

Result<std::vector<aws::PermissionCheck>> FakeEc2::CheckPermissions(const aws::AwsScope&,
                                                                    const aws::PreflightTargets&) {
  RunHook("CheckPermissions");
  std::lock_guard lock(mu_);
  if (auto e = Enter("CheckPermissions")) return Fail(*e);
  std::vector<aws::PermissionCheck> out;
  for (const auto& action : aws::Ec2Actions()) {
    out.push_back({action, aws::Permission::kAllowed, ""});
  }
  return out;
}

}  // namespace ccm::control::testing
