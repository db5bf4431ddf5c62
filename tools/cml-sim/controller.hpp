#pragma once
// One simulated CML 2.9 controller: serves the CML REST API (paths relative to the API base,
// e.g. "/labs") with answers shaped like the CML 2.9 OpenAPI document, and offers the scenario
// knobs the control endpoint scripts (502 windows, latency, failing logins, licence expiry,
// activity by a user...).
//
// Time comes from the injected Clock, so tests can drive licence delays and ready-after with a
// ManualClock. Thread-safe: every public method takes the controller's mutex; none blocks or
// sleeps (latency is returned by Latency() for the caller to apply with a timer).
// Errors: API answers carry CML's error shape {"code","description"}; control methods return
// Status with kNotFound / kInvalidArgument naming the field.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/json_fwd.hpp"
#include "tools/cml-sim/model.hpp"

namespace ccm::cmlsim {

struct ControllerConfig {
  std::string id = "c0";
  std::string hostname = "cml-c0";
  std::string admin_user = "admin";
  std::string admin_password = "admin";
  std::chrono::seconds token_ttl{8 * 3600};
  std::chrono::milliseconds license_delay{0};
  std::chrono::milliseconds ready_after{0};
  std::string version = "2.9.0+build.3";
};

struct Answer {
  int status = 200;
  std::string body;  // empty for 204
  std::string content_type = "application/json";
};

struct ApiCall {
  std::string method;
  std::string path;  // relative to the API base, starting with '/'
  std::map<std::string, std::string> query;
  std::string authorization;  // Authorization header value, "" if absent
  std::string body;
};

class Controller {
 public:
  Controller(ControllerConfig config, Clock& clock);

  const std::string& id() const { return config_.id; }
  Answer Handle(const ApiCall& call);
  // Latency to add to this controller's answers (scenario value).
  std::chrono::milliseconds Latency() const;

  // --- control (scenarios) ---
  void SetReadyAfter(std::chrono::milliseconds delay);
  void Fail502(std::optional<std::chrono::milliseconds> duration, int64_t requests);
  void SetLatency(std::chrono::milliseconds latency);
  void SetFailAuth(bool fail);
  void RevokeTokens();
  void ExpireLicense();
  void SetLicensingScenario(std::optional<bool> deregister_local_only,
                            std::optional<bool> fail_registration,
                            std::optional<std::chrono::milliseconds> delay);
  Status RecordUserActivity(const std::string& username, const std::string& activity);
  // action: "start" | "stop" | "wipe", performed as `username` (appends the telemetry events).
  Status LabActionAs(const std::string& username, const std::string& lab_id,
                     const std::string& action);
  // Back to the initial state: seeded labs, unregistered licence, no scenario, zero counters.
  void Reset();
  // Counters, scenario and a summary of labs, users and licensing (JSON object text).
  std::string StateJson() const;

 private:
  struct Call;  // one request being served (defined in the .cpp files)
  using RouteFn = Answer (Controller::*)(Call& call);
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{name}" matches one segment
    std::string key;                    // "GET /labs/{lab_id}" for counters
    RouteFn fn;
    bool needs_auth = true;
  };
  static const std::vector<Route>& Routes();

  // controller.cpp
  void Seed();
  void Advance(TimePoint now);
  void AddEvent(const std::string& category, const Json& data);
  Json UserRef(const User& user) const;
  const User* FindUser(const std::string& username) const;
  const User* UserById(const std::string& id) const;
  const User* Authenticate(const ApiCall& call, std::string* reason) const;
  std::string IssueToken(const User& user, TimePoint now) const;
  Answer Dispatch(const ApiCall& call, TimePoint now);

  // api_system.cpp
  Answer PostAuthenticate(Call& call);
  Answer GetAuthOk(Call& call);
  Answer GetSystemInformation(Call& call);
  Answer GetSystemHealth(Call& call);
  Answer GetSystemStats(Call& call);
  Answer GetUsers(Call& call);
  Answer GetTelemetryEvents(Call& call);
  bool Ready(TimePoint now) const;

  // api_labs.cpp
  Answer GetLabs(Call& call);
  Answer GetLab(Call& call);
  Answer GetLabState(Call& call);
  Answer GetLabNodes(Call& call);
  Answer GetLabNode(Call& call);
  Answer PutLabStart(Call& call);
  Answer PutLabStop(Call& call);
  Answer PutLabWipe(Call& call);
  Answer DeleteLab(Call& call);
  Answer GetLabDownload(Call& call);
  Answer PostImport(Call& call);
  Answer PutNodeStart(Call& call);
  Answer PutNodeStop(Call& call);
  Lab* FindLab(const std::string& lab_id, const User& user);
  Answer LabAction(Lab& lab, const User& user, const std::string& action);
  Answer NodeAction(Call& call, bool start);
  Json LabJson(const Lab& lab, const User& viewer) const;
  void SeedLabs(TimePoint now);

  // api_licensing.cpp
  Answer GetLicensing(Call& call);
  Answer PostRegistration(Call& call);
  Answer DeleteDeregistration(Call& call);
  Answer PutProductLicense(Call& call);
  void AdvanceLicensing(TimePoint now);

  ControllerConfig config_;
  Clock& clock_;
  mutable std::mutex mu_;
  ControllerData data_;  // guarded by mu_
};

// CML's error body: {"code": status, "description": text}.
Answer ErrorAnswer(int status, const std::string& description);

}  // namespace ccm::cmlsim
