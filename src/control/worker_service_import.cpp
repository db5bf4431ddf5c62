// Import: existing EC2 instances become workers. Already-known instances are reported, never
// duplicated (the store's unique instance id also guards against a concurrent import).
#include <algorithm>

#include "control/internal/service_core.hpp"
#include "control/observe.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"

namespace ccm::control {
namespace {

bool Ending(const aws::Instance& i) {
  return i.state == "terminated" || i.state == "shutting-down";
}

Status ValidateImport(const config::Settings& s, ImportRequest& req) {
  if (auto st = domain::ValidateRegion(req.region); !st) return st;
  if (auto st = ValidateScope(s, req.account, req.region); !st) return st;
  if (!req.instance_id.empty()) req.instance_ids.insert(req.instance_ids.begin(), req.instance_id);
  const int selectors = !req.instance_ids.empty() + !req.ami_name.empty() + !req.tags.empty();
  if (selectors != 1) {
    return InvalidArgument("instance_id",
                           "give exactly one of instance_id, instance_ids, ami_name or tags");
  }
  for (const auto& id : req.instance_ids) {
    if (auto st = domain::ValidateInstanceId(id); !st) {
      return InvalidArgument("instance_ids", "'" + id + "' is not an instance id");
    }
  }
  for (const auto& [k, v] : req.tags) {
    if (k.empty() || k.size() > domain::kMaxTagKeyLength) {
      return InvalidArgument("tags", "tag keys must have 1 to 128 characters");
    }
  }
  if (!req.owner.empty()) {
    if (auto st = domain::ValidateUser(req.owner, "owner"); !st) return st;
  }
  return Ok();
}

Result<std::vector<aws::Instance>> FindInstances(aws::Ec2Api& ec2, const aws::AwsScope& scope,
                                                 const ImportRequest& req) {
  if (!req.instance_ids.empty()) {
    auto found = ec2.DescribeInstancesById(scope, req.instance_ids);
    if (!found) return Fail(found.error());
    if (!found->missing_ids.empty()) {
      return InvalidArgument("instance_ids",
                             "no instance " + found->missing_ids.front() + " in " + scope.region);
    }
    for (const auto& i : found->instances) {
      if (Ending(i)) return InvalidArgument("instance_ids", i.id + " is " + i.state);
    }
    return std::move(found->instances);
  }
  std::vector<aws::Filter> filters;
  if (!req.ami_name.empty()) {
    auto images = ec2.DescribeImages(scope, aws::ImageQuery{{}, {req.ami_name}, {}});
    if (!images) return Fail(images.error());
    if (images->empty()) {
      return InvalidArgument("ami_name",
                             "no image named '" + req.ami_name + "' in " + scope.region);
    }
    aws::Filter f{"image-id", {}};
    for (const auto& image : *images) f.values.push_back(image.id);
    filters.push_back(std::move(f));
  }
  for (const auto& [k, v] : req.tags) filters.push_back(aws::Filter{"tag:" + k, {v}});
  auto found = ec2.DescribeInstances(scope, filters);
  if (!found) return Fail(found.error());
  std::vector<aws::Instance> out;
  for (auto& i : *found) {
    if (!Ending(i)) out.push_back(std::move(i));
  }
  return out;
}

domain::NewWorker SpecFor(const ImportRequest& req, const aws::Instance& i) {
  domain::NewWorker spec;
  spec.id = NewUuid();
  spec.name = domain::ValidateWorkerName(i.Name()) ? i.Name() : i.id;
  spec.region = req.region;
  spec.account = req.account;
  spec.instance_type = i.instance_type;
  if (domain::ValidateAmiId(i.image_id)) spec.ami_id = i.image_id;
  for (const auto& [k, v] : i.tags) {
    if (k.rfind("aws:", 0) != 0) spec.tags[k] = v;  // AWS's own tags are observed later
  }
  spec.tags[aws::kTagManaged] = "true";
  spec.tags[aws::kTagWorkerId] = spec.id;
  spec.owner = req.owner;
  spec.aws_instance_id = i.id;
  spec.status = domain::WorkerStatusFromEc2(i.state);
  if (spec.status == domain::WorkerStatus::kUnknown) spec.status = domain::WorkerStatus::kPending;
  spec.launched_at = i.launch_time;
  return spec;
}

}  // namespace

Result<ImportResult> WorkerService::Import(const RequestContext& ctx, const ImportRequest& in) {
  ImportRequest req = in;
  if (auto st = ValidateImport(deps_.settings, req); !st) return Fail(st.error());
  auto ec2 = deps_.clouds->Ec2(req.account, req.region);
  if (!ec2) return Fail(ec2.error());
  const aws::AwsScope scope{req.account, req.region};
  auto instances = FindInstances(**ec2, scope, req);
  if (!instances) return Fail(instances.error());
  ImportResult out;
  for (const auto& instance : *instances) {
    auto known = deps_.store->FindWorkerByInstanceId(instance.id);
    if (known) {
      out.already_known.push_back({instance.id, known->id()});
      continue;
    }
    if (known.error().code != Code::kNotFound) return Fail(known.error());
    const domain::NewWorker spec = SpecFor(req, instance);
    const auto c = impl_->Context(ctx);
    auto worker = domain::Worker::Create(spec, c);
    if (!worker) return Fail(worker.error());
    const std::string endpoint = impl_->ResolveEndpoint(worker->record(), instance);
    // The instance's tags already carry ours (written below), so observing them changes nothing.
    aws::Instance seen = instance;
    seen.tags = worker->record().tags;
    ApplyInstance(*worker, seen, nullptr, endpoint, c);
    auto committed = writer_.Create(std::move(*worker));
    if (!committed) {
      if (committed.error().code != Code::kAlreadyExists) return Fail(committed.error());
      auto winner = deps_.store->FindWorkerByInstanceId(instance.id);  // a concurrent import
      out.already_known.push_back({instance.id, winner ? winner->id() : ""});
      continue;
    }
    aws::Tags ours = {{aws::kTagManaged, "true"}, {aws::kTagWorkerId, spec.id}};
    if (auto st = (*ec2)->CreateTags(scope, {instance.id}, ours); !st) {
      log::Warn("imported worker's ccm tags not written",
                {{"worker_id", spec.id}, {"error", Describe(st.error())}});
    }
    out.imported.push_back(committed->worker.record());
  }
  return out;
}

}  // namespace ccm::control
