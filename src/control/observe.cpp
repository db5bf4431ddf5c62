#include "control/observe.hpp"

#include <string>

#include "domain/status.hpp"

namespace ccm::control {
namespace {

domain::CheckStatus Check(const std::string& text) {
  return domain::ParseCheckStatus(text).value_or(domain::CheckStatus::kNotApplicable);
}

std::string LicenceDetail(const cml::Licensing& l) {
  return "registration " + (l.registration_status.empty() ? "?" : l.registration_status) +
         ", authorization " + (l.authorization_status.empty() ? "?" : l.authorization_status);
}

}  // namespace

domain::StatusChecks ChecksFrom(const aws::InstanceStatus& status) {
  return domain::StatusChecks{Check(status.instance_check), Check(status.system_check)};
}

domain::LicenseStatus LicenseStatusFrom(const cml::Licensing& l) {
  using LS = domain::LicenseStatus;
  if (l.registration_status == "FAILED") return LS::kInvalid;
  if (l.authorization_status == "OUT_OF_COMPLIANCE" ||
      l.authorization_status.find("EXPIRED") != std::string::npos) {
    return LS::kExpired;
  }
  if (!l.registered()) return LS::kUnregistered;
  if (l.in_compliance()) return LS::kRegistered;
  // Registered with Cisco, authorization not granted yet: the controller still runs on its
  // evaluation allowance.
  return LS::kEvaluation;
}

bool ApplyInstance(domain::Worker& worker, const aws::Instance& instance,
                   const aws::InstanceStatus* status, std::string_view endpoint,
                   const domain::ChangeContext& ctx) {
  const size_t before = worker.pending_events().size();
  const domain::WorkerStatus observed = domain::WorkerStatusFromEc2(instance.state);
  worker.ObserveState(observed, ctx);
  const bool gone = worker.status() == domain::WorkerStatus::kTerminated;
  if (status != nullptr) {
    // Checks only mean something on a running instance; AWS keeps reporting stale ones.
    worker.ObserveStatusChecks(worker.status() == domain::WorkerStatus::kRunning
                                   ? ChecksFrom(*status)
                                   : domain::StatusChecks{},
                               ctx);
  }
  if (gone) {
    worker.ObserveAddresses("", "", "", ctx);
  } else {
    worker.ObserveAddresses(instance.public_ip, instance.private_ip, endpoint, ctx);
  }
  if (!gone) {
    worker.ObserveTags(instance.tags, ctx);
    const std::string& m = instance.monitoring_state;
    if (!m.empty()) worker.ObserveMonitoring(m == "enabled" || m == "pending", ctx);
  }
  return worker.pending_events().size() != before;
}

bool ApplySnapshot(domain::Worker& worker, const cml::WorkerSnapshot& snapshot,
                   Duration startup_timeout, const domain::ChangeContext& ctx) {
  const size_t before = worker.pending_events().size();
  std::string detail;
  if (!snapshot.system.ready()) {
    detail = "CML " + std::string(cml::ReadinessName(snapshot.system.readiness));
    if (!snapshot.system.detail.empty()) detail += " (" + snapshot.system.detail + ")";
  }
  worker.ObserveServiceProbe(snapshot.system.ready(), startup_timeout, ctx, detail);
  if (snapshot.licensing) {
    worker.ObserveLicense(LicenseStatusFrom(*snapshot.licensing), ctx,
                          LicenceDetail(*snapshot.licensing));
  }
  if (snapshot.labs || snapshot.stats) {
    domain::Telemetry readings = worker.record().telemetry;
    if (snapshot.labs) {
      int64_t active = 0;
      for (const auto& lab : *snapshot.labs) active += lab.state == "STARTED" ? 1 : 0;
      readings.active_labs_count = active;
    }
    if (snapshot.stats) readings.running_nodes = snapshot.stats->running_nodes;
    worker.UpdateTelemetry(readings, ctx);
  }
  return worker.pending_events().size() != before;
}

domain::IdleSettings IdleSettingsFrom(const config::Settings& s) {
  domain::IdleSettings out;
  out.warning_after = config::Minutes(s.cml_worker_max_idle_before_warning_minutes);
  out.stop_after = config::Minutes(s.cml_worker_idle_threshold_minutes);
  out.start_grace = config::Minutes(s.cml_worker_start_grace_minutes);
  out.auto_shutdown_enabled = s.cml_worker_auto_shutdown_enabled;
  if (s.idle_cpu_veto_percent > 0) out.cpu_veto_percent = s.idle_cpu_veto_percent;
  return out;
}

}  // namespace ccm::control
