#include "control/testing/fake_cml.hpp"

namespace ccm::control::testing {
namespace {

FakeCml::Controller NewController() {
  FakeCml::Controller c;
  c.labs = {cml::Lab{"lab-a", "Routing basics", "u1", "admin", "STARTED", 2, 1, "", ""},
            cml::Lab{"lab-b", "Student sandbox", "u2", "student", "STOPPED", 3, 2, "", ""}};
  c.licensing.registration_status = "NOT_REGISTERED";
  c.licensing.authorization_status = "EVAL";
  c.licensing.product_license = "CML_Enterprise";
  return c;
}

}  // namespace

void FakeCml::Configure(const std::string& worker_id,
                        const std::function<void(Controller&)>& edit) {
  std::lock_guard lock(mu_);
  auto it = controllers_.find(worker_id);
  if (it == controllers_.end()) it = controllers_.emplace(worker_id, NewController()).first;
  edit(it->second);
}

FakeCml::Controller FakeCml::controller(const std::string& worker_id) {
  std::lock_guard lock(mu_);
  auto it = controllers_.find(worker_id);
  if (it == controllers_.end()) it = controllers_.emplace(worker_id, NewController()).first;
  return it->second;
}

void FakeCml::FailNext(const std::string& call, Error error) {
  std::lock_guard lock(mu_);
  failures_[call].push_back(std::move(error));
}

int FakeCml::Count(const std::string& call) const {
  std::lock_guard lock(mu_);
  auto it = counts_.find(call);
  return it == counts_.end() ? 0 : it->second;
}

std::vector<cml::CmlTarget> FakeCml::targets() const {
  std::lock_guard lock(mu_);
  return targets_;
}

std::vector<std::string> FakeCml::forgotten() const {
  std::lock_guard lock(mu_);
  return forgotten_;
}

Result<FakeCml::Controller*> FakeCml::Enter(const std::string& call, const cml::CmlTarget& target) {
  ++counts_[call];
  if (log_ != nullptr) log_->Add("cml:" + call);
  targets_.push_back(target);
  auto f = failures_.find(call);
  if (f != failures_.end() && !f->second.empty()) {
    Error e = f->second.front();
    f->second.erase(f->second.begin());
    return Fail(e);
  }
  if (target.endpoint.empty()) {
    return MakeError(Code::kInvalidArgument, "worker " + target.worker_id + " has no endpoint");
  }
  auto it = controllers_.find(target.worker_id);
  if (it == controllers_.end()) it = controllers_.emplace(target.worker_id, NewController()).first;
  if (it->second.readiness == cml::Readiness::kStarting && call != "GetSystemInformation") {
    return MakeError(Code::kUnavailable, call + ": HTTP 502 from " + target.endpoint);
  }
  return &it->second;
}

Result<cml::Lab*> FakeCml::FindLab(Controller& c, std::string_view lab_id) {
  for (auto& lab : c.labs) {
    if (lab.id == lab_id) return &lab;
  }
  return MakeError(Code::kNotFound,
                   "GET /labs/" + std::string(lab_id) + ": HTTP 404 Lab not found");
}

Result<cml::SystemInfo> FakeCml::GetSystemInformation(const cml::CmlTarget& target) {
  std::lock_guard lock(mu_);
  auto c = Enter("GetSystemInformation", target);
  if (!c) return Fail(c.error());
  cml::SystemInfo info;
  info.readiness = (*c)->readiness;
  info.version = (*c)->version;
  if (info.readiness == cml::Readiness::kStarting) {
    info.http_status = 502;
    info.detail = "HTTP 502";
  }
  return info;
}

Result<cml::SystemHealth> FakeCml::GetSystemHealth(const cml::CmlTarget& target) {
  std::lock_guard lock(mu_);
  auto c = Enter("GetSystemHealth", target);
  if (!c) return Fail(c.error());
  cml::SystemHealth h;
  h.valid = (*c)->readiness == cml::Readiness::kReady;
  h.controller_valid = h.valid;
  h.is_licensed = (*c)->licensing.registered();
  return h;
}

Result<cml::SystemStats> FakeCml::GetSystemStats(const cml::CmlTarget& target) {
  std::lock_guard lock(mu_);
  auto c = Enter("GetSystemStats", target);
  if (!c) return Fail(c.error());
  cml::SystemStats s;
  s.running_nodes = (*c)->running_nodes;
  s.cpu_count = 8;
  return s;
}

Result<std::vector<std::string>> FakeCml::ListLabIds(const cml::CmlTarget& target) {
  std::lock_guard lock(mu_);
  auto c = Enter("ListLabIds", target);
  if (!c) return Fail(c.error());
  std::vector<std::string> ids;
  for (const auto& lab : (*c)->labs) ids.push_back(lab.id);
  return ids;
}

Result<cml::Lab> FakeCml::GetLab(const cml::CmlTarget& target, std::string_view lab_id) {
  std::lock_guard lock(mu_);
  auto c = Enter("GetLab", target);
  if (!c) return Fail(c.error());
  auto lab = FindLab(**c, lab_id);
  if (!lab) return Fail(lab.error());
  return **lab;
}

Status FakeCml::SetLabState(const std::string& call, const cml::CmlTarget& target,
                            std::string_view lab_id, const std::string& state) {
  std::lock_guard lock(mu_);
  auto c = Enter(call, target);
  if (!c) return Fail(c.error());
  auto lab = FindLab(**c, lab_id);
  if (!lab) return Fail(lab.error());
  if (state == "DEFINED_ON_CORE" && (*lab)->state == "STARTED") {
    return MakeError(Code::kInvalidArgument,
                     "PUT /labs/" + std::string(lab_id) + "/wipe: HTTP 400 lab is running");
  }
  (*lab)->state = state;
  return Ok();
}

Status FakeCml::StartLab(const cml::CmlTarget& target, std::string_view lab_id) {
  return SetLabState("StartLab", target, lab_id, "STARTED");
}

Status FakeCml::StopLab(const cml::CmlTarget& target, std::string_view lab_id) {
  return SetLabState("StopLab", target, lab_id, "STOPPED");
}

Status FakeCml::WipeLab(const cml::CmlTarget& target, std::string_view lab_id) {
  return SetLabState("WipeLab", target, lab_id, "DEFINED_ON_CORE");
}

Status FakeCml::DeleteLab(const cml::CmlTarget& target, std::string_view lab_id) {
  std::lock_guard lock(mu_);
  auto c = Enter("DeleteLab", target);
  if (!c) return Fail(c.error());
  auto& labs = (*c)->labs;
  for (auto it = labs.begin(); it != labs.end(); ++it) {
    if (it->id == lab_id) {
      labs.erase(it);
      return Ok();
    }
  }
  return MakeError(Code::kNotFound, "DELETE /labs: HTTP 404");
}

Result<std::string> FakeCml::DownloadLab(const cml::CmlTarget& target, std::string_view lab_id) {
  std::lock_guard lock(mu_);
  auto c = Enter("DownloadLab", target);
  if (!c) return Fail(c.error());
  auto lab = FindLab(**c, lab_id);
  if (!lab) return Fail(lab.error());
  return "lab:\n  title: " + (*lab)->title + "\n";
}

Result<std::string> FakeCml::ImportLab(const cml::CmlTarget& target, std::string_view title,
                                       std::string_view) {
  std::lock_guard lock(mu_);
  auto c = Enter("ImportLab", target);
  if (!c) return Fail(c.error());
  std::string id = "lab-" + std::to_string((*c)->labs.size() + 1);
  (*c)->labs.push_back(
      cml::Lab{id, std::string(title), "u1", "admin", "DEFINED_ON_CORE", 0, 0, "", ""});
  return id;
}

Result<cml::Licensing> FakeCml::GetLicensing(const cml::CmlTarget& target) {
  std::lock_guard lock(mu_);
  auto c = Enter("GetLicensing", target);
  if (!c) return Fail(c.error());
  return (*c)->licensing;
}

Status FakeCml::RegisterLicence(const cml::CmlTarget& target, std::string_view token,
                                bool reregister) {
  std::lock_guard lock(mu_);
  auto c = Enter("RegisterLicence", target);
  if (!c) return Fail(c.error());
  if ((*c)->licensing.registered() && !reregister) {
    return MakeError(Code::kInvalidArgument,
                     "POST /licensing/registration: HTTP 400 already registered");
  }
  (*c)->tokens.emplace_back(token);
  (*c)->licensing.registration_status = "COMPLETED";
  (*c)->licensing.authorization_status = "IN_COMPLIANCE";
  return Ok();
}

Result<cml::Deregistration> FakeCml::DeregisterLicence(const cml::CmlTarget& target) {
  std::lock_guard lock(mu_);
  auto c = Enter("DeregisterLicence", target);
  if (!c) return Fail(c.error());
  if (!(*c)->licensing.registered()) return cml::Deregistration::kAlreadyDeregistered;
  (*c)->licensing.registration_status = "NOT_REGISTERED";
  (*c)->licensing.authorization_status = "EVAL";
  cml::Deregistration out = (*c)->next_deregistration.value_or(cml::Deregistration::kDone);
  (*c)->next_deregistration.reset();
  return out;
}

Status FakeCml::SetProductLicense(const cml::CmlTarget& target, std::string_view product) {
  std::lock_guard lock(mu_);
  auto c = Enter("SetProductLicense", target);
  if (!c) return Fail(c.error());
  (*c)->licensing.product_license = std::string(product);
  return Ok();
}

Result<std::vector<cml::TelemetryEvent>> FakeCml::ReadNewEvents(const cml::CmlTarget& target) {
  std::lock_guard lock(mu_);
  auto c = Enter("ReadNewEvents", target);
  if (!c) return Fail(c.error());
  std::vector<cml::TelemetryEvent> out;
  out.swap((*c)->new_events);
  return out;
}

cml::WorkerSnapshot FakeCml::ProbeOne(const cml::CmlTarget& target,
                                      const cml::ProbeOptions& options) {
  cml::WorkerSnapshot s;
  s.worker_id = target.worker_id;
  auto c = Enter("Probe", target);
  if (!c) {
    s.system.readiness = cml::Readiness::kStarting;
    s.system.detail = c.error().message;
    s.errors.push_back(c.error());
    return s;
  }
  Controller& ctl = **c;
  s.system.readiness = ctl.readiness;
  s.system.version = ctl.version;
  if (ctl.readiness != cml::Readiness::kReady) {
    s.system.detail = ctl.readiness == cml::Readiness::kStarting ? "HTTP 502" : "not ready";
    return s;
  }
  if (options.stats) s.stats = cml::SystemStats{0, 8, 0, 0, 0, 0, 0, 0, ctl.running_nodes, {}};
  if (options.labs) s.labs = ctl.labs;
  if (options.licensing) s.licensing = ctl.licensing;
  return s;
}

std::vector<cml::WorkerSnapshot> FakeCml::Probe(const std::vector<cml::CmlTarget>& targets,
                                                const cml::ProbeOptions& options) {
  std::lock_guard lock(mu_);
  std::vector<cml::WorkerSnapshot> out;
  for (const auto& t : targets) out.push_back(ProbeOne(t, options));
  return out;
}

void FakeCml::Forget(std::string_view worker_id) {
  std::lock_guard lock(mu_);
  forgotten_.emplace_back(worker_id);
}

}  // namespace ccm::control::testing
