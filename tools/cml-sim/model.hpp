#pragma once
// Plain data of one simulated CML controller: users, labs with nodes and links, licensing,
// telemetry, scenario knobs and call counters. No behaviour and no locking here: Controller
// (controller.hpp) owns one ControllerData and guards it with its mutex.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace ccm::cmlsim {

struct User {
  std::string id;  // UUID
  std::string username;
  std::string password;
  std::string fullname;
  bool admin = false;
  TimePoint created;
};

struct Interface {
  std::string id;  // topology-local id ("i0"), unique within the node
  std::string label;
  int slot = 0;
  std::string type = "physical";
};

struct Node {
  std::string id;       // UUID
  std::string topo_id;  // topology-local id ("n0") used by import/download
  std::string label;
  std::string node_definition;
  int x = 0;
  int y = 0;
  int cpus = 1;
  int ram = 512;                          // MiB
  std::string state = "DEFINED_ON_CORE";  // DEFINED_ON_CORE | STOPPED | BOOTED
  std::vector<Interface> interfaces;
};

struct Link {
  std::string id;  // topology-local ("l0")
  std::string n1, n2, i1, i2;
  std::string label;
};

struct Lab {
  std::string id;  // UUID
  std::string title;
  std::string description;
  std::string notes;
  std::string owner_id;
  std::string state = "DEFINED_ON_CORE";  // DEFINED_ON_CORE | STOPPED | STARTED
  TimePoint created;
  TimePoint modified;
  std::vector<Node> nodes;
  std::vector<Link> links;
};

struct Licensing {
  std::string registration = "NOT_REGISTERED";  // NOT_REGISTERED | IN_PROGRESS | COMPLETED | FAILED
  std::string authorization = "EVAL";           // EVAL | IN_COMPLIANCE | OUT_OF_COMPLIANCE
  std::string product_license = "CML_Enterprise";
  std::optional<TimePoint> register_attempted;
  std::optional<TimePoint> register_succeeded;
  std::optional<TimePoint> completes_at;  // pending registration finishes at this time
  std::optional<TimePoint> registration_expires;
  std::optional<TimePoint> authorization_expires;
  std::optional<std::string> failure;
  std::string registered_by;  // user id who asked for the pending registration
};

struct TelemetryEvent {
  std::string category;  // spec enum: start_lab, stop_lab, user_activity, ...
  TimePoint timestamp;
  std::string data_json;  // JSON object text
};

// Scripted behaviour (control endpoint).
struct Scenario {
  std::optional<TimePoint> ready_at;     // system_information.ready is false before this
  std::optional<TimePoint> fail_until;   // answer 502 until then
  int64_t fail_requests = 0;             // answer 502 to this many more requests
  std::chrono::milliseconds latency{0};  // added to every CML API answer
  bool fail_auth = false;                // reject every login
  bool deregister_local_only = false;    // DELETE /licensing/deregistration answers 202
  bool fail_registration = false;        // pending registrations end in FAILED
  std::chrono::milliseconds license_delay{0};
};

struct Counters {
  int64_t logins = 0;
  int64_t login_failures = 0;
  int64_t unauthorized = 0;
  int64_t failed_502 = 0;
  int64_t calls_total = 0;
  std::map<std::string, int64_t> calls;  // "GET /labs/{lab_id}" -> count
};

struct ControllerData {
  std::string secret;     // HMAC key of this controller's tokens
  int64_t token_gen = 0;  // bumped to revoke every token issued so far
  std::vector<User> users;
  std::vector<Lab> labs;
  Licensing licensing;
  std::deque<TelemetryEvent> telemetry;
  TimePoint last_event_time;
  Scenario scenario;
  Counters counters;
  std::string compute_id;  // UUID of the single (all-in-one) compute
};

}  // namespace ccm::cmlsim
