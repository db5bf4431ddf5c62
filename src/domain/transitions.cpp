#include "domain/transitions.hpp"

#include <iterator>
#include <string>

namespace ccm::domain {
namespace {

// Column order of both tables: the order of kAllWorkerStatuses.
//   P = pending, R = running, g = stopping, S = stopped, d = shutting-down, T = terminated,
//   U = unknown.
size_t Column(WorkerStatus s) { return static_cast<size_t>(s); }

// Command table cells: 'Y' allowed; '-' refused; 'a' refused because the worker is already
// there (or on its way); 't' refused until the worker is terminated.
struct CommandRule {
  WorkerCommand command;
  std::string_view name;
  std::string_view action;  // completes "cannot <action> worker 'x'"
  std::string_view cells;   // P R g S d T U
  bool needs_service;
};

using WC = WorkerCommand;
// clang-format off
constexpr CommandRule kCommandTable[kWorkerCommandCount] = {
  // command           name                action                       PRgSdTU    CML
  {WC::kStart,           "start",            "start",                     "aa-Y---", false},
  {WC::kStop,            "stop",             "stop",                      "-Yaa---", false},
  {WC::kTerminate,       "terminate",        "terminate",                 "YYYYaaY", false},
  {WC::kPurge,           "purge",            "delete the record of",      "ttttYYt", false},
  {WC::kRefresh,         "refresh",          "refresh",                   "YYYYY-Y", false},
  {WC::kUpdateTags,      "update-tags",      "change the tags of",        "YYYY--Y", false},
  {WC::kSetMonitoring,   "set-monitoring",   "change monitoring of",      "YYYY--Y", false},
  {WC::kRegisterLicense, "register-license", "register a licence on",     "-Y-----", true},
  {WC::kReleaseLicense,  "release-license",  "release the licence of",    "-Y-----", true},
  {WC::kLabControl,      "lab-control",      "control labs on",           "-Y-----", true},
  {WC::kSetIdlePolicy,   "set-idle-policy",  "change the idle policy of", "YYYY--Y", false},
  {WC::kSetAccess,       "set-access",       "change who may use",        "YYYY--Y", false},
  {WC::kAutoStop,        "auto-stop",        "auto-stop",                 "-Ya----", false},
};
// clang-format on

constexpr bool CommandTableInEnumOrder() {
  for (size_t i = 0; i < kWorkerCommandCount; ++i) {
    if (static_cast<size_t>(kCommandTable[i].command) != i) return false;
    if (kCommandTable[i].cells.size() != kAllWorkerStatuses.size()) return false;
  }
  return true;
}
static_assert(CommandTableInEnumOrder(), "kCommandTable rows must follow WorkerCommand order");

// Observation table: row = recorded status, column = observed EC2 state.
//   'A' apply, '=' unchanged, '-' ignore (impossible from the recorded state).
// clang-format off
constexpr std::string_view kObservationTable[] = {
  //  observed:        PRgSdTU
  /* pending       */ "=AAAAA-",
  /* running       */ "A=AAAA-",
  /* stopping      */ "AA=AAA-",
  /* stopped       */ "AAA=AA-",
  /* shutting-down */ "----=A-",
  /* terminated    */ "-----=-",
  /* unknown       */ "AAAAAA=",
};
// clang-format on
static_assert(std::size(kObservationTable) == kAllWorkerStatuses.size());

const CommandRule& Rule(WorkerCommand command) {
  return kCommandTable[static_cast<size_t>(command)];
}

std::string RefusalReason(const CommandRule& rule, WorkerStatus status) {
  std::string state(ToString(status));
  switch (rule.cells[Column(status)]) {
    case 'a':
      return "it is already " + state;
    case 't':
      return "it is " + state + "; terminate it first";
    default:
      break;
  }
  if (status == WorkerStatus::kUnknown) return "its state is unknown; refresh it first";
  return "it is " + state;
}

}  // namespace

std::string_view ToString(WorkerCommand command) { return Rule(command).name; }

std::optional<WorkerCommand> ParseWorkerCommand(std::string_view text) {
  for (const auto& rule : kCommandTable) {
    if (rule.name == text) return rule.command;
  }
  return std::nullopt;
}

std::array<WorkerCommand, kWorkerCommandCount> AllWorkerCommands() {
  std::array<WorkerCommand, kWorkerCommandCount> all{};
  for (size_t i = 0; i < kWorkerCommandCount; ++i) all[i] = kCommandTable[i].command;
  return all;
}

bool CommandAllowedIn(WorkerCommand command, WorkerStatus status) {
  return Rule(command).cells[Column(status)] == 'Y';
}

bool CommandNeedsService(WorkerCommand command) { return Rule(command).needs_service; }

Status CheckCommand(WorkerCommand command, WorkerStatus status, ServiceStatus service,
                    std::string_view worker_name) {
  const CommandRule& rule = Rule(command);
  std::string prefix =
      "cannot " + std::string(rule.action) + " worker '" + std::string(worker_name) + "': ";
  if (!CommandAllowedIn(command, status)) {
    return MakeError(Code::kFailedPrecondition, prefix + RefusalReason(rule, status));
  }
  if (rule.needs_service && service != ServiceStatus::kAvailable) {
    return MakeError(
        Code::kFailedPrecondition,
        prefix + "its CML service is " + std::string(ToString(service)) + "; it must be available");
  }
  return Ok();
}

std::string_view ToString(ObservationVerdict verdict) {
  switch (verdict) {
    case ObservationVerdict::kApply:
      return "apply";
    case ObservationVerdict::kUnchanged:
      return "unchanged";
    case ObservationVerdict::kIgnore:
      return "ignore";
  }
  return "ignore";
}

ObservationVerdict ClassifyObservation(WorkerStatus current, WorkerStatus observed) {
  switch (kObservationTable[Column(current)][Column(observed)]) {
    case 'A':
      return ObservationVerdict::kApply;
    case '=':
      return ObservationVerdict::kUnchanged;
    default:
      return ObservationVerdict::kIgnore;
  }
}

}  // namespace ccm::domain
