// Connect (the "give me my CML" workflow), the idle policy and access.
#include <algorithm>

#include "control/internal/service_core.hpp"
#include "control/observe.hpp"
#include "core/log.hpp"

namespace ccm::control {
namespace {

using domain::ServiceStatus;
using domain::WorkerStatus;

// Rough figures for a person waiting: an EC2 instance reaches running in about a minute; a CML
// controller then needs a few minutes to boot (never more than the startup allowance).
constexpr int64_t kInstanceBootSeconds = 60;
constexpr int64_t kCmlBootSeconds = 300;
constexpr int64_t kLicenceSeconds = 60;
constexpr int64_t kMinimumWaitSeconds = 10;

int64_t CmlBootSeconds(const config::Settings& s) {
  return std::min<int64_t>(kCmlBootSeconds, static_cast<int64_t>(s.cml_startup_timeout_seconds));
}

bool LicenceExpected(const config::Settings& s, const domain::WorkerRecord& r) {
  return !s.cml_license_token.empty() && s.cml_license_check_on_startup &&
         r.license_status == domain::LicenseStatus::kUnregistered;
}

void Judge(const config::Settings& s, const domain::Worker& w, TimePoint now, ConnectAnswer& a) {
  const auto& r = w.record();
  a.ready = false;
  a.estimate_seconds = 0;
  a.url = w.CanConnect() ? r.https_endpoint : "";
  switch (r.status) {
    case WorkerStatus::kPending:
      a.stage = "starting_instance";
      a.estimate_seconds = kInstanceBootSeconds + CmlBootSeconds(s);
      return;
    case WorkerStatus::kStopping:
    case WorkerStatus::kStopped:
      a.stage = "stopped";
      return;
    case WorkerStatus::kRunning:
      break;
    default:
      a.stage = "unavailable";
      return;
  }
  if (r.service_status == ServiceStatus::kError) {
    a.stage = "unavailable";
  } else if (!w.CanConnect()) {
    a.stage = "waiting_for_cml";
    const TimePoint since = r.last_started_at.value_or(now);
    const int64_t waited = std::chrono::duration_cast<std::chrono::seconds>(now - since).count();
    a.estimate_seconds = std::max(kMinimumWaitSeconds, CmlBootSeconds(s) - waited);
  } else if (LicenceExpected(s, r)) {
    a.stage = "license";
    a.estimate_seconds = kLicenceSeconds;
  } else {
    a.stage = "ready";
    a.ready = true;
  }
}

}  // namespace

Result<ConnectAnswer> WorkerService::Connect(const RequestContext& ctx, const std::string& id,
                                             const ConnectRequest& req) {
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  ConnectAnswer answer;
  if (w->status() == WorkerStatus::kStopped && req.may_start) {
    auto started = Start(ctx, id);
    if (!started) return Fail(started.error());
    answer.started = true;
    w = impl_->Load(ctx, id);
    if (!w) return Fail(w.error());
  } else if ((w->status() == WorkerStatus::kPending || w->status() == WorkerStatus::kRunning) &&
             !w->CanConnect() && !w->record().aws_instance_id.empty()) {
    // A person is waiting: read the latest rather than wait for the next reconciler pass.
    auto observed = impl_->ObserveAws(ctx, *w);
    if (observed) observed = impl_->ProbeCml(ctx, std::move(*observed));
    if (observed) {
      w = std::move(*observed);
    } else {
      log::Warn("connect: refresh failed; answering from the record",
                {{"worker_id", id}, {"error", Describe(observed.error())}});
    }
  }
  Judge(deps_.settings, *w, deps_.clock->Now(), answer);
  if (answer.started && answer.stage == "stopped") answer.stage = "starting_instance";
  if (answer.started && answer.stage == "starting_instance") {
    answer.estimate_seconds = kInstanceBootSeconds + CmlBootSeconds(deps_.settings);
  }
  answer.worker = w->record();
  return answer;
}

namespace {

IdleReport ReportOf(const config::Settings& s, const domain::WorkerRecord& r, TimePoint now) {
  IdleReport report;
  report.enabled = r.idle_policy.enabled;
  report.keep_until = r.idle_policy.keep_until;
  report.auto_shutdown_enabled = s.cml_worker_auto_shutdown_enabled;
  report.assessment = domain::AssessIdle(r, IdleSettingsFrom(s), now);
  return report;
}

}  // namespace

Result<IdleReport> WorkerService::GetIdle(const RequestContext& ctx, const std::string& id) {
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  return ReportOf(deps_.settings, w->record(), deps_.clock->Now());
}

Result<IdleReport> WorkerService::SetIdle(const RequestContext& ctx, const std::string& id,
                                          const IdleUpdate& update) {
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  auto changed =
      impl_->Update(ctx, std::move(*w), [&](domain::Worker& x, const domain::ChangeContext& c) {
        domain::IdlePolicy next = x.record().idle_policy;
        if (update.enabled) next.enabled = *update.enabled;
        if (update.set_keep_until) next.keep_until = update.keep_until;
        return x.SetIdlePolicy(next, c);
      });
  if (!changed) return Fail(changed.error());
  return ReportOf(deps_.settings, changed->record(), deps_.clock->Now());
}

Result<domain::WorkerRecord> WorkerService::SetAccess(const RequestContext& ctx,
                                                      const std::string& id,
                                                      const AccessUpdate& update) {
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  auto changed =
      impl_->Update(ctx, std::move(*w), [&](domain::Worker& x, const domain::ChangeContext& c) {
        const auto& r = x.record();
        return x.SetAccess(update.owner.value_or(r.owner),
                           update.assigned_users.value_or(r.assigned_users), c);
      });
  if (!changed) return Fail(changed.error());
  return changed->record();
}

}  // namespace ccm::control
