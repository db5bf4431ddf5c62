// The background launch of a pending worker (Create, ResumePending): RunInstances with the
// worker's stored ClientToken, then the instance assigned and observed. See worker_service.hpp
// for what happens on failure.
#include <chrono>

#include "control/internal/service_core.hpp"
#include "control/observe.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "core/trace.hpp"

namespace ccm::control {
namespace {

aws::LaunchSpec SpecFor(const config::Settings& s, const domain::WorkerRecord& r) {
  aws::LaunchSpec spec;
  spec.client_token = r.client_token;
  spec.worker_id = r.id;
  spec.image_id = r.ami_id;
  spec.instance_type = r.instance_type;
  const config::RegionNetwork net = config::NetworkFor(s, r.region);
  spec.subnet_id = net.subnet_id;
  spec.security_group_ids = net.security_group_ids;
  spec.assign_public_ip = net.assign_public_ip && !net.subnet_id.empty();
  spec.key_name = config::KeyPairFor(s, r.region);
  spec.root_volume_gib = static_cast<int>(s.cml_worker_root_volume_gib);
  for (const auto& [k, v] : r.tags) {
    if (k.rfind("ccm:", 0) != 0) spec.tags[k] = v;
  }
  return spec;
}

// Runs the launch under the request's trace so AWS calls and log lines carry it.
class TraceScope {
 public:
  explicit TraceScope(const std::string& trace_id) {
    if (trace_id.size() == 32) scoped_.emplace(TraceContext{trace_id, RandomHex(8), true});
  }

 private:
  std::optional<ScopedTrace> scoped_;
};

constexpr auto kRetryDelay = std::chrono::seconds(2);

}  // namespace

// RunInstances with the stored token, retried on uncertain failures. `record` receives the
// worker as last read. nullopt: nothing to do (already launched, no longer pending, or gone).
std::optional<Result<aws::LaunchResult>> WorkerService::Impl::RunWithRetries(
    const std::string& worker_id, domain::WorkerRecord& record) {
  Result<aws::LaunchResult> launched = MakeError(Code::kInternal, "not launched");
  for (int attempt = 1; attempt <= WorkerService::kLaunchAttempts; ++attempt) {
    auto w = deps.store->GetWorker(worker_id);
    if (!w) {
      log::Warn("launch: worker not readable",
                {{"worker_id", worker_id}, {"error", Describe(w.error())}});
      return std::nullopt;
    }
    record = w->record();
    if (!record.aws_instance_id.empty() || record.status != domain::WorkerStatus::kPending) {
      return std::nullopt;
    }
    auto ec2 = Ec2(record);
    if (!ec2) return Result<aws::LaunchResult>(Fail(ec2.error()));
    launched = (*ec2)->RunInstances(Scope(record), SpecFor(deps.settings, record));
    if (launched || IsDefiniteFailure(launched.error())) return launched;
    log::Warn("launch failed; retrying with the same client token",
              {{"worker_id", worker_id},
               {"attempt", std::to_string(attempt)},
               {"error", Describe(launched.error())}});
    if (attempt < WorkerService::kLaunchAttempts) deps.clock->SleepFor(kRetryDelay * attempt);
  }
  return launched;
}

// EC2 refused the launch outright: nothing runs, so the worker ends, with the reason recorded.
void WorkerService::Impl::RecordLaunchRefused(const RequestContext& ctx,
                                              const std::string& worker_id, const Error& error) {
  const std::string reason = Describe(error);
  log::Warn("launch refused; terminating the worker record",
            {{"worker_id", worker_id}, {"error", reason}});
  auto marked = Update(ctx, worker_id, [&](domain::Worker& x, const domain::ChangeContext& c) {
    Json detail = {{"reason", "launch failed"}, {"error", reason}};
    if (auto st = x.RequestCommand(domain::WorkerCommand::kTerminate, c, detail.dump()); !st) {
      return st;
    }
    x.ObserveState(domain::WorkerStatus::kTerminated, c);
    return Ok();
  });
  if (!marked) log::Error("launch failure not recorded", {{"error", Describe(marked.error())}});
}

bool WorkerService::Impl::AssignLaunched(const RequestContext& ctx,
                                         const domain::WorkerRecord& record,
                                         const aws::Instance& instance) {
  const std::string endpoint = ResolveEndpoint(record, instance);
  auto assigned = Update(ctx, record.id, [&](domain::Worker& x, const domain::ChangeContext& c) {
    if (auto st = x.AssignInstance(instance.id, instance.launch_time, c); !st) return st;
    ApplyInstance(x, instance, nullptr, endpoint, c);
    return Ok();
  });
  if (assigned) return true;
  auto now = deps.store->GetWorker(record.id);
  const bool ended = !now ? now.error().code == Code::kNotFound
                          : now->status() == domain::WorkerStatus::kTerminated;
  if (!ended) {
    // A store failure: the same token finds this instance again at the next ResumePending.
    log::Error("launched instance not recorded yet", {{"worker_id", record.id},
                                                      {"instance_id", instance.id},
                                                      {"error", Describe(assigned.error())}});
    return false;
  }
  // Terminated or purged while the launch was in flight: the instance has no worker left to
  // belong to, so it must not keep running (and costing) unseen.
  log::Warn("worker ended during its launch; terminating the new instance",
            {{"worker_id", record.id}, {"instance_id", instance.id}});
  if (auto ec2 = Ec2(record)) {
    auto gone = (*ec2)->TerminateInstances(Scope(record), {instance.id});
    if (!gone) log::Error("could not terminate", {{"error", Describe(gone.error())}});
  }
  return false;
}

bool WorkerService::Impl::Launch(const RequestContext& ctx, const std::string& worker_id) {
  TraceScope trace(ctx.trace_id);
  domain::WorkerRecord record;
  auto launched = RunWithRetries(worker_id, record);
  if (!launched) return !record.aws_instance_id.empty();
  if (!*launched) {
    if (IsDefiniteFailure(launched->error())) {
      RecordLaunchRefused(ctx, worker_id, launched->error());
    } else {
      log::Error("launch still failing; the worker stays pending until ResumePending",
                 {{"worker_id", worker_id}, {"error", Describe(launched->error())}});
    }
    return false;
  }
  if ((*launched)->instances.empty()) {
    log::Error("launch returned no instance", {{"worker_id", worker_id}});
    return false;
  }
  if (!AssignLaunched(ctx, record, (*launched)->instances.front())) return false;
  log::Info("worker launched", {{"worker_id", worker_id},
                                {"instance_id", (*launched)->instances.front().id},
                                {"reused", (*launched)->reused ? "true" : "false"}});
  return true;
}

}  // namespace ccm::control
