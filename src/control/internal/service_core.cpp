#include "control/internal/service_core.hpp"

#include <algorithm>

#include "control/observe.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"

namespace ccm::control {

bool IsDefiniteFailure(const Error& e) {
  switch (e.code) {
    case Code::kInvalidArgument:
    case Code::kPermissionDenied:
    case Code::kUnauthenticated:
    case Code::kResourceExhausted:
    case Code::kFailedPrecondition:
    case Code::kNotFound:
    case Code::kOutOfRange:
    case Code::kUnimplemented:
      return true;
    default:
      return false;
  }
}

std::string Describe(const Error& e) {
  std::string text = std::string(CodeName(e.code)) + ": " + e.message;
  if (!e.provider_code.empty() && e.message.find(e.provider_code) == std::string::npos) {
    text += " (" + e.provider_code + ")";
  }
  return log::Redact(text);
}

domain::ChangeContext WorkerService::Impl::Context(const RequestContext& ctx) const {
  return domain::ChangeContext{ctx.actor, deps.clock->Now(), ctx.trace_id};
}

Result<domain::Worker> WorkerService::Impl::Load(const RequestContext& ctx, const std::string& id) {
  auto not_found = [&id] {
    // Only a well-formed id is echoed back: anything else is noise from the caller.
    return MakeError(Code::kNotFound,
                     IsUuid(id) ? "no worker with id '" + id + "'" : "no worker with this id");
  };
  if (!IsUuid(id)) return not_found();
  auto worker = deps.store->GetWorker(id);
  if (!worker) {
    if (worker.error().code == Code::kNotFound) return not_found();
    return Fail(worker.error());
  }
  if (!ctx.visible_to.empty()) {
    const auto& r = worker->record();
    bool assigned = std::find(r.assigned_users.begin(), r.assigned_users.end(), ctx.visible_to) !=
                    r.assigned_users.end();
    if (r.owner != ctx.visible_to && !assigned) return not_found();
  }
  return worker;
}

Result<domain::Worker> WorkerService::Impl::Update(const RequestContext& ctx, domain::Worker loaded,
                                                   const Change& change) {
  auto committed =
      writer.Update(std::move(loaded), [&](domain::Worker& w) { return change(w, Context(ctx)); });
  if (!committed) return Fail(committed.error());
  return std::move(committed->worker);
}

Result<domain::Worker> WorkerService::Impl::Update(const RequestContext& ctx, const std::string& id,
                                                   const Change& change) {
  auto committed = writer.Update(id, [&](domain::Worker& w) { return change(w, Context(ctx)); });
  if (!committed) return Fail(committed.error());
  return std::move(committed->worker);
}

Result<aws::Ec2Api*> WorkerService::Impl::Ec2(const domain::WorkerRecord& w) {
  return deps.clouds->Ec2(w.account, w.region);
}

cml::CmlTarget WorkerService::Impl::Target(const domain::WorkerRecord& w) const {
  return MakeCmlTarget(deps.settings, w);
}

Duration WorkerService::Impl::StartupTimeout() const {
  return config::Seconds(deps.settings.cml_startup_timeout_seconds);
}

Status WorkerService::Impl::RequireInstance(const domain::WorkerRecord& w) {
  if (!w.aws_instance_id.empty()) return Ok();
  return MakeError(Code::kFailedPrecondition, "worker '" + w.name +
                                                  "' has no instance yet (it is " +
                                                  std::string(ToString(w.status)) + ")");
}

Status WorkerService::Impl::RequireService(const domain::WorkerRecord& w) {
  if (w.status != domain::WorkerStatus::kRunning) {
    return MakeError(Code::kFailedPrecondition, "worker '" + w.name + "' is " +
                                                    std::string(ToString(w.status)) +
                                                    "; its CML is reachable only when running");
  }
  if (w.service_status != domain::ServiceStatus::kAvailable || w.https_endpoint.empty()) {
    return MakeError(Code::kFailedPrecondition, "the CML service of worker '" + w.name + "' is " +
                                                    std::string(ToString(w.service_status)) +
                                                    "; it must be available");
  }
  return Ok();
}

std::string WorkerService::Impl::ResolveEndpoint(const domain::WorkerRecord& w,
                                                 const aws::Instance& instance) {
  domain::WorkerRecord next = w;
  if (next.aws_instance_id.empty()) next.aws_instance_id = instance.id;
  domain::WorkerStatus observed = domain::WorkerStatusFromEc2(instance.state);
  if (domain::ClassifyObservation(w.status, observed) == domain::ObservationVerdict::kApply) {
    next.status = observed;
  }
  auto endpoint = deps.endpoints->Resolve(next, instance.public_ip, instance.private_ip);
  if (endpoint) return *endpoint;
  log::Warn("worker endpoint not resolved; keeping the recorded one",
            {{"worker_id", w.id}, {"error", Describe(endpoint.error())}});
  return w.https_endpoint;
}

Result<domain::Worker> WorkerService::Impl::ObserveAws(const RequestContext& ctx,
                                                       domain::Worker w) {
  if (w.record().aws_instance_id.empty()) return w;
  auto ec2 = Ec2(w.record());
  if (!ec2) return Fail(ec2.error());
  const auto scope = Scope(w.record());
  const std::string iid = w.record().aws_instance_id;
  auto found = (*ec2)->DescribeInstancesById(scope, {iid});
  if (!found) return Fail(found.error());
  if (found->instances.empty()) {
    return Update(ctx, std::move(w), [](domain::Worker& x, const domain::ChangeContext& c) {
      x.ObserveGone(c);
      return Ok();
    });
  }
  const aws::Instance instance = found->instances.front();
  auto report = (*ec2)->DescribeInstanceStatus(scope, {iid});
  if (!report) return Fail(report.error());
  std::optional<aws::InstanceStatus> status;
  for (const auto& s : report->statuses) {
    if (s.instance_id == iid) status = s;
  }
  // Without a status row (AWS omits stopped instances at times) the checks are not applicable.
  if (!status) status = aws::InstanceStatus{iid, "", instance.state, "", ""};
  const std::string endpoint = ResolveEndpoint(w.record(), instance);
  return Update(ctx, std::move(w), [&](domain::Worker& x, const domain::ChangeContext& c) {
    ApplyInstance(x, instance, &*status, endpoint, c);
    return Ok();
  });
}

Result<domain::Worker> WorkerService::Impl::ProbeCml(const RequestContext& ctx, domain::Worker w) {
  const auto& r = w.record();
  if (r.status != domain::WorkerStatus::kRunning || r.https_endpoint.empty()) return w;
  cml::ProbeOptions options;
  options.health = false;
  options.stats = false;
  options.labs = true;
  options.lab_details = true;
  options.licensing = true;
  auto snapshots = deps.cml->Probe({Target(r)}, options);
  if (snapshots.empty()) return w;
  const cml::WorkerSnapshot snapshot = snapshots.front();
  for (const auto& e : snapshot.errors) {
    log::Warn("CML probe step failed", {{"worker_id", r.id}, {"error", Describe(e)}});
  }
  const Duration timeout = StartupTimeout();
  return Update(ctx, std::move(w), [&](domain::Worker& x, const domain::ChangeContext& c) {
    ApplySnapshot(x, snapshot, timeout, c);
    return Ok();
  });
}

}  // namespace ccm::control
