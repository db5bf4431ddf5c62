#pragma once
// FakeCml: an in-memory CmlApi, one simulated controller per worker id (CmlTarget::worker_id),
// created on first use: ready, two labs ("lab-a" STARTED, "lab-b" STOPPED), licence
// NOT_REGISTERED / EVAL. Register makes it COMPLETED / IN_COMPLIANCE at once (400-style
// kInvalidArgument when already registered without reregister); Deregister answers kDone (or
// the scripted outcome), kAlreadyDeregistered when nothing is registered. Calls are logged as
// "cml:<Call>" in the optional CallLog and remembered with their target. Tokens passed to
// RegisterLicence are kept only so tests can check they never leak elsewhere. Thread-safe.
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cml/cml_api.hpp"
#include "control/testing/call_log.hpp"

namespace ccm::control::testing {

class FakeCml final : public cml::CmlApi {
 public:
  explicit FakeCml(CallLog* log = nullptr) : log_(log) {}

  struct Controller {
    cml::Readiness readiness = cml::Readiness::kReady;
    std::string version = "2.9.0+build.3";
    std::vector<cml::Lab> labs;
    cml::Licensing licensing;
    std::optional<cml::Deregistration> next_deregistration;
    std::vector<std::string> tokens;  // what RegisterLicence received
    int64_t running_nodes = 3;
    std::vector<cml::TelemetryEvent> new_events;  // handed out (and cleared) by ReadNewEvents
  };

  // Changes (creating if needed) the controller of a worker.
  void Configure(const std::string& worker_id, const std::function<void(Controller&)>& edit);
  Controller controller(const std::string& worker_id);
  void FailNext(const std::string& call, Error error);
  int Count(const std::string& call) const;
  std::vector<cml::CmlTarget> targets() const;  // every target seen, in order
  std::vector<std::string> forgotten() const;

  Result<cml::SystemInfo> GetSystemInformation(const cml::CmlTarget& target) override;
  Result<cml::SystemHealth> GetSystemHealth(const cml::CmlTarget& target) override;
  Result<cml::SystemStats> GetSystemStats(const cml::CmlTarget& target) override;
  Result<std::vector<std::string>> ListLabIds(const cml::CmlTarget& target) override;
  Result<cml::Lab> GetLab(const cml::CmlTarget& target, std::string_view lab_id) override;
  Status StartLab(const cml::CmlTarget& target, std::string_view lab_id) override;
  Status StopLab(const cml::CmlTarget& target, std::string_view lab_id) override;
  Status WipeLab(const cml::CmlTarget& target, std::string_view lab_id) override;
  Status DeleteLab(const cml::CmlTarget& target, std::string_view lab_id) override;
  Result<std::string> DownloadLab(const cml::CmlTarget& target, std::string_view lab_id) override;
  Result<std::string> ImportLab(const cml::CmlTarget& target, std::string_view title,
                                std::string_view topology) override;
  Result<cml::Licensing> GetLicensing(const cml::CmlTarget& target) override;
  Status RegisterLicence(const cml::CmlTarget& target, std::string_view token,
                         bool reregister) override;
  Result<cml::Deregistration> DeregisterLicence(const cml::CmlTarget& target) override;
  Status SetProductLicense(const cml::CmlTarget& target, std::string_view product) override;
  Result<std::vector<cml::TelemetryEvent>> ReadNewEvents(const cml::CmlTarget& target) override;
  std::vector<cml::WorkerSnapshot> Probe(const std::vector<cml::CmlTarget>& targets,
                                         const cml::ProbeOptions& options) override;
  void Forget(std::string_view worker_id) override;

 private:
  // Under mu_: counts and logs the call, returns a scripted failure if one is due, and finds
  // (or creates) the controller.
  Result<Controller*> Enter(const std::string& call, const cml::CmlTarget& target);
  Result<cml::Lab*> FindLab(Controller& c, std::string_view lab_id);
  Status SetLabState(const std::string& call, const cml::CmlTarget& target, std::string_view lab_id,
                     const std::string& state);
  cml::WorkerSnapshot ProbeOne(const cml::CmlTarget& target, const cml::ProbeOptions& options);

  mutable std::mutex mu_;
  CallLog* log_;
  std::map<std::string, Controller> controllers_;
  std::map<std::string, std::vector<Error>> failures_;
  std::map<std::string, int> counts_;
  std::vector<cml::CmlTarget> targets_;
  std::vector<std::string> forgotten_;
};

}  // namespace ccm::control::testing
