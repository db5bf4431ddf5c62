#pragma once
// The worker state machine as data.
//
// Commands: what a person or a loop asks of a worker (start, stop, terminate...). Each command
// is allowed in some EC2 states (and some also need the CML service to be available); a refused
// command is kFailedPrecondition with a message for a person, e.g.
//   "cannot start worker 'lab-1': it is terminated".
//
// Observations: the EC2 state AWS reports. AWS is the source of truth, except that terminated is
// final (nothing moves a terminated worker back) and shutting-down only moves on to terminated;
// an observation breaking those rules is a stale read and is ignored. An "unknown" observation
// (a state we cannot parse) is ignored too: the last known state is more useful than "unknown".
//
// Both tables live in transitions.cpp, one row per command / per current state.
// Pure functions; thread-safe.
#include <array>
#include <optional>
#include <string_view>

#include "core/error.hpp"
#include "domain/status.hpp"

namespace ccm::domain {

enum class WorkerCommand {
  kStart,
  kStop,
  kTerminate,
  kPurge,  // delete the record (after termination)
  kRefresh,
  kUpdateTags,
  kSetMonitoring,
  kRegisterLicense,
  kReleaseLicense,
  kLabControl,  // start / stop / wipe a lab on the worker's CML
  kSetIdlePolicy,
  kSetAccess,  // owner and assigned users
  kAutoStop,   // the idle detector stopping an idle worker
};
inline constexpr size_t kWorkerCommandCount = 13;

// "start", "stop", "terminate", "purge", "refresh", "update-tags", "set-monitoring",
// "register-license", "release-license", "lab-control", "set-idle-policy", "set-access",
// "auto-stop".
std::string_view ToString(WorkerCommand command);
std::optional<WorkerCommand> ParseWorkerCommand(std::string_view text);
std::array<WorkerCommand, kWorkerCommandCount> AllWorkerCommands();

// The command table, cell by cell.
bool CommandAllowedIn(WorkerCommand command, WorkerStatus status);
// Commands that talk to the worker's CML controller need its service available.
bool CommandNeedsService(WorkerCommand command);

// Ok, or kFailedPrecondition naming the worker and the reason.
Status CheckCommand(WorkerCommand command, WorkerStatus status, ServiceStatus service,
                    std::string_view worker_name);

enum class ObservationVerdict {
  kApply,      // a real change: record it
  kUnchanged,  // same state as recorded: nothing to do, no event
  kIgnore,     // impossible from the recorded state (stale read): keep the record as it is
};
std::string_view ToString(ObservationVerdict verdict);

// The observation table, cell by cell.
ObservationVerdict ClassifyObservation(WorkerStatus current, WorkerStatus observed);

}  // namespace ccm::domain
