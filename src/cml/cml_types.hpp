#pragma once
// Plain data exchanged with a CML controller (CML 2.9 REST API), as the rest of ccm sees it.
// No I/O here. Sizes are in the units CML reports (memory and disk in bytes, allocated_memory in
// MiB); times are kept as CML's ISO 8601 text plus a parsed TimePoint where ccm compares them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "http/http_client.hpp"

namespace ccm::cml {

// Where and how to reach one worker's controller. `password` is a secret: it is only sent in the
// login body and registered for log redaction.
struct CmlTarget {
  std::string worker_id;  // used in errors, logs and as the key of cached tokens/watermarks
  std::string endpoint;   // "https://host[:port]"
  std::string api_base;   // empty = endpoint + "/api/v0"; Prism's mock serves at the root
  std::string username;
  std::string password;
  http::TlsOptions tls;  // verify=true by default; verify=false only by explicit setting

  std::string ApiBase() const;
};

// What GET /system_information said.
enum class Readiness {
  kReady,     // answered, ready=true (at least one compute can start nodes)
  kNotReady,  // answered, ready=false
  kStarting,  // not answering yet: 502/503/504, connection refused or timeout (booting)
};
std::string_view ReadinessName(Readiness r);  // "ready", "not_ready", "starting"

struct SystemInfo {
  Readiness readiness = Readiness::kStarting;
  std::string version;
  long http_status = 0;  // the status seen when starting (0 = no HTTP answer)
  std::string detail;    // why it is starting, e.g. "HTTP 502" or the transport error
  bool ready() const { return readiness == Readiness::kReady; }
};

struct ComputeHealth {
  std::string id;
  std::string hostname;
  bool is_controller = false;
  bool valid = false;
  std::string admission_state;  // UNREGISTERED, REGISTERED, ONLINE, READY
};

struct SystemHealth {
  bool valid = false;
  bool is_licensed = false;
  bool is_enterprise = false;
  bool controller_valid = false;
  std::vector<ComputeHealth> computes;
};

struct ComputeStats {
  std::string id;
  std::string hostname;
  bool is_controller = false;
  int64_t cpu_count = 0;
  double cpu_percent = 0;
  double memory_used = 0, memory_total = 0;
  double disk_used = 0, disk_total = 0;
  int64_t allocated_cpus = 0;
  int64_t allocated_memory = 0;
  int64_t running_nodes = 0;
  int64_t total_nodes = 0;
};

struct SystemStats {
  double cpu_percent = 0;  // "all" section
  int64_t cpu_count = 0;
  double memory_used = 0, memory_total = 0;
  double disk_used = 0, disk_total = 0;
  int64_t allocated_cpus = 0;    // sum over computes
  int64_t allocated_memory = 0;  // sum over computes
  int64_t running_nodes = 0;     // sum over computes
  std::vector<ComputeStats> computes;
};

struct Lab {
  std::string id;
  std::string title;
  std::string owner;           // owner's user id
  std::string owner_username;  // may be empty on older controllers
  std::string state;           // DEFINED_ON_CORE, STOPPED, STARTED
  int64_t node_count = 0;
  int64_t link_count = 0;
  std::string created;
  std::string modified;
};

struct LicenceFeature {
  std::string id;
  std::string name;
  std::string status;
  int64_t in_use = 0;
};

struct Licensing {
  std::string registration_status;   // e.g. COMPLETED, IN_PROGRESS, FAILED, RETRY_IN_PROGRESS
  std::string authorization_status;  // e.g. IN_COMPLIANCE, OUT_OF_COMPLIANCE, EVAL, ...
  std::string product_license;       // e.g. CML_Enterprise
  bool is_enterprise = false;
  std::string registration_expires;  // ISO 8601 or empty
  std::string authorization_expires;
  std::string smart_account;
  std::string virtual_account;
  std::vector<LicenceFeature> features;

  bool registered() const { return registration_status == "COMPLETED"; }
  bool in_compliance() const { return authorization_status == "IN_COMPLIANCE"; }
};

// Outcome of DELETE /licensing/deregistration.
enum class Deregistration {
  kDone,                 // 204: released with Cisco and locally
  kDoneLocallyOnly,      // 202: released locally; Cisco could not be told
  kAlreadyDeregistered,  // 400: nothing was registered
};
std::string_view DeregistrationName(Deregistration d);

// One GET /telemetry/events entry.
struct TelemetryEvent {
  std::string category;  // start_lab, stop_node, user_activity, system_stats, ...
  std::string timestamp;
  TimePoint time{};
  std::string user_id;   // from data (user_id / user / owner), empty when absent
  std::string username;  // from data (username / user_name), empty when absent
  std::string lab_id;
  std::string node_id;
  std::string data;              // the event's data object as compact JSON
  bool person_activity = false;  // see telemetry.hpp ClassifyEvent
};

// What one probe round learned about one worker. Steps that were not reached stay empty.
struct WorkerSnapshot {
  std::string worker_id;
  SystemInfo system;
  std::optional<SystemHealth> health;
  std::optional<SystemStats> stats;
  std::optional<std::vector<Lab>> labs;
  std::optional<Licensing> licensing;
  std::optional<std::vector<TelemetryEvent>> events;  // only with ProbeOptions::telemetry
  std::vector<Error> errors;                          // every failed step, in order
  bool logged_in = false;  // this round had to log in (no valid cached token)
  double elapsed_seconds = 0;

  bool ok() const { return errors.empty(); }
  const Error* error() const { return errors.empty() ? nullptr : &errors.front(); }
};

struct ProbeOptions {
  bool health = true;
  bool stats = true;
  bool labs = true;
  bool lab_details = true;  // GET /labs/{id} for each lab (needs labs)
  bool licensing = true;
  bool telemetry = false;  // new telemetry events since the worker's watermark
};

}  // namespace ccm::cml
