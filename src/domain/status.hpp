#pragma once
// The enumerations of a CML Worker's state, each with its wire spelling (the text used in the
// API, the event log and the database). Parse* accept exactly the wire spelling (case-sensitive)
// and return nullopt for anything else. Pure functions, thread-safe.
#include <array>
#include <optional>
#include <string_view>

namespace ccm::domain {

// The EC2 instance state as we last knew it. kUnknown: never observed (e.g. just imported).
enum class WorkerStatus {
  kPending,
  kRunning,
  kStopping,
  kStopped,
  kShuttingDown,
  kTerminated,
  kUnknown,
};
inline constexpr std::array<WorkerStatus, 7> kAllWorkerStatuses = {
    WorkerStatus::kPending, WorkerStatus::kRunning,      WorkerStatus::kStopping,
    WorkerStatus::kStopped, WorkerStatus::kShuttingDown, WorkerStatus::kTerminated,
    WorkerStatus::kUnknown};

// The CML controller's HTTPS service on the instance.
enum class ServiceStatus { kUnavailable, kStarting, kAvailable, kError };
inline constexpr std::array<ServiceStatus, 4> kAllServiceStatuses = {
    ServiceStatus::kUnavailable, ServiceStatus::kStarting, ServiceStatus::kAvailable,
    ServiceStatus::kError};

// The CML licence (Smart Licensing) as the controller reports it.
enum class LicenseStatus { kUnregistered, kRegistered, kEvaluation, kExpired, kInvalid };
inline constexpr std::array<LicenseStatus, 5> kAllLicenseStatuses = {
    LicenseStatus::kUnregistered, LicenseStatus::kRegistered, LicenseStatus::kEvaluation,
    LicenseStatus::kExpired, LicenseStatus::kInvalid};

// One EC2 status check (instance reachability or system). AWS's own vocabulary.
enum class CheckStatus { kOk, kImpaired, kInitializing, kInsufficientData, kNotApplicable };
inline constexpr std::array<CheckStatus, 5> kAllCheckStatuses = {
    CheckStatus::kOk, CheckStatus::kImpaired, CheckStatus::kInitializing,
    CheckStatus::kInsufficientData, CheckStatus::kNotApplicable};

// "pending", "running", "stopping", "stopped", "shutting-down", "terminated", "unknown".
std::string_view ToString(WorkerStatus s);
// "unavailable", "starting", "available", "error".
std::string_view ToString(ServiceStatus s);
// "unregistered", "registered", "evaluation", "expired", "invalid".
std::string_view ToString(LicenseStatus s);
// "ok", "impaired", "initializing", "insufficient-data", "not-applicable".
std::string_view ToString(CheckStatus s);

std::optional<WorkerStatus> ParseWorkerStatus(std::string_view text);
std::optional<ServiceStatus> ParseServiceStatus(std::string_view text);
std::optional<LicenseStatus> ParseLicenseStatus(std::string_view text);
std::optional<CheckStatus> ParseCheckStatus(std::string_view text);

// An EC2 state name as DescribeInstances spells it ("pending", ..., "terminated"); anything else
// (including "unknown") maps to kUnknown, which observation rules then ignore.
WorkerStatus WorkerStatusFromEc2(std::string_view ec2_state);

}  // namespace ccm::domain
