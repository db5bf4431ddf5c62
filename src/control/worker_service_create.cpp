// Create (validate, persist pending with a new ClientToken, launch in the background) and
// ResumePending (launch again with the stored ClientToken after a crash).
#include <algorithm>

#include "control/internal/service_core.hpp"
#include "control/observe.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/log.hpp"

namespace ccm::control {
namespace {

constexpr std::string_view kCcmPrefix = "ccm:";

bool IsCcmKey(std::string_view key) { return key.substr(0, kCcmPrefix.size()) == kCcmPrefix; }

struct ResolvedImage {
  std::string ami_id;
  std::string ami_name;
  std::string cml_version;
};

// The newest available image with this name (wildcards allowed).
Result<ResolvedImage> ImageByName(aws::Ec2Api& ec2, const aws::AwsScope& scope,
                                  const std::string& name, const std::string& field) {
  auto images = ec2.DescribeImages(scope, aws::ImageQuery{{}, {name}, {}});
  if (!images) return Fail(images.error());
  const aws::Image* best = nullptr;
  for (const auto& image : *images) {
    if (!image.state.empty() && image.state != "available") continue;
    if (best == nullptr ||
        image.creation_date.value_or(TimePoint{}) > best->creation_date.value_or(TimePoint{})) {
      best = &image;
    }
  }
  if (best == nullptr) {
    return InvalidArgument(field, "no available image named '" + name + "' in " + scope.region);
  }
  return ResolvedImage{best->id, best->name, ""};
}

Result<ResolvedImage> ResolveImage(const config::Settings& s, aws::Ec2Api& ec2,
                                   const aws::AwsScope& scope, const CreateWorkerRequest& req) {
  const config::AmiConfig configured = config::AmiFor(s, scope.region);
  if (!req.ami_id.empty() && !req.ami_name.empty()) {
    return InvalidArgument("ami_id", "give ami_id or ami_name, not both");
  }
  if (!req.ami_id.empty()) {
    if (auto st = domain::ValidateAmiId(req.ami_id); !st) return Fail(st.error());
    if (req.ami_id == configured.ami_id) {
      return ResolvedImage{req.ami_id, configured.ami_name, configured.cml_version};
    }
    return ResolvedImage{req.ami_id, "", ""};
  }
  if (!req.ami_name.empty()) return ImageByName(ec2, scope, req.ami_name, "ami_name");
  if (!configured.ami_id.empty()) {
    return ResolvedImage{configured.ami_id, configured.ami_name, configured.cml_version};
  }
  if (!configured.ami_name.empty()) {
    auto found = ImageByName(ec2, scope, configured.ami_name, "ami_name");
    if (found) found->cml_version = configured.cml_version;
    return found;
  }
  return InvalidArgument(
      "ami_id", "no AMI is configured for region " + scope.region + "; give ami_id or ami_name");
}

Status ValidateRequest(const config::Settings& s, const CreateWorkerRequest& req,
                       std::string* instance_type) {
  if (auto st = domain::ValidateWorkerName(req.name); !st) return st;
  if (auto st = domain::ValidateRegion(req.region); !st) return st;
  if (auto st = ValidateScope(s, req.account, req.region); !st) return st;
  *instance_type =
      req.instance_type.empty() ? config::DefaultInstanceTypeFor(s, req.region) : req.instance_type;
  if (auto st = domain::ValidateInstanceType(*instance_type); !st) return st;
  const auto& allowed = s.cml_worker_allowed_instance_types;
  if (std::find(allowed.begin(), allowed.end(), *instance_type) == allowed.end()) {
    std::string list;
    for (const auto& t : allowed) list += (list.empty() ? "" : ", ") + t;
    return InvalidArgument("instance_type",
                           "'" + *instance_type + "' is not allowed (allowed: " + list + ")");
  }
  for (const auto& [key, value] : req.tags) {
    if (IsCcmKey(key)) return InvalidArgument("tags." + key, "ccm:* tags are managed by ccm");
  }
  if (auto st = domain::ValidateTags(req.tags); !st) return st;
  if (!req.owner.empty()) {
    if (auto st = domain::ValidateUser(req.owner, "owner"); !st) return st;
  }
  const config::RegionNetwork net = config::NetworkFor(s, req.region);
  if (net.security_group_ids.empty() && !net.security_group_names.empty()) {
    return MakeError(Code::kFailedPrecondition,
                     "cml_worker_network_config." + req.region +
                         ".security_group_names: ccm launches with security group ids; set "
                         "security_group_ids");
  }
  return Ok();
}

// The tags the instance will carry: defaults, the caller's, and ccm's own.
domain::Tags LaunchTags(const config::Settings& s, const CreateWorkerRequest& req,
                        const std::string& id, const std::string& token) {
  domain::Tags tags;
  for (const auto& [k, v] : config::ExpandTags(s.cml_worker_default_tags, id, req.name)) {
    if (!IsCcmKey(k)) tags[k] = v;
  }
  for (const auto& [k, v] : req.tags) tags[k] = v;
  tags[aws::kTagWorkerId] = id;
  tags[aws::kTagManaged] = "true";
  tags[aws::kTagClientToken] = token;
  return tags;
}

}  // namespace

Result<domain::WorkerRecord> WorkerService::Create(const RequestContext& ctx,
                                                   const CreateWorkerRequest& req) {
  const config::Settings& s = deps_.settings;
  std::string instance_type;
  if (auto st = ValidateRequest(s, req, &instance_type); !st) return Fail(st.error());
  auto ec2 = deps_.clouds->Ec2(req.account, req.region);
  if (!ec2) return Fail(ec2.error());
  auto image = ResolveImage(s, **ec2, aws::AwsScope{req.account, req.region}, req);
  if (!image) return Fail(image.error());

  domain::NewWorker spec;
  spec.id = NewUuid();
  // A fresh token per worker, stored with it before any launch: every later launch attempt
  // (retry, restart) reuses it, and EC2 answers a reused token with the first instance.
  spec.client_token = NewUuid();
  spec.name = req.name;
  spec.region = req.region;
  spec.account = req.account;
  spec.instance_type = instance_type;
  spec.ami_id = image->ami_id;
  spec.ami_name = image->ami_name;
  spec.cml_version = image->cml_version;
  spec.owner = req.owner;
  spec.tags = LaunchTags(s, req, spec.id, spec.client_token);
  if (spec.tags.size() > domain::kMaxTags) {
    return InvalidArgument("tags", "too many tags with the defaults and ccm's own (" +
                                       std::to_string(spec.tags.size()) + " > " +
                                       std::to_string(domain::kMaxTags) + ")");
  }
  auto worker = domain::Worker::Create(spec, impl_->Context(ctx));
  if (!worker) return Fail(worker.error());
  auto committed = writer_.Create(std::move(*worker));
  if (!committed) return Fail(committed.error());
  const std::string id = committed->worker.id();
  log::Info("worker created; launching",
            {{"worker_id", id}, {"region", req.region}, {"instance_type", instance_type}});
  if (!executor_.Submit([this, ctx, id] { impl_->Launch(ctx, id); })) {
    log::Warn("service stopping: launch left to ResumePending", {{"worker_id", id}});
  }
  return committed->worker.record();
}

Result<ResumeReport> WorkerService::ResumePending(const RequestContext& ctx) {
  store::WorkerFilter filter;
  filter.statuses = {domain::WorkerStatus::kPending};
  auto pending = store::ListAllWorkers(*deps_.store, filter);
  if (!pending) return Fail(pending.error());
  ResumeReport report;
  for (const auto& w : *pending) {
    if (!w.record().aws_instance_id.empty() || w.record().client_token.empty()) continue;
    log::Info("resuming the launch of a pending worker", {{"worker_id", w.id()}});
    (impl_->Launch(ctx, w.id()) ? report.resumed : report.failed).push_back(w.id());
  }
  return report;
}

}  // namespace ccm::control
