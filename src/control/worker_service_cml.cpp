// What talks to the worker's CML controller: labs and the licence. Each needs the CML service
// available; actions are recorded (worker.command_requested) before they are sent.
#include <functional>

#include "control/internal/service_core.hpp"
#include "control/observe.hpp"
#include "core/json.hpp"
#include "core/log.hpp"

namespace ccm::control {
namespace {

using domain::WorkerCommand;

Status ValidateLabId(const std::string& lab_id) {
  if (lab_id.empty() || lab_id.size() > 128) {
    return InvalidArgument("lab_id", "must have 1 to 128 characters");
  }
  for (char ch : lab_id) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_';
    if (!ok) return InvalidArgument("lab_id", "may hold only letters, digits, '-' and '_'");
  }
  return Ok();
}

}  // namespace

Result<std::vector<cml::Lab>> WorkerService::ListLabs(const RequestContext& ctx,
                                                      const std::string& id) {
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  if (auto st = Impl::RequireService(w->record()); !st) return Fail(st.error());
  const cml::CmlTarget target = impl_->Target(w->record());
  auto ids = deps_.cml->ListLabIds(target);
  if (!ids) return Fail(ids.error());
  std::vector<cml::Lab> labs;
  for (const auto& lab_id : *ids) {
    auto lab = deps_.cml->GetLab(target, lab_id);
    if (!lab) {
      if (lab.error().code == Code::kNotFound) continue;  // deleted between the two calls
      return Fail(lab.error());
    }
    labs.push_back(std::move(*lab));
  }
  return labs;
}

Status WorkerService::ControlLab(const RequestContext& ctx, const std::string& id,
                                 const std::string& lab_id, LabAction action) {
  if (auto st = ValidateLabId(lab_id); !st) return st;
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  if (auto st = Impl::RequireService(w->record()); !st) return st;
  Json detail = {{"lab_id", lab_id}, {"action", ToString(action)}};
  auto requested =
      impl_->Update(ctx, std::move(*w), [&](domain::Worker& x, const domain::ChangeContext& c) {
        return x.RequestCommand(WorkerCommand::kLabControl, c, detail.dump());
      });
  if (!requested) return Fail(requested.error());
  const cml::CmlTarget target = impl_->Target(requested->record());
  switch (action) {
    case LabAction::kStart:
      return deps_.cml->StartLab(target, lab_id);
    case LabAction::kStop:
      return deps_.cml->StopLab(target, lab_id);
    case LabAction::kWipe:
      return deps_.cml->WipeLab(target, lab_id);
  }
  return InvalidArgument("action", "unknown lab action");
}

namespace {

// Also recorded in the same write as the licence reading (e.g. a licence operation's outcome).
using LicenceNote =
    std::function<Status(domain::Worker&, const domain::ChangeContext&, const cml::Licensing&)>;

// Reads the licence from the controller and records what it says.
Result<LicenseInfo> ReadLicence(WorkerService::Impl& impl, const RequestContext& ctx,
                                domain::Worker w, const std::string& note,
                                const LicenceNote& also = nullptr) {
  auto licensing = impl.deps.cml->GetLicensing(impl.Target(w.record()));
  if (!licensing) return Fail(licensing.error());
  const domain::LicenseStatus status = LicenseStatusFrom(*licensing);
  std::string detail = "registration " + licensing->registration_status + ", authorization " +
                       licensing->authorization_status;
  if (!note.empty()) detail = note + "; " + detail;
  auto changed =
      impl.Update(ctx, std::move(w), [&](domain::Worker& x, const domain::ChangeContext& c) {
        x.ObserveLicense(status, c, detail);
        return also ? also(x, c, *licensing) : Ok();
      });
  if (!changed) return Fail(changed.error());
  return LicenseInfo{changed->record().license_status, *licensing};
}

// Records that a licence operation failed, then hands the failure back.
template <typename T>
Result<T> OperationFailed(WorkerService::Impl& impl, const RequestContext& ctx, domain::Worker w,
                          WorkerCommand op, const Error& error) {
  auto recorded =
      impl.Update(ctx, std::move(w), [&](domain::Worker& x, const domain::ChangeContext& c) {
        return x.RecordLicenseOperation(op, "failed", Describe(error), c);
      });
  if (!recorded) log::Warn("licence failure not recorded", {{"error", Describe(recorded.error())}});
  return Fail(error);
}

}  // namespace

Result<LicenseInfo> WorkerService::GetLicense(const RequestContext& ctx, const std::string& id) {
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  if (auto st = Impl::RequireService(w->record()); !st) return Fail(st.error());
  return ReadLicence(*impl_, ctx, std::move(*w), "");
}

Result<LicenseInfo> WorkerService::RegisterLicense(const RequestContext& ctx, const std::string& id,
                                                   const RegisterLicenseRequest& req) {
  const std::string& token = req.token.empty() ? deps_.settings.cml_license_token : req.token;
  log::RegisterSecret(token);
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  if (token.empty()) {
    return MakeError(Code::kFailedPrecondition,
                     "no licence token: give one in the request or set cml_license_token");
  }
  if (auto st = w->Check(WorkerCommand::kRegisterLicense); !st) return Fail(st.error());
  if (auto st = Impl::RequireService(w->record()); !st) return Fail(st.error());
  Json detail = {{"reregister", req.reregister},
                 {"token_source", req.token.empty() ? "settings" : "request"}};
  auto requested =
      impl_->Update(ctx, std::move(*w), [&](domain::Worker& x, const domain::ChangeContext& c) {
        return x.RequestCommand(WorkerCommand::kRegisterLicense, c, detail.dump());
      });
  if (!requested) return Fail(requested.error());
  auto registered =
      deps_.cml->RegisterLicence(impl_->Target(requested->record()), token, req.reregister);
  if (!registered) {
    return OperationFailed<LicenseInfo>(*impl_, ctx, std::move(*requested),
                                        WorkerCommand::kRegisterLicense, registered.error());
  }
  // Registration with Cisco may take a while; the reconciler follows it to completion.
  return ReadLicence(
      *impl_, ctx, std::move(*requested), "registration requested",
      [](domain::Worker& x, const domain::ChangeContext& c, const cml::Licensing& l) {
        const bool done = l.registered() && l.in_compliance();
        return x.RecordLicenseOperation(WorkerCommand::kRegisterLicense,
                                        done ? "completed" : "started", l.registration_status, c);
      });
}

Result<ReleaseOutcome> WorkerService::ReleaseLicense(const RequestContext& ctx,
                                                     const std::string& id) {
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  if (auto st = w->Check(WorkerCommand::kReleaseLicense); !st) return Fail(st.error());
  if (auto st = Impl::RequireService(w->record()); !st) return Fail(st.error());
  auto requested =
      impl_->Update(ctx, std::move(*w), [](domain::Worker& x, const domain::ChangeContext& c) {
        return x.RequestCommand(WorkerCommand::kReleaseLicense, c);
      });
  if (!requested) return Fail(requested.error());
  auto outcome = deps_.cml->DeregisterLicence(impl_->Target(requested->record()));
  if (!outcome) {
    return OperationFailed<ReleaseOutcome>(*impl_, ctx, std::move(*requested),
                                           WorkerCommand::kReleaseLicense, outcome.error());
  }
  const std::string name(cml::DeregistrationName(*outcome));
  auto info = ReadLicence(
      *impl_, ctx, std::move(*requested), "release: " + name,
      [&name](domain::Worker& x, const domain::ChangeContext& c, const cml::Licensing&) {
        return x.RecordLicenseOperation(WorkerCommand::kReleaseLicense, "completed", name, c);
      });
  if (!info) return Fail(info.error());
  return ReleaseOutcome{*outcome, std::move(*info)};
}

}  // namespace ccm::control
