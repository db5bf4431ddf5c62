#pragma once
// CmlApi: what ccm asks of a worker's CML controller. The control layer depends on this interface
// only (its tests use fakes); CmlClient (cml_client.hpp) is the real one over libcurl.
//
// Every call names its worker through a CmlTarget. Implementations keep per-worker state keyed
// by CmlTarget::worker_id: the login token (reused across calls and cycles) and the telemetry
// watermark.
//
// Errors: Result/Status carry a canonical Code (401 -> kUnauthenticated, 403 ->
// kPermissionDenied, 404 -> kNotFound, 400/422 -> kInvalidArgument, 409 -> kFailedPrecondition,
// 5xx and transport failures -> kUnavailable (retryable), timeouts -> kDeadlineExceeded), and a
// message naming the worker, the call ("GET /labs"), the HTTP status and CML's own description.
// Passwords, tokens and licence tokens never appear in errors.
// Threading: every method may be called from any thread at the same time.
#include <string>
#include <string_view>
#include <vector>

#include "cml/cml_types.hpp"

namespace ccm::cml {

class CmlApi {
 public:
  virtual ~CmlApi() = default;

  // GET /system_information (no login). A controller still booting (502/503/504, refused
  // connection, timeout) is Readiness::kStarting, not an error.
  virtual Result<SystemInfo> GetSystemInformation(const CmlTarget& target) = 0;
  virtual Result<SystemHealth> GetSystemHealth(const CmlTarget& target) = 0;
  virtual Result<SystemStats> GetSystemStats(const CmlTarget& target) = 0;

  // GET /labs?show_all=true: every lab id on the controller.
  virtual Result<std::vector<std::string>> ListLabIds(const CmlTarget& target) = 0;
  virtual Result<Lab> GetLab(const CmlTarget& target, std::string_view lab_id) = 0;
  virtual Status StartLab(const CmlTarget& target, std::string_view lab_id) = 0;
  virtual Status StopLab(const CmlTarget& target, std::string_view lab_id) = 0;
  virtual Status WipeLab(const CmlTarget& target, std::string_view lab_id) = 0;
  virtual Status DeleteLab(const CmlTarget& target, std::string_view lab_id) = 0;
  // The lab's topology (YAML text as CML exports it).
  virtual Result<std::string> DownloadLab(const CmlTarget& target, std::string_view lab_id) = 0;
  // POST /import?title=...: returns the new lab id. Topologies over the client's import limit
  // are refused before sending (kInvalidArgument naming "topology").
  virtual Result<std::string> ImportLab(const CmlTarget& target, std::string_view title,
                                        std::string_view topology) = 0;

  virtual Result<Licensing> GetLicensing(const CmlTarget& target) = 0;
  // POST /licensing/registration. `token` is a secret (registered for redaction).
  virtual Status RegisterLicence(const CmlTarget& target, std::string_view token,
                                 bool reregister) = 0;
  // DELETE /licensing/deregistration; "already deregistered" is an outcome, not a failure.
  virtual Result<Deregistration> DeregisterLicence(const CmlTarget& target) = 0;
  // PUT /licensing/product_license, e.g. "CML_Enterprise".
  virtual Status SetProductLicense(const CmlTarget& target, std::string_view product) = 0;

  // GET /telemetry/events, handing on only events newer than this worker's watermark (the first
  // read hands on everything), then moving the watermark past them.
  virtual Result<std::vector<TelemetryEvent>> ReadNewEvents(const CmlTarget& target) = 0;

  // One probe round over many workers at once: system information, then for ready workers with
  // credentials the steps enabled in `options`. Results are in the order of `targets`; a
  // worker's failures stay in its own snapshot.
  virtual std::vector<WorkerSnapshot> Probe(const std::vector<CmlTarget>& targets,
                                            const ProbeOptions& options) = 0;

  // Drops the cached token and telemetry watermark of a worker (e.g. it was terminated).
  virtual void Forget(std::string_view worker_id) = 0;
};

}  // namespace ccm::cml
