// The control endpoint (plain HTTP JSON): create controllers, script scenarios, read counters.
// Paths and bodies are documented in tools/cml-sim/README.md.
#include <cmath>

#include "core/json.hpp"
#include "tools/cml-sim/simulator.hpp"

namespace ccm::cmlsim {

namespace {

using httpd::Response;

Response Reply(int status, const Json& body) { return Response::Json(status, body.dump()); }
Response Ok() { return Reply(200, Json{{"ok", true}}); }
Response Bad(int status, const std::string& message) {
  return Reply(status, Json{{"error", message}});
}

std::optional<std::chrono::milliseconds> Seconds(const Json& body, const char* key) {
  auto v = GetNumber(body, key);
  if (!v || *v < 0 || !std::isfinite(*v)) return std::nullopt;
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(*v * 1000)));
}

std::optional<std::chrono::milliseconds> Millis(const Json& body, const char* key) {
  auto v = GetNumber(body, key);
  if (!v || *v < 0 || !std::isfinite(*v)) return std::nullopt;
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(*v)));
}

Response FromStatus(const Status& st) {
  if (st) return Ok();
  int code = st.error().code == Code::kNotFound             ? 404
             : st.error().code == Code::kFailedPrecondition ? 409
                                                            : 400;
  return Bad(code, st.error().message);
}

}  // namespace

void Simulator::ServeControl(httpd::Request request, const httpd::Responder& responder) {
  responder.Send(Control(request));
}

namespace {

Response ListControllers(const Simulator& sim) {
  Json list = Json::array();
  for (const auto& c : sim.Controllers()) list.push_back(Json{{"id", c.id}, {"url", c.url}});
  return Reply(200, list);
}

Response CreateController(Simulator& sim, const std::string& text) {
  Json body = text.empty() ? Json::object() : Json::parse(text, nullptr, false);
  if (!body.is_object()) return Bad(400, "body: must be a JSON object");
  NewControllerOptions n;
  n.ready_after = Seconds(body, "ready_after_seconds");
  n.latency = Millis(body, "latency_ms");
  n.license_delay = Seconds(body, "license_delay_seconds");
  n.port = static_cast<int>(GetInt(body, "port").value_or(0));
  auto added = sim.AddController(n);
  if (!added) return Bad(400, added.error().message);
  return Reply(201, Json{{"id", added->id}, {"url", added->url}});
}

Response AllStates(const Simulator& sim) {
  Json states = Json::array();
  int64_t logins = 0, calls = 0;
  for (const auto& c : sim.Controllers()) {
    Json s = Json::parse(sim.Find(c.id)->StateJson());
    s["url"] = c.url;
    logins += s["logins"].get<int64_t>();
    calls += s["calls_total"].get<int64_t>();
    states.push_back(std::move(s));
  }
  return Reply(200, Json{{"global_latency_ms", sim.GlobalLatency().count()},
                         {"logins", logins},
                         {"calls_total", calls},
                         {"controllers", states}});
}

}  // namespace

httpd::Response Simulator::Control(const httpd::Request& req) {
  const std::string& p = req.path;
  const std::string prefix = "/control/controllers";
  bool get = req.method == "GET", post = req.method == "POST";
  if (p == prefix && get) return ListControllers(*this);
  if (p == prefix && post) return CreateController(*this, req.body);
  if (p == "/control/state" && get) return AllStates(*this);
  if (p == "/control/latency" && post) {
    auto ms = Millis(Json::parse(req.body, nullptr, false), "ms");
    if (!ms) return Bad(400, "ms: must be a number >= 0");
    SetGlobalLatency(*ms);
    return Ok();
  }
  if (p == "/control/reset" && post) {
    for (const auto& c : Controllers()) Find(c.id)->Reset();
    SetGlobalLatency(std::chrono::milliseconds(0));
    return Ok();
  }
  if (p.rfind(prefix + "/", 0) != 0) return Bad(404, "unknown control path " + p);
  std::string rest = p.substr(prefix.size() + 1);
  size_t slash = rest.find('/');
  if (slash == std::string::npos) return Bad(404, "missing action after the controller id");
  std::string id = rest.substr(0, slash);
  std::string action = rest.substr(slash + 1);
  if (action == "state" && get && id != "all") {
    auto c = Find(id);
    if (!c) return Bad(404, "no controller '" + id + "'");
    return Response::Json(200, c->StateJson());
  }
  if (!post) return Bad(405, "use POST for controller actions");
  return ControlController(id, action, req.body);
}

httpd::Response Simulator::ControlController(const std::string& id, const std::string& action,
                                             const std::string& body) {
  std::vector<std::shared_ptr<Controller>> targets;
  if (id == "all") {
    for (const auto& c : Controllers()) targets.push_back(Find(c.id));
  } else if (auto c = Find(id)) {
    targets.push_back(c);
  } else {
    return Bad(404, "no controller '" + id + "'");
  }
  if (id == "all" && action.rfind("labs/", 0) == 0) {
    return Bad(400, "lab actions need one controller id (lab ids are per controller)");
  }
  Response last = Ok();
  for (const auto& c : targets) {
    last = ControllerAction(*c, action, body);
    if (last.status >= 300) return last;
  }
  return last;
}

httpd::Response Simulator::ControllerAction(Controller& c, const std::string& action,
                                            const std::string& text) {
  Json body = text.empty() ? Json::object() : Json::parse(text, nullptr, false);
  if (!body.is_object()) return Bad(400, "body: must be a JSON object");
  if (action == "ready_after") {
    auto s = Seconds(body, "seconds");
    if (!s) return Bad(400, "seconds: must be a number >= 0");
    c.SetReadyAfter(*s);
  } else if (action == "fail_502") {
    auto s = Seconds(body, "seconds");
    auto n = GetInt(body, "requests").value_or(0);
    if (!s && n <= 0) return Bad(400, "give seconds (number >= 0) and/or requests (integer > 0)");
    c.Fail502(s, std::max<int64_t>(0, n));
  } else if (action == "latency") {
    auto ms = Millis(body, "ms");
    if (!ms) return Bad(400, "ms: must be a number >= 0");
    c.SetLatency(*ms);
  } else if (action == "fail_auth") {
    c.SetFailAuth(GetBool(body, "enabled").value_or(true));
  } else if (action == "revoke_tokens") {
    c.RevokeTokens();
  } else if (action == "expire_license") {
    c.ExpireLicense();
  } else if (action == "licensing") {
    c.SetLicensingScenario(GetBool(body, "deregister_local_only"),
                           GetBool(body, "fail_registration"), Seconds(body, "delay_seconds"));
  } else if (action == "user_activity") {
    return FromStatus(c.RecordUserActivity(GetString(body, "username").value_or("student"),
                                           GetString(body, "activity").value_or("")));
  } else if (action.rfind("labs/", 0) == 0) {
    std::string lab_part = action.substr(5);
    size_t slash = lab_part.find('/');
    if (slash == std::string::npos) return Bad(404, "use labs/{lab_id}/start|stop|wipe");
    return FromStatus(c.LabActionAs(GetString(body, "username").value_or("student"),
                                    lab_part.substr(0, slash), lab_part.substr(slash + 1)));
  } else if (action == "reset") {
    c.Reset();
  } else {
    return Bad(404, "unknown controller action '" + action + "'");
  }
  return Ok();
}

}  // namespace ccm::cmlsim
