#pragma once
// The CML Worker aggregate: one EC2 instance running Cisco Modeling Labs, as ccm knows it.
//
// WorkerRecord is the plain state (what the store persists, what the API renders). Worker wraps
// it and is the only way to change it: every mutator takes a ChangeContext (actor, time, trace)
// and appends the domain events it produced to pending_events(); a call that changes nothing
// appends nothing. The store writes the record and drains the events in one transaction.
//
// Rules enforced here: the command table (transitions.hpp), observation rules (terminated is
// final), service status follows the instance (not running => unavailable), last_activity_at
// only moves forward, one idle warning per idle period, tag and name shapes (validation.hpp).
// Refusals are kFailedPrecondition (state) or kInvalidArgument (input) with a message for a
// person. Times are stored truncated to milliseconds. No I/O, no clock reads. Thread-compatible:
// one Worker is used by one thread at a time.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "domain/events.hpp"
#include "domain/status.hpp"
#include "domain/transitions.hpp"
#include "domain/validation.hpp"

namespace ccm::domain {

struct Telemetry {
  std::optional<TimePoint> last_activity_at;  // a person's last CML activity (or a veto signal)
  std::string last_activity_source;           // e.g. "cml:user_activity", "cml:lab_state"
  std::optional<int64_t> active_labs_count;
  std::optional<int64_t> running_nodes;
  std::optional<double> cpu_utilization;     // percent, 0..100
  std::optional<double> memory_utilization;  // percent, 0..100
  std::optional<TimePoint> updated_at;       // when these readings last changed

  // Same readings (updated_at is not a reading).
  bool SameReadings(const Telemetry& other) const;
  bool operator==(const Telemetry&) const = default;
};

struct IdlePolicy {
  bool enabled = true;                  // idle detection (warnings and auto-stop) for this worker
  std::optional<TimePoint> keep_until;  // no auto-stop before this time
  bool operator==(const IdlePolicy&) const = default;
};

struct StatusChecks {
  CheckStatus instance = CheckStatus::kNotApplicable;
  CheckStatus system = CheckStatus::kNotApplicable;
  bool operator==(const StatusChecks&) const = default;
};

struct WorkerRecord {
  std::string id;  // UUIDv4
  std::string name;
  std::string region;
  std::string account;          // named account from the settings; "" = default credentials
  std::string aws_instance_id;  // "" until launched
  std::string instance_type;
  std::string ami_id;
  std::string ami_name;
  std::string cml_version;
  WorkerStatus status = WorkerStatus::kPending;
  ServiceStatus service_status = ServiceStatus::kUnavailable;
  std::optional<TimePoint> service_status_since;  // when service_status last changed
  LicenseStatus license_status = LicenseStatus::kUnregistered;
  std::string https_endpoint;  // "https://host[:port]" or ""
  std::string public_ip;
  std::string private_ip;
  Tags tags;
  std::string owner;                        // a user's subject, "" when none
  std::vector<std::string> assigned_users;  // sorted, unique
  Telemetry telemetry;
  IdlePolicy idle_policy;
  std::optional<TimePoint> idle_warning_sent_for;  // idle_since of the period already warned about
  StatusChecks status_checks;
  bool monitoring = false;   // detailed (1-minute) CloudWatch monitoring
  std::string client_token;  // EC2 RunInstances idempotency token
  std::optional<TimePoint> launched_at;
  std::optional<TimePoint> last_started_at;   // when the instance last became running
  std::optional<WorkerCommand> last_command;  // last start/stop/terminate/auto-stop asked for
  std::optional<TimePoint> last_command_at;
  std::string last_command_by;
  TimePoint created_at;
  std::string created_by;
  TimePoint updated_at;
  std::optional<TimePoint> terminated_at;
  std::string terminated_by;
  int64_t version = 0;  // 0 before it is first stored; the store increments it on every write

  bool operator==(const WorkerRecord&) const = default;
};

// What a new worker (created here or imported from AWS) starts with.
struct NewWorker {
  std::string id;  // UUIDv4 (the caller makes it: the domain draws no random numbers)
  std::string name;
  std::string region;
  std::string account;
  std::string instance_type;
  std::string ami_id;
  std::string ami_name;
  std::string cml_version;
  Tags tags;
  std::string owner;
  std::string client_token;
  // Import: the existing instance and what AWS says about it.
  std::string aws_instance_id;
  WorkerStatus status = WorkerStatus::kPending;
  std::optional<TimePoint> launched_at;
};

class Worker {
 public:
  // Validates the spec and emits worker.created (with the whole record as data).
  static Result<Worker> Create(const NewWorker& spec, const ChangeContext& ctx);
  // A stored worker, as the store read it: no pending events.
  static Worker Restore(WorkerRecord record);

  const WorkerRecord& record() const { return record_; }
  const std::string& id() const { return record_.id; }
  const std::string& name() const { return record_.name; }
  WorkerStatus status() const { return record_.status; }
  int64_t version() const { return record_.version; }
  // Running, CML service available and an HTTPS endpoint known.
  bool CanConnect() const;

  // --- Commands (intents), checked against the command table.
  Status Check(WorkerCommand command) const;
  // Records that `command` was asked for (worker.command_requested); start, stop and terminate
  // also become last_command, and terminate records who asked. `detail` is a JSON object merged
  // into the event data (e.g. {"release_license":true}).
  Status RequestCommand(WorkerCommand command, const ChangeContext& ctx,
                        std::string_view detail = "{}");
  // worker.deleted; allowed once the worker is shutting down or terminated.
  Status RequestPurge(const ChangeContext& ctx);

  // --- Observations from AWS.
  // Sets the instance id once; the same id again is no change; another id is kFailedPrecondition.
  Status AssignInstance(std::string_view instance_id, std::optional<TimePoint> launched_at,
                        const ChangeContext& ctx);
  ObservationVerdict ObserveState(WorkerStatus observed, const ChangeContext& ctx);
  // The instance no longer exists in AWS: terminated (unless it already is).
  bool ObserveGone(const ChangeContext& ctx);
  bool ObserveStatusChecks(StatusChecks checks, const ChangeContext& ctx);
  bool ObserveAddresses(std::string_view public_ip, std::string_view private_ip,
                        std::string_view https_endpoint, const ChangeContext& ctx);
  // Tags as AWS has them (no shape check: AWS may hold aws:* tags).
  bool ObserveTags(const Tags& tags, const ChangeContext& ctx);
  // Detailed monitoring as AWS reports it ("enabled"/"pending" => true).
  bool ObserveMonitoring(bool enabled, const ChangeContext& ctx);

  // --- Observations from the CML controller.
  // ready: the controller answers and reports itself ready. Not ready while running =>
  // starting until `startup_timeout` after the last start, then error. Not running => unavailable.
  bool ObserveServiceProbe(bool ready, Duration startup_timeout, const ChangeContext& ctx,
                           std::string_view detail = "");
  bool ObserveLicense(LicenseStatus license, const ChangeContext& ctx,
                      std::string_view detail = "");
  // A licence registration or release (op: kRegisterLicense / kReleaseLicense) moving on:
  // outcome "started", "completed" or "failed". Each call records one fact (one event);
  // kInvalidArgument for another op or outcome.
  Status RecordLicenseOperation(WorkerCommand op, std::string_view outcome, std::string_view detail,
                                const ChangeContext& ctx);
  // Readings replace the previous ones, except last_activity_at, which never moves backwards.
  bool UpdateTelemetry(const Telemetry& readings, const ChangeContext& ctx);

  // --- Settings a person changes.
  Status ReplaceTags(const Tags& tags, const ChangeContext& ctx);
  Status MergeTags(const Tags& set, const std::vector<std::string>& remove,
                   const ChangeContext& ctx);
  Status SetMonitoring(bool enabled, const ChangeContext& ctx);
  Status SetIdlePolicy(const IdlePolicy& policy, const ChangeContext& ctx);
  Status SetAccess(std::string_view owner, std::vector<std::string> assigned_users,
                   const ChangeContext& ctx);

  // --- Idle detection (decided by idle_policy.hpp, recorded here).
  // False (no event) when a warning was already sent for this idle period.
  bool RecordIdleWarning(TimePoint idle_since, TimePoint planned_stop_at, const ChangeContext& ctx);
  // worker.auto_stopped, and last_command = auto-stop. Refused unless running.
  Status RecordAutoStop(std::string_view reason, TimePoint idle_since, const ChangeContext& ctx);

  const std::vector<DomainEvent>& pending_events() const { return pending_; }
  std::vector<DomainEvent> TakePendingEvents();
  bool HasPendingEvents() const { return !pending_.empty(); }

 private:
  explicit Worker(WorkerRecord record) : record_(std::move(record)) {}
  void Emit(EventType type, const ChangeContext& ctx, std::string data);
  void SetServiceStatus(ServiceStatus status, const ChangeContext& ctx, std::string_view reason);
  void ApplyStatus(WorkerStatus to, const ChangeContext& ctx, std::string_view why);
  void ApplyTags(const Tags& tags, const ChangeContext& ctx);
  void ApplyMonitoring(bool enabled, const ChangeContext& ctx);

  WorkerRecord record_;
  std::vector<DomainEvent> pending_;
};

}  // namespace ccm::domain
