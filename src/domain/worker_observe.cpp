// Worker: what AWS and the CML controller report about it.
#include <cmath>

#include "core/json.hpp"
#include "domain/worker.hpp"
#include "domain/worker_json.hpp"

namespace ccm::domain {
namespace {

std::optional<double> Finite(std::optional<double> v) {
  if (v && !std::isfinite(*v)) return std::nullopt;
  return v;
}

std::string SecondsText(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

}  // namespace

bool Telemetry::SameReadings(const Telemetry& o) const {
  return last_activity_at == o.last_activity_at && last_activity_source == o.last_activity_source &&
         active_labs_count == o.active_labs_count && running_nodes == o.running_nodes &&
         cpu_utilization == o.cpu_utilization && memory_utilization == o.memory_utilization;
}

bool Worker::ObserveStatusChecks(StatusChecks checks, const ChangeContext& ctx) {
  if (checks == record_.status_checks) return false;
  Json data = {{"instance", ToString(checks.instance)},
               {"system", ToString(checks.system)},
               {"previous",
                {{"instance", ToString(record_.status_checks.instance)},
                 {"system", ToString(record_.status_checks.system)}}}};
  record_.status_checks = checks;
  Emit(EventType::kStatusChecksChanged, ctx, data.dump());
  return true;
}

bool Worker::ObserveAddresses(std::string_view public_ip, std::string_view private_ip,
                              std::string_view https_endpoint, const ChangeContext& ctx) {
  if (record_.public_ip == public_ip && record_.private_ip == private_ip &&
      record_.https_endpoint == https_endpoint) {
    return false;
  }
  Json data = {{"https_endpoint", https_endpoint},
               {"public_ip", public_ip},
               {"private_ip", private_ip},
               {"previous",
                {{"https_endpoint", record_.https_endpoint},
                 {"public_ip", record_.public_ip},
                 {"private_ip", record_.private_ip}}}};
  record_.public_ip = std::string(public_ip);
  record_.private_ip = std::string(private_ip);
  record_.https_endpoint = std::string(https_endpoint);
  Emit(EventType::kEndpointChanged, ctx, data.dump());
  return true;
}

bool Worker::ObserveTags(const Tags& tags, const ChangeContext& ctx) {
  if (tags == record_.tags) return false;
  ApplyTags(tags, ctx);
  return true;
}

bool Worker::ObserveMonitoring(bool enabled, const ChangeContext& ctx) {
  if (enabled == record_.monitoring) return false;
  ApplyMonitoring(enabled, ctx);
  return true;
}

bool Worker::ObserveServiceProbe(bool ready, Duration startup_timeout, const ChangeContext& ctx,
                                 std::string_view detail) {
  ServiceStatus target;
  std::string reason(detail);
  if (record_.status != WorkerStatus::kRunning) {
    target = ServiceStatus::kUnavailable;
    if (reason.empty()) reason = "instance is " + std::string(ToString(record_.status));
  } else if (ready) {
    target = ServiceStatus::kAvailable;
    if (reason.empty()) reason = "CML is ready";
  } else {
    // The boot allowance runs from the last start, so a controller that never comes up turns
    // into an error, and one that drops out long after boot is an error at once.
    TimePoint since = record_.last_started_at.value_or(
        record_.service_status_since.value_or(TruncateToMillis(ctx.at)));
    Duration waited = ctx.at - since;
    target = waited < startup_timeout ? ServiceStatus::kStarting : ServiceStatus::kError;
    if (reason.empty()) reason = "CML not ready";
    reason += " " + SecondsText(waited) + " s after start (allowance " +
              SecondsText(startup_timeout) + " s)";
  }
  if (target == record_.service_status) return false;
  SetServiceStatus(target, ctx, reason);
  return true;
}

bool Worker::ObserveLicense(LicenseStatus license, const ChangeContext& ctx,
                            std::string_view detail) {
  if (license == record_.license_status) return false;
  Json data = {
      {"from", ToString(record_.license_status)}, {"to", ToString(license)}, {"detail", detail}};
  record_.license_status = license;
  Emit(EventType::kLicenseChanged, ctx, data.dump());
  return true;
}

Status Worker::RecordLicenseOperation(WorkerCommand op, std::string_view outcome,
                                      std::string_view detail, const ChangeContext& ctx) {
  if (op != WorkerCommand::kRegisterLicense && op != WorkerCommand::kReleaseLicense) {
    return InvalidArgument("operation", "must be register-license or release-license");
  }
  if (outcome != "started" && outcome != "completed" && outcome != "failed") {
    return InvalidArgument("outcome", "must be started, completed or failed");
  }
  Json data = {{"operation", ToString(op)},
               {"outcome", outcome},
               {"detail", detail},
               {"license_status", ToString(record_.license_status)}};
  Emit(EventType::kLicenseOperation, ctx, data.dump());
  return Ok();
}

bool Worker::UpdateTelemetry(const Telemetry& readings, const ChangeContext& ctx) {
  const Telemetry& old = record_.telemetry;
  Telemetry next = readings;
  if (next.last_activity_at) next.last_activity_at = TruncateToMillis(*next.last_activity_at);
  if (old.last_activity_at &&
      (!next.last_activity_at || *next.last_activity_at < *old.last_activity_at)) {
    // Activity is a high-water mark: a late or partial reading must not make a worker look
    // idle for longer than it is.
    next.last_activity_at = old.last_activity_at;
    next.last_activity_source = old.last_activity_source;
  }
  next.cpu_utilization = Finite(next.cpu_utilization);
  next.memory_utilization = Finite(next.memory_utilization);
  next.updated_at = old.updated_at;
  if (next.SameReadings(old)) return false;
  next.updated_at = TruncateToMillis(ctx.at);
  record_.telemetry = next;
  Emit(EventType::kTelemetryUpdated, ctx, ToJson(next).dump());
  return true;
}

}  // namespace ccm::domain
