#pragma once
// WorkerService: the use cases behind every /api/v1/workers route (docs/api.md). The API and
// the CLI translate requests into these calls and render the results; they hold no rules.
//
// Every use case that changes a worker goes through WorkerWriter: load, apply the domain
// command/observation, write state and events in one transaction (reload and retry on a
// concurrent write), publish the committed events on the EventBus. Commands are recorded
// (worker.command_requested) before the AWS call they lead to; what AWS answers is then observed.
//
// Errors (the API maps codes to statuses, see docs/api.md):
//   kInvalidArgument (field named: bad input, unknown region/instance type/AMI, ccm:* tags),
//   kNotFound (no such worker, or not visible to RequestContext::visible_to),
//   kFailedPrecondition (the domain refused the command: the message says why -> 409; no licence
//   token; worker without an instance), kAborted (kept losing to concurrent writers), and the
//   AWS / CML errors as their clients map them (kUnavailable, kResourceExhausted, ...).
// Secrets (licence tokens, CML passwords, AWS keys) never appear in errors or events.
//
// Create answers with the worker in `pending` at once; the launch runs on the service's own
// BackgroundExecutor. Launch outcome (see worker_service_launch.cpp):
//   - success: instance id, IPs, endpoint, state observed (worker.instance_assigned, ...);
//   - a definite refusal (kInvalidArgument, kPermissionDenied, kUnauthenticated,
//     kResourceExhausted, kFailedPrecondition, kNotFound: EC2 launched nothing) -> the worker is
//     terminated: worker.command_requested {command: terminate, reason: "launch failed", error}
//     then worker.status_changed pending -> terminated and worker.terminated;
//   - an uncertain failure (kUnavailable, kDeadlineExceeded, kInternal...: an instance may exist)
//     is retried with the same ClientToken (kLaunchAttempts); if it still fails the worker stays
//     pending, is logged, and ResumePending() repairs it later with the same ClientToken.
// ResumePending(): every pending worker without an instance id is launched again with its
// stored ClientToken (EC2 returns the first instance for a reused token: never two instances).
//
// Threading: every method is thread-safe. Time comes from the injected Clock.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/cloudwatch_api.hpp"
#include "cml/cml_api.hpp"
#include "config/settings.hpp"
#include "control/cloud_clients.hpp"
#include "control/endpoint_resolver.hpp"
#include "control/event_bus.hpp"
#include "control/executor.hpp"
#include "control/worker_writer.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "domain/idle_policy.hpp"
#include "domain/worker.hpp"
#include "store/store.hpp"

namespace ccm::control {

// Who asks, for which trace; and, for the `user` role, whose workers they may see.
struct RequestContext {
  std::string actor;     // the caller's subject ("alice", "token:ci", "system:...")
  std::string trace_id;  // W3C trace id of the request (may be empty)
  // "" = every worker; else only workers this user owns or is assigned to exist for the call
  // (others answer kNotFound, so existence is not revealed).
  std::string visible_to;
};

struct CreateWorkerRequest {
  std::string name;
  std::string region;
  std::string instance_type;  // "" = the region's default, else cml_worker_default_instance_type
  std::string ami_id;         // "" = ami_name, else the region's configured AMI
  std::string ami_name;       // resolved with DescribeImages (the newest available match)
  std::string account;        // "" = default credentials
  std::string owner;          // "" = nobody
  domain::Tags tags;          // added to the default tags (ccm:* keys refused)
};

struct StopRequest {
  bool release_license = false;  // deregister the CML licence first (best effort)
  bool hibernate = false;
};

struct TerminateRequest {
  bool purge = false;  // also delete the record
};

struct TerminateOutcome {
  bool purged = false;
  std::optional<domain::WorkerRecord> worker;  // the terminated worker, unless purged
};

// Exactly one selector: instance_ids (instance_id is folded in), ami_name or tags.
struct ImportRequest {
  std::string region;
  std::string instance_id;
  std::vector<std::string> instance_ids;
  std::string ami_name;  // image name (wildcards allowed) -> its image ids -> instances
  std::map<std::string, std::string> tags;  // every tag must match
  std::string account;
  std::string owner;
};

struct KnownInstance {
  std::string instance_id;
  std::string worker_id;
};

struct ImportResult {
  std::vector<domain::WorkerRecord> imported;
  std::vector<KnownInstance> already_known;
};

// PATCH semantics: a value sets the tag, nullopt deletes it.
using TagPatch = std::map<std::string, std::optional<std::string>>;

struct MetricPoint {
  TimePoint at;
  double value = 0;
};

struct MetricSeries {
  std::string name;                 // "CPUUtilization", "NetworkIn", "NetworkOut"
  std::string stat;                 // "Average", "Sum"
  std::string unit;                 // "Percent", "Bytes"
  std::vector<MetricPoint> points;  // ascending time
  std::optional<double> latest;
};

struct WorkerMetrics {
  std::string worker_id;
  std::string instance_id;
  TimePoint start;
  TimePoint end;
  int64_t period_seconds = 300;
  std::vector<MetricSeries> series;  // CPU, NetworkIn, NetworkOut, in this order
};

enum class LabAction { kStart, kStop, kWipe };
std::string_view ToString(LabAction action);  // "start", "stop", "wipe"
std::optional<LabAction> ParseLabAction(std::string_view text);

struct LicenseInfo {
  domain::LicenseStatus status = domain::LicenseStatus::kUnregistered;  // as now recorded
  cml::Licensing licensing;  // as the controller reports it
};

struct RegisterLicenseRequest {
  std::string token;  // "" = cml_license_token from the settings; a secret
  bool reregister = false;
};

struct ReleaseOutcome {
  cml::Deregistration outcome = cml::Deregistration::kDone;
  LicenseInfo license;
};

struct ConnectRequest {
  bool may_start = false;  // the caller's role lets them start this worker (from RBAC)
};

// Stages: "starting_instance", "waiting_for_cml", "license", "ready", "stopped", "unavailable".
struct ConnectAnswer {
  bool ready = false;
  std::string stage;
  std::string url;               // the HTTPS endpoint when the worker can_connect(), else ""
  int64_t estimate_seconds = 0;  // rough time until ready; 0 when ready or not on its way
  bool started = false;          // this call started the worker
  domain::WorkerRecord worker;
};

struct IdleReport {
  bool enabled = true;
  std::optional<TimePoint> keep_until;
  domain::IdleAssessment assessment;
  bool auto_shutdown_enabled = true;
};

struct IdleUpdate {
  std::optional<bool> enabled;
  bool set_keep_until = false;  // keep_until below applies (nullopt clears it)
  std::optional<TimePoint> keep_until;
};

struct AccessUpdate {
  std::optional<std::string> owner;
  std::optional<std::vector<std::string>> assigned_users;
};

struct ListQuery {
  std::string region;
  std::vector<domain::WorkerStatus> statuses;  // empty = any
  // Workers this user owns or is assigned to (the store's user filter); "" = anyone's.
  std::string owner;
  bool include_terminated = false;
  int limit = 100;  // 1..500
  std::string cursor;
};

struct WorkerList {
  std::vector<domain::WorkerRecord> items;
  std::string next_cursor;
  int64_t total = 0;
};

struct ResumeReport {
  std::vector<std::string> resumed;  // worker ids now holding an instance
  std::vector<std::string> failed;   // still pending (uncertain failure) or terminated
};

// Everything the service uses; all must outlive it.
struct WorkerServiceDeps {
  config::Settings settings;
  store::Store* store = nullptr;
  EventBus* bus = nullptr;
  CloudClients* clouds = nullptr;
  cml::CmlApi* cml = nullptr;
  EndpointResolver* endpoints = nullptr;
  Clock* clock = nullptr;
  int launch_threads = 2;
};

class WorkerService {
 public:
  static constexpr int kLaunchAttempts = 3;
  static constexpr int kMaxListLimit = 500;

  explicit WorkerService(WorkerServiceDeps deps);
  ~WorkerService();  // Shutdown()
  WorkerService(const WorkerService&) = delete;
  WorkerService& operator=(const WorkerService&) = delete;

  // --- Lifecycle
  Result<domain::WorkerRecord> Create(const RequestContext& ctx, const CreateWorkerRequest& req);
  Result<ResumeReport> ResumePending(const RequestContext& ctx);
  Result<domain::WorkerRecord> Start(const RequestContext& ctx, const std::string& id);
  Result<domain::WorkerRecord> Stop(const RequestContext& ctx, const std::string& id,
                                    const StopRequest& req);
  Result<TerminateOutcome> Terminate(const RequestContext& ctx, const std::string& id,
                                     const TerminateRequest& req);
  Result<ImportResult> Import(const RequestContext& ctx, const ImportRequest& req);

  // --- Tags (AWS and the record; ccm:* keys are protected)
  Result<domain::Tags> GetTags(const RequestContext& ctx, const std::string& id);
  Result<domain::WorkerRecord> ReplaceTags(const RequestContext& ctx, const std::string& id,
                                           const domain::Tags& tags);
  Result<domain::WorkerRecord> MergeTags(const RequestContext& ctx, const std::string& id,
                                         const TagPatch& patch);

  // --- Observation and monitoring
  Result<domain::WorkerRecord> Refresh(const RequestContext& ctx, const std::string& id);
  Result<domain::WorkerRecord> SetMonitoring(const RequestContext& ctx, const std::string& id,
                                             bool enabled);
  // CPU, NetworkIn, NetworkOut over the last hour at a 5-minute period.
  Result<WorkerMetrics> Metrics(const RequestContext& ctx, const std::string& id);

  // --- CML labs and licence (need the CML service available)
  Result<std::vector<cml::Lab>> ListLabs(const RequestContext& ctx, const std::string& id);
  Status ControlLab(const RequestContext& ctx, const std::string& id, const std::string& lab_id,
                    LabAction action);
  Result<LicenseInfo> GetLicense(const RequestContext& ctx, const std::string& id);
  Result<LicenseInfo> RegisterLicense(const RequestContext& ctx, const std::string& id,
                                      const RegisterLicenseRequest& req);
  Result<ReleaseOutcome> ReleaseLicense(const RequestContext& ctx, const std::string& id);

  // --- The user workflow
  Result<ConnectAnswer> Connect(const RequestContext& ctx, const std::string& id,
                                const ConnectRequest& req);

  // --- Idle policy
  Result<IdleReport> GetIdle(const RequestContext& ctx, const std::string& id);
  Result<IdleReport> SetIdle(const RequestContext& ctx, const std::string& id,
                             const IdleUpdate& update);
  Result<domain::WorkerRecord> SetAccess(const RequestContext& ctx, const std::string& id,
                                         const AccessUpdate& update);

  // --- Queries
  Result<domain::WorkerRecord> Get(const RequestContext& ctx, const std::string& id);
  Result<WorkerList> List(const RequestContext& ctx, const ListQuery& query);

  // Waits for every background launch submitted so far.
  void Drain();
  // Refuses new launches, finishes queued ones, joins the threads.
  void Shutdown();

  const config::Settings& settings() const { return deps_.settings; }
  WorkerWriter& writer() { return writer_; }

  // The use cases' shared machinery (control/internal/service_core.hpp); not for other layers.
  struct Impl;

 private:
  WorkerServiceDeps deps_;
  WorkerWriter writer_;
  BackgroundExecutor executor_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ccm::control
