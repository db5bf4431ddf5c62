#pragma once
// Reconciler: keeps every worker's record true to AWS and to its CML controller.
//
// SweepEc2(): per (account, region) scope of the settings (and of any stored worker), one
// paginated DescribeInstances by tag ccm:managed=true, a DescribeInstancesById for known ids
// that answer did not cover, and one DescribeInstanceStatus (IncludeAllInstances); applied to
// every stored worker of the scope through WorkerWriter (state, checks, IPs, endpoint, tags).
// An instance EC2 no longer knows -> terminated. A managed instance no worker knows ->
// worker.orphan_found (once per process), or imported when auto_import is on. A failing scope is
// reported and the others go on. ProbeCml(): one concurrent CmlApi::Probe round over running
// workers with an endpoint; service status (starting / available / error after
// cml_startup_timeout_seconds), licence, telemetry. ReadActivity(): new CML telemetry events of
// available workers; a person's newest activity moves last_activity_at (source "cml:<category>").
// Every step writes only real changes, so events appear only when something changed; the report
// lists the committed events and the failures. Threading: thread-safe (one pass at a time is
// not required, but passes overlapping on one worker just retry through WorkerWriter).
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cml/cml_api.hpp"
#include "config/settings.hpp"
#include "control/cloud_clients.hpp"
#include "control/endpoint_resolver.hpp"
#include "control/worker_service.hpp"
#include "control/worker_writer.hpp"
#include "core/clock.hpp"
#include "domain/events.hpp"

namespace ccm::control::automation {

struct PassReport {
  std::vector<domain::DomainEvent> events;  // committed, in order
  std::vector<std::string> errors;          // "<scope or worker>: <message>", secrets redacted
  int scopes = 0;                           // (account, region) pairs swept
  int workers = 0;                          // workers looked at
  void Merge(PassReport&& other);
};

// Everything the reconciler uses; all must outlive it. `service` imports orphans.
struct ReconcilerDeps {
  config::Settings settings;
  WorkerWriter* writer = nullptr;
  CloudClients* clouds = nullptr;
  cml::CmlApi* cml = nullptr;
  EndpointResolver* endpoints = nullptr;
  WorkerService* service = nullptr;
  Clock* clock = nullptr;
};

class Reconciler {
 public:
  explicit Reconciler(ReconcilerDeps deps) : deps_(std::move(deps)) {}

  PassReport SweepEc2();
  PassReport ProbeCml();
  PassReport ReadActivity();
  // Sweep, probe, activity.
  PassReport RunOnce();

  // Reads new telemetry of one worker and records a person's newest activity (used by the idle
  // detector for its fresh re-check). kUnavailable etc. from the CML client.
  Status RefreshActivity(const domain::WorkerRecord& worker, PassReport& report);

  const config::Settings& settings() const { return deps_.settings; }
  Clock* clock() const { return deps_.clock; }

 private:
  struct Scope {
    std::string account;
    std::string region;
    bool operator<(const Scope& o) const {
      return account != o.account ? account < o.account : region < o.region;
    }
  };
  Status SweepScope(const Scope& scope, const std::vector<domain::WorkerRecord>& workers,
                    PassReport& report);
  void HandleOrphans(const Scope& scope, const std::vector<std::string>& orphan_ids,
                     const std::vector<std::string>& states, PassReport& report);
  void Write(const std::string& id, const WorkerWriter::Change& change, PassReport& report);
  domain::ChangeContext Context() const;

  ReconcilerDeps deps_;
  std::mutex orphans_mu_;
  std::set<std::string> reported_orphans_;  // guarded by orphans_mu_: one event per orphan
};

// Every non-terminated worker in the store (all pages).
Result<std::vector<domain::WorkerRecord>> LoadActiveWorkers(store::Store& store);

}  // namespace ccm::control::automation
