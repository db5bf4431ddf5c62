// Controller core: seeding, routing, bearer authentication, tokens, telemetry, counters.
#include "tools/cml-sim/controller.hpp"

#include <strings.h>

#include "core/ids.hpp"
#include "tools/cml-sim/internal/call.hpp"
#include "tools/cml-sim/internal/token.hpp"

namespace ccm::cmlsim {

namespace {

constexpr size_t kMaxTelemetryEvents = 10000;
constexpr char kBadGateway[] =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad "
    "Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

int64_t UnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

namespace internal {

Answer JsonAnswer(int status, const Json& body) {
  return Answer{status, body.dump(), "application/json"};
}

Answer NoContent() { return Answer{204, "", ""}; }

bool QueryFlag(const std::map<std::string, std::string>& query, const std::string& name) {
  auto it = query.find(name);
  return it != query.end() && (it->second == "true" || it->second == "1" || it->second == "True");
}

Json TimeOrNull(const std::optional<TimePoint>& t) {
  return t ? Json(FormatTime(*t)) : Json(nullptr);
}

}  // namespace internal

Answer ErrorAnswer(int status, const std::string& description) {
  return internal::JsonAnswer(status, Json{{"code", status}, {"description", description}});
}

Controller::Controller(ControllerConfig config, Clock& clock)
    : config_(std::move(config)), clock_(clock) {
  std::lock_guard<std::mutex> lock(mu_);
  Seed();
  if (config_.ready_after.count() > 0) data_.scenario.ready_at = clock_.Now() + config_.ready_after;
}

void Controller::Seed() {
  TimePoint now = clock_.Now();
  data_.secret = RandomHex(32);
  data_.compute_id = NewUuid();
  data_.last_event_time = TimePoint{};
  data_.scenario.license_delay = config_.license_delay;
  data_.users.push_back(
      User{NewUuid(), config_.admin_user, config_.admin_password, "Administrator", true, now});
  data_.users.push_back(User{NewUuid(), "student", "student", "Student", false, now});
  SeedLabs(now);
  // System noise a real controller records at boot: no user behind these.
  AddEvent("cpuinfo", Json{{"model", "Intel Xeon (simulated)"}, {"count", 8}});
  AddEvent("meminfo", Json{{"total_kb", 64 * 1024 * 1024}});
}

void Controller::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  data_ = ControllerData{};
  Seed();
}

void Controller::Advance(TimePoint now) { AdvanceLicensing(now); }

void Controller::AddEvent(const std::string& category, const Json& data) {
  // Strictly increasing timestamps (1 ms apart at least) let readers keep a watermark.
  TimePoint ts = clock_.Now();
  if (ts <= data_.last_event_time) ts = data_.last_event_time + std::chrono::milliseconds(1);
  ts = std::chrono::time_point_cast<std::chrono::milliseconds>(ts);
  if (ts <= data_.last_event_time) ts = data_.last_event_time + std::chrono::milliseconds(1);
  data_.last_event_time = ts;
  data_.telemetry.push_back(TelemetryEvent{category, ts, data.dump()});
  while (data_.telemetry.size() > kMaxTelemetryEvents) data_.telemetry.pop_front();
}

Json Controller::UserRef(const User& user) const {
  return Json{{"user_id", user.id}, {"username", user.username}};
}

const User* Controller::FindUser(const std::string& username) const {
  for (const auto& u : data_.users) {
    if (u.username == username) return &u;
  }
  return nullptr;
}

const User* Controller::UserById(const std::string& id) const {
  for (const auto& u : data_.users) {
    if (u.id == id) return &u;
  }
  return nullptr;
}

std::string Controller::IssueToken(const User& user, TimePoint now) const {
  Json payload{{"iss", "cml-sim"},
               {"sub", user.id},
               {"name", user.username},
               {"iat", UnixSeconds(now)},
               {"exp", UnixSeconds(now + config_.token_ttl)},
               {"jti", RandomHex(8)},
               {"gen", data_.token_gen}};
  return internal::MakeToken(data_.secret, payload.dump());
}

const User* Controller::Authenticate(const ApiCall& call, std::string* reason) const {
  const std::string& header = call.authorization;
  if (header.size() < 7 || strncasecmp(header.c_str(), "Bearer ", 7) != 0) {
    *reason = "No authorization token provided.";
    return nullptr;
  }
  auto payload_text = internal::VerifyToken(data_.secret, header.substr(7));
  auto payload = payload_text ? Json::parse(*payload_text, nullptr, false) : Json();
  if (!payload.is_object() || payload.value("gen", int64_t{-1}) != data_.token_gen ||
      payload.value("exp", int64_t{0}) <= UnixSeconds(clock_.Now())) {
    *reason = "Authentication token is invalid or has expired.";
    return nullptr;
  }
  const User* user = UserById(payload.value("sub", std::string()));
  if (user == nullptr) *reason = "User of the token does not exist.";
  return user;
}

Answer Controller::Handle(const ApiCall& call) {
  std::lock_guard<std::mutex> lock(mu_);
  TimePoint now = clock_.Now();
  Advance(now);
  data_.counters.calls_total++;
  Scenario& s = data_.scenario;
  bool in_window = s.fail_until && now < *s.fail_until;
  if (in_window || s.fail_requests > 0) {
    if (!in_window) s.fail_requests--;
    data_.counters.failed_502++;
    return Answer{502, kBadGateway, "text/html"};
  }
  return Dispatch(call, now);
}

Answer Controller::Dispatch(const ApiCall& call, TimePoint now) {
  std::vector<std::string> segments = Split(call.path);
  bool path_known = false;
  for (const Route& route : Routes()) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i) {
      const std::string& want = route.segments[i];
      if (want.front() == '{') {
        params[want.substr(1, want.size() - 2)] = segments[i];
      } else {
        match = want == segments[i];
      }
    }
    if (!match) continue;
    path_known = true;
    if (route.method != call.method) continue;
    data_.counters.calls[route.key]++;
    Call c{call, now, std::move(params), nullptr};
    if (route.needs_auth) {
      std::string reason;
      c.user = Authenticate(call, &reason);
      if (c.user == nullptr) {
        data_.counters.unauthorized++;
        return ErrorAnswer(401, reason);
      }
    }
    return (this->*route.fn)(c);
  }
  if (path_known) return ErrorAnswer(405, "Method Not Allowed");
  return ErrorAnswer(404, "Not Found");
}

const std::vector<Controller::Route>& Controller::Routes() {
  static const std::vector<Route> routes = [] {
    std::vector<Route> r;
    auto add = [&r](const char* method, const char* path, RouteFn fn, bool auth = true) {
      r.push_back(Route{method, Split(path), std::string(method) + " " + path, fn, auth});
    };
    add("POST", "/authenticate", &Controller::PostAuthenticate, false);
    add("GET", "/authok", &Controller::GetAuthOk);
    add("GET", "/system_information", &Controller::GetSystemInformation, false);
    add("GET", "/system_health", &Controller::GetSystemHealth);
    add("GET", "/system_stats", &Controller::GetSystemStats);
    add("GET", "/users", &Controller::GetUsers);
    add("GET", "/telemetry/events", &Controller::GetTelemetryEvents);
    add("GET", "/labs", &Controller::GetLabs);
    add("GET", "/labs/{lab_id}", &Controller::GetLab);
    add("DELETE", "/labs/{lab_id}", &Controller::DeleteLab);
    add("GET", "/labs/{lab_id}/state", &Controller::GetLabState);
    add("PUT", "/labs/{lab_id}/start", &Controller::PutLabStart);
    add("PUT", "/labs/{lab_id}/stop", &Controller::PutLabStop);
    add("PUT", "/labs/{lab_id}/wipe", &Controller::PutLabWipe);
    add("GET", "/labs/{lab_id}/download", &Controller::GetLabDownload);
    add("GET", "/labs/{lab_id}/nodes", &Controller::GetLabNodes);
    add("GET", "/labs/{lab_id}/nodes/{node_id}", &Controller::GetLabNode);
    add("PUT", "/labs/{lab_id}/nodes/{node_id}/state/start", &Controller::PutNodeStart);
    add("PUT", "/labs/{lab_id}/nodes/{node_id}/state/stop", &Controller::PutNodeStop);
    add("POST", "/import", &Controller::PostImport);
    add("GET", "/licensing", &Controller::GetLicensing);
    add("POST", "/licensing/registration", &Controller::PostRegistration);
    add("DELETE", "/licensing/deregistration", &Controller::DeleteDeregistration);
    add("PUT", "/licensing/product_license", &Controller::PutProductLicense);
    return r;
  }();
  return routes;
}

std::chrono::milliseconds Controller::Latency() const {
  std::lock_guard<std::mutex> lock(mu_);
  return data_.scenario.latency;
}

void Controller::SetReadyAfter(std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(mu_);
  data_.scenario.ready_at = clock_.Now() + delay;
}

void Controller::Fail502(std::optional<std::chrono::milliseconds> duration, int64_t requests) {
  std::lock_guard<std::mutex> lock(mu_);
  data_.scenario.fail_until =
      duration ? std::optional<TimePoint>(clock_.Now() + *duration) : std::nullopt;
  data_.scenario.fail_requests = requests;
}

void Controller::SetLatency(std::chrono::milliseconds latency) {
  std::lock_guard<std::mutex> lock(mu_);
  data_.scenario.latency = latency;
}

void Controller::SetFailAuth(bool fail) {
  std::lock_guard<std::mutex> lock(mu_);
  data_.scenario.fail_auth = fail;
}

void Controller::RevokeTokens() {
  std::lock_guard<std::mutex> lock(mu_);
  data_.token_gen++;
}

Status Controller::RecordUserActivity(const std::string& username, const std::string& activity) {
  std::lock_guard<std::mutex> lock(mu_);
  const User* user = FindUser(username);
  if (user == nullptr) return InvalidArgument("username", "no user '" + username + "'");
  Json data = UserRef(*user);
  data["activity"] = activity.empty() ? "api_call" : activity;
  AddEvent("user_activity", data);
  return Ok();
}

Status Controller::LabActionAs(const std::string& username, const std::string& lab_id,
                               const std::string& action) {
  std::lock_guard<std::mutex> lock(mu_);
  const User* user = FindUser(username);
  if (user == nullptr) return InvalidArgument("username", "no user '" + username + "'");
  if (action != "start" && action != "stop" && action != "wipe") {
    return InvalidArgument("action", "must be start, stop or wipe");
  }
  Lab* lab = FindLab(lab_id, *user);
  if (lab == nullptr) return MakeError(Code::kNotFound, "lab " + lab_id + " not found");
  Answer a = LabAction(*lab, *user, action);
  if (a.status >= 300) return MakeError(Code::kFailedPrecondition, a.body);
  return Ok();
}

}  // namespace ccm::cmlsim
