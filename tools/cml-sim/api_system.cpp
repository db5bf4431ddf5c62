// Authentication, system information/health/stats, users, telemetry, and the state summary.
#include "core/json.hpp"
#include "tools/cml-sim/controller.hpp"
#include "tools/cml-sim/internal/call.hpp"

namespace ccm::cmlsim {

using internal::JsonAnswer;

namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;
constexpr int kHostCpus = 16;

Json Usage(double used, double total) {
  return Json{{"used", used}, {"free", total - used}, {"total", total}};
}

}  // namespace

bool Controller::Ready(TimePoint now) const {
  return !data_.scenario.ready_at || now >= *data_.scenario.ready_at;
}

Answer Controller::PostAuthenticate(Call& call) {
  auto body = Json::parse(call.api.body, nullptr, false);
  auto username = GetString(body, "username");
  auto password = GetString(body, "password");
  if (!username || !password || username->empty()) {
    return ErrorAnswer(400, "Body must be a JSON object with 'username' and 'password'.");
  }
  const User* user = FindUser(*username);
  if (data_.scenario.fail_auth || user == nullptr || user->password != *password) {
    data_.counters.login_failures++;
    return ErrorAnswer(403, "Authentication failed!");
  }
  data_.counters.logins++;
  Json data = UserRef(*user);
  data["activity"] = "login";
  AddEvent("user_activity", data);
  return JsonAnswer(200, Json(IssueToken(*user, call.now)));
}

Answer Controller::GetAuthOk(Call&) { return JsonAnswer(200, Json("OK")); }

Answer Controller::GetSystemInformation(Call& call) {
  return JsonAnswer(200, Json{{"version", config_.version},
                              {"ready", Ready(call.now)},
                              {"allow_ssh_pubkey_auth", false},
                              {"oui", "52:54:00:00:00:00"}});
}

Answer Controller::GetSystemHealth(Call& call) {
  bool ready = Ready(call.now);
  bool licensed = data_.licensing.registration == "COMPLETED" &&
                  data_.licensing.authorization == "IN_COMPLIANCE";
  Json compute{{"kvm_vmx_enabled", true},
               {"enough_cpus", true},
               {"lld_connected", ready},
               {"lld_synced", ready},
               {"libvirt", true},
               {"fabric", ready},
               {"device_mux", ready},
               {"refplat_images_available", true},
               {"docker_shim", true},
               {"valid", ready},
               {"admission_state", ready ? "READY" : "REGISTERED"},
               {"is_controller", true},
               {"hostname", config_.hostname}};
  return JsonAnswer(200,
                    Json{{"valid", ready},
                         {"computes", Json{{data_.compute_id, compute}}},
                         {"is_licensed", licensed},
                         {"is_enterprise", data_.licensing.product_license == "CML_Enterprise"},
                         {"controller", Json{{"core_connected", true},
                                             {"nodes_loaded", ready},
                                             {"images_loaded", ready},
                                             {"valid", ready}}}});
}

Answer Controller::GetSystemStats(Call&) {
  int64_t total_nodes = 0, running = 0, cpus = 0, memory_mib = 0;
  for (const Lab& lab : data_.labs) {
    for (const Node& n : lab.nodes) {
      total_nodes++;
      if (n.state != "BOOTED") continue;
      running++;
      cpus += n.cpus;
      memory_mib += n.ram;
    }
  }
  double percent = std::min(100.0, 2.5 + 7.5 * static_cast<double>(running));
  double mem_total = 64 * kGiB;
  double mem_used = std::min(mem_total, 4 * kGiB + static_cast<double>(memory_mib) * 1024 * 1024);
  Json disk = Usage(40 * kGiB + 2 * kGiB * static_cast<double>(total_nodes), 500 * kGiB);
  Json stats{{"cpu", Json{{"count", kHostCpus},
                          {"percent", percent},
                          {"model", "Intel Xeon (simulated)"},
                          {"predicted", cpus},
                          {"load", Json::array({percent / 25, percent / 30, percent / 35})}}},
             {"memory", Usage(mem_used, mem_total)},
             {"disk", disk},
             {"dominfo", Json{{"total_nodes", total_nodes},
                              {"total_orphans", 0},
                              {"running_nodes", running},
                              {"running_orphans", 0},
                              {"allocated_cpus", cpus},
                              {"allocated_memory", memory_mib}}}};
  Json compute{{"hostname", config_.hostname}, {"is_controller", true}, {"stats", stats}};
  return JsonAnswer(200,
                    Json{{"computes", Json{{data_.compute_id, compute}}},
                         {"all", Json{{"cpu", Json{{"count", kHostCpus}, {"percent", percent}}},
                                      {"memory", Usage(mem_used, mem_total)},
                                      {"disk", disk}}},
                         {"controller", Json{{"disk", disk}}}});
}

Answer Controller::GetUsers(Call& call) {
  if (!call.user->admin) return ErrorAnswer(403, "User does not have admin rights.");
  Json out = Json::array();
  for (const User& u : data_.users) {
    Json labs = Json::array();
    for (const Lab& lab : data_.labs) {
      if (lab.owner_id == u.id) labs.push_back(lab.id);
    }
    out.push_back(Json{{"username", u.username},
                       {"fullname", u.fullname},
                       {"email", ""},
                       {"admin", u.admin},
                       {"groups", Json::array()},
                       {"associations", Json::array()},
                       {"resource_pool", nullptr},
                       {"opt_in", nullptr},
                       {"tour_version", ""},
                       {"id", u.id},
                       {"created", FormatTime(u.created)},
                       {"modified", FormatTime(u.created)},
                       {"directory_dn", ""},
                       {"labs", labs},
                       {"pubkey_info", nullptr}});
  }
  return JsonAnswer(200, out);
}

Answer Controller::GetTelemetryEvents(Call&) {
  Json out = Json::array();
  for (const TelemetryEvent& e : data_.telemetry) {
    out.push_back(Json{{"category", e.category},
                       {"timestamp", FormatTime(e.timestamp)},
                       {"data", Json::parse(e.data_json)}});
  }
  return JsonAnswer(200, out);
}

std::string Controller::StateJson() const {
  std::lock_guard<std::mutex> lock(mu_);
  const Counters& c = data_.counters;
  const Scenario& s = data_.scenario;
  Json labs = Json::array();
  for (const Lab& lab : data_.labs) {
    const User* owner = UserById(lab.owner_id);
    labs.push_back(Json{{"id", lab.id},
                        {"title", lab.title},
                        {"state", lab.state},
                        {"owner", owner ? owner->username : ""},
                        {"node_count", lab.nodes.size()}});
  }
  Json users = Json::array();
  for (const User& u : data_.users) users.push_back(Json{{"id", u.id}, {"username", u.username}});
  TimePoint now = clock_.Now();
  Json out{{"id", config_.id},
           {"ready", Ready(now)},
           {"logins", c.logins},
           {"login_failures", c.login_failures},
           {"unauthorized", c.unauthorized},
           {"failed_502", c.failed_502},
           {"calls_total", c.calls_total},
           {"calls", Json(c.calls)},
           {"latency_ms", s.latency.count()},
           {"fail_auth", s.fail_auth},
           {"failing_502", (s.fail_until && now < *s.fail_until) || s.fail_requests > 0},
           {"licensing", Json{{"registration", data_.licensing.registration},
                              {"authorization", data_.licensing.authorization},
                              {"product_license", data_.licensing.product_license}}},
           {"telemetry_events", data_.telemetry.size()},
           {"users", users},
           {"labs", labs}};
  return out.dump();
}

}  // namespace ccm::cmlsim
