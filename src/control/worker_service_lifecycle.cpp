// Start, Stop, Terminate and Refresh: each command recorded (worker.command_requested) before the
// AWS call, then the state AWS answers observed.
#include "control/internal/service_core.hpp"
#include "control/observe.hpp"
#include "core/json.hpp"
#include "core/log.hpp"

namespace ccm::control {
namespace {

using domain::WorkerCommand;
using domain::WorkerStatus;

// The state AWS reported for our instance in a Start/Stop/Terminate answer, if any.
std::optional<WorkerStatus> StateOf(const std::vector<aws::StateChange>& changes,
                                    const std::string& instance_id) {
  for (const auto& c : changes) {
    if (c.instance_id == instance_id) return domain::WorkerStatusFromEc2(c.current_state);
  }
  return std::nullopt;
}

WorkerService::Impl::Change Observe(std::optional<WorkerStatus> state) {
  return [state](domain::Worker& w, const domain::ChangeContext& c) {
    if (state) w.ObserveState(*state, c);
    return Ok();
  };
}

WorkerService::Impl::Change Request(WorkerCommand command, std::string detail = "{}") {
  return [command, detail](domain::Worker& w, const domain::ChangeContext& c) {
    return w.RequestCommand(command, c, detail);
  };
}

// Best-effort licence release before a stop; the outcome goes into the stop's event.
std::string ReleaseBeforeStop(WorkerService::Impl& impl, const domain::WorkerRecord& r,
                              bool* released) {
  *released = false;
  if (auto st = WorkerService::Impl::RequireService(r); !st) {
    return "skipped: " + st.error().message;
  }
  auto outcome = impl.deps.cml->DeregisterLicence(impl.Target(r));
  if (!outcome) return "failed: " + Describe(outcome.error());
  *released = true;
  return std::string(cml::DeregistrationName(*outcome));
}

}  // namespace

Result<domain::WorkerRecord> WorkerService::Start(const RequestContext& ctx,
                                                  const std::string& id) {
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  if (auto st = w->Check(WorkerCommand::kStart); !st) return Fail(st.error());
  if (auto st = Impl::RequireInstance(w->record()); !st) return Fail(st.error());
  auto ec2 = impl_->Ec2(w->record());
  if (!ec2) return Fail(ec2.error());
  auto requested = impl_->Update(ctx, std::move(*w), Request(WorkerCommand::kStart));
  if (!requested) return Fail(requested.error());
  const domain::WorkerRecord r = requested->record();  // a copy: *requested moves on
  auto changes = (*ec2)->StartInstances(Impl::Scope(r), {r.aws_instance_id});
  if (!changes) return Fail(changes.error());
  auto observed =
      impl_->Update(ctx, std::move(*requested), Observe(StateOf(*changes, r.aws_instance_id)));
  if (!observed) return Fail(observed.error());
  return observed->record();
}

Result<domain::WorkerRecord> WorkerService::Stop(const RequestContext& ctx, const std::string& id,
                                                 const StopRequest& req) {
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  if (auto st = w->Check(WorkerCommand::kStop); !st) return Fail(st.error());
  if (auto st = Impl::RequireInstance(w->record()); !st) return Fail(st.error());
  auto ec2 = impl_->Ec2(w->record());
  if (!ec2) return Fail(ec2.error());
  Json detail = {{"release_license", req.release_license}, {"hibernate", req.hibernate}};
  bool released = false;
  if (req.release_license) {
    detail["license_release"] = ReleaseBeforeStop(*impl_, w->record(), &released);
  }
  auto requested =
      impl_->Update(ctx, std::move(*w), [&](domain::Worker& x, const domain::ChangeContext& c) {
        if (auto st = x.RequestCommand(WorkerCommand::kStop, c, detail.dump()); !st) return st;
        if (!req.release_license) return Ok();
        const std::string outcome = detail["license_release"];
        if (released) {
          x.ObserveLicense(domain::LicenseStatus::kUnregistered, c, "released before stop");
        }
        if (outcome.rfind("skipped", 0) == 0) return Ok();  // nothing was attempted
        return x.RecordLicenseOperation(WorkerCommand::kReleaseLicense,
                                        released ? "completed" : "failed", outcome, c);
      });
  if (!requested) return Fail(requested.error());
  const domain::WorkerRecord r = requested->record();  // a copy: *requested moves on
  auto stopped = (*ec2)->StopInstances(Impl::Scope(r), {r.aws_instance_id}, req.hibernate);
  if (!stopped) return Fail(stopped.error());
  if (stopped->hibernate_fell_back) {
    log::Info("hibernation unsupported; stopped plainly", {{"worker_id", r.id}});
  }
  auto observed = impl_->Update(ctx, std::move(*requested),
                                Observe(StateOf(stopped->changes, r.aws_instance_id)));
  if (!observed) return Fail(observed.error());
  return observed->record();
}

Result<TerminateOutcome> WorkerService::Terminate(const RequestContext& ctx, const std::string& id,
                                                  const TerminateRequest& req) {
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  TerminateOutcome out;
  const WorkerStatus status = w->status();
  const bool ending = status == WorkerStatus::kShuttingDown || status == WorkerStatus::kTerminated;
  if (!(req.purge && ending)) {
    if (auto st = w->Check(WorkerCommand::kTerminate); !st) return Fail(st.error());
    Result<aws::Ec2Api*> ec2 = nullptr;
    if (!w->record().aws_instance_id.empty()) {
      ec2 = impl_->Ec2(w->record());
      if (!ec2) return Fail(ec2.error());
    }
    auto requested = impl_->Update(ctx, std::move(*w), Request(WorkerCommand::kTerminate));
    if (!requested) return Fail(requested.error());
    const domain::WorkerRecord r = requested->record();             // a copy: *requested moves on
    std::optional<WorkerStatus> state = WorkerStatus::kTerminated;  // nothing was launched
    if (!r.aws_instance_id.empty()) {
      auto changes = (*ec2)->TerminateInstances(Impl::Scope(r), {r.aws_instance_id});
      if (!changes) return Fail(changes.error());
      state = StateOf(*changes, r.aws_instance_id);
    }
    auto observed = impl_->Update(ctx, std::move(*requested), Observe(state));
    if (!observed) return Fail(observed.error());
    deps_.cml->Forget(r.id);
    out.worker = observed->record();
  }
  if (req.purge) {
    auto purged = writer_.Purge(id, impl_->Context(ctx));
    if (!purged) return Fail(purged.error());
    out.purged = true;
    out.worker.reset();
  }
  return out;
}

Result<domain::WorkerRecord> WorkerService::Refresh(const RequestContext& ctx,
                                                    const std::string& id) {
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  if (auto st = w->Check(WorkerCommand::kRefresh); !st) return Fail(st.error());
  auto observed = impl_->ObserveAws(ctx, std::move(*w));
  if (!observed) return Fail(observed.error());
  auto probed = impl_->ProbeCml(ctx, std::move(*observed));
  if (!probed) return Fail(probed.error());
  return probed->record();
}

}  // namespace ccm::control
