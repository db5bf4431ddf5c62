#include "domain/status.hpp"

namespace ccm::domain {
namespace {

// One table per enum keeps the spelling in a single place for both directions.
template <typename E>
struct Spelling {
  E value;
  std::string_view text;
};

constexpr Spelling<WorkerStatus> kWorker[] = {
    {WorkerStatus::kPending, "pending"},
    {WorkerStatus::kRunning, "running"},
    {WorkerStatus::kStopping, "stopping"},
    {WorkerStatus::kStopped, "stopped"},
    {WorkerStatus::kShuttingDown, "shutting-down"},
    {WorkerStatus::kTerminated, "terminated"},
    {WorkerStatus::kUnknown, "unknown"},
};
constexpr Spelling<ServiceStatus> kService[] = {
    {ServiceStatus::kUnavailable, "unavailable"},
    {ServiceStatus::kStarting, "starting"},
    {ServiceStatus::kAvailable, "available"},
    {ServiceStatus::kError, "error"},
};
constexpr Spelling<LicenseStatus> kLicense[] = {
    {LicenseStatus::kUnregistered, "unregistered"}, {LicenseStatus::kRegistered, "registered"},
    {LicenseStatus::kEvaluation, "evaluation"},     {LicenseStatus::kExpired, "expired"},
    {LicenseStatus::kInvalid, "invalid"},
};
constexpr Spelling<CheckStatus> kCheck[] = {
    {CheckStatus::kOk, "ok"},
    {CheckStatus::kImpaired, "impaired"},
    {CheckStatus::kInitializing, "initializing"},
    {CheckStatus::kInsufficientData, "insufficient-data"},
    {CheckStatus::kNotApplicable, "not-applicable"},
};

template <typename E, size_t N>
std::string_view Name(const Spelling<E> (&table)[N], E value) {
  for (const auto& s : table) {
    if (s.value == value) return s.text;
  }
  return "invalid-enum-value";
}

template <typename E, size_t N>
std::optional<E> Parse(const Spelling<E> (&table)[N], std::string_view text) {
  for (const auto& s : table) {
    if (s.text == text) return s.value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ToString(WorkerStatus s) { return Name(kWorker, s); }
std::string_view ToString(ServiceStatus s) { return Name(kService, s); }
std::string_view ToString(LicenseStatus s) { return Name(kLicense, s); }
std::string_view ToString(CheckStatus s) { return Name(kCheck, s); }

std::optional<WorkerStatus> ParseWorkerStatus(std::string_view t) { return Parse(kWorker, t); }
std::optional<ServiceStatus> ParseServiceStatus(std::string_view t) { return Parse(kService, t); }
std::optional<LicenseStatus> ParseLicenseStatus(std::string_view t) { return Parse(kLicense, t); }
std::optional<CheckStatus> ParseCheckStatus(std::string_view t) { return Parse(kCheck, t); }

WorkerStatus WorkerStatusFromEc2(std::string_view ec2_state) {
  return ParseWorkerStatus(ec2_state).value_or(WorkerStatus::kUnknown);
}

}  // namespace ccm::domain
