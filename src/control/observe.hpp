#pragma once
// Translations from what AWS and the CML controller report into the domain's observations,
// shared by the use cases (Refresh, Import, Create) and the reconciler. Each Apply* changes the
// worker only through its observation methods, so it appends events only for real changes, and
// returns whether anything changed. Pure (no I/O); thread-compatible.
#include <optional>
#include <string_view>

#include "aws/ec2_types.hpp"
#include "cml/cml_types.hpp"
#include "config/settings.hpp"
#include "domain/idle_policy.hpp"
#include "domain/worker.hpp"

namespace ccm::control {

domain::StatusChecks ChecksFrom(const aws::InstanceStatus& status);

// The licence state a controller reports: registered (COMPLETED and in compliance), evaluation
// (EVAL), expired (OUT_OF_COMPLIANCE or an authorization expiry), invalid (FAILED),
// unregistered (anything else, including IN_PROGRESS).
domain::LicenseStatus LicenseStatusFrom(const cml::Licensing& licensing);

// One DescribeInstances answer (and, when given, the DescribeInstanceStatus row): state, status
// checks (not-applicable when the instance is not running), addresses with `endpoint`, tags,
// monitoring. The instance must be the worker's (or the one being assigned).
bool ApplyInstance(domain::Worker& worker, const aws::Instance& instance,
                   const aws::InstanceStatus* status, std::string_view endpoint,
                   const domain::ChangeContext& ctx);

// One CML probe: service status (ready or not, with the startup allowance), the licence when
// the probe read it, and telemetry readings (active labs, running nodes, CPU and memory of the
// controller) when it read labs or stats.
bool ApplySnapshot(domain::Worker& worker, const cml::WorkerSnapshot& snapshot,
                   Duration startup_timeout, const domain::ChangeContext& ctx);

// The idle rules' settings (cml_worker_* minutes, auto-shutdown, idle_cpu_veto_percent).
domain::IdleSettings IdleSettingsFrom(const config::Settings& settings);

}  // namespace ccm::control
