#include "cml/internal/parse.hpp"

#include "core/json.hpp"

namespace ccm::cml::internal {
namespace {

std::string Str(const Json& j, std::string_view key) { return GetString(j, key).value_or(""); }

int64_t Int(const Json& j, std::string_view key) {
  auto n = GetNumber(j, key);
  return n ? static_cast<int64_t>(*n) : 0;
}

double Num(const Json& j, std::string_view key) { return GetNumber(j, key).value_or(0); }

bool Bool(const Json& j, std::string_view key) { return GetBool(j, key).value_or(false); }

const Json& Child(const Json& j, std::string_view key) {
  static const Json kEmpty = Json::object();
  if (!j.is_object()) return kEmpty;
  auto it = j.find(key);
  return it == j.end() || !it->is_object() ? kEmpty : *it;
}

Result<Json> ParseShaped(std::string_view body, bool want_array) {
  auto json = ParseJson(body, "answer");
  if (!json) return Fail(Malformed(json.error().message));
  if (want_array ? !json->is_array() : !json->is_object()) {
    return Fail(Malformed(want_array ? "a JSON list was expected" : "a JSON object was expected"));
  }
  return json;
}

// The first string among `keys` in an event's data.
std::string FirstString(const Json& data, std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) {
    if (auto s = GetString(data, k)) return *s;
  }
  return "";
}

}  // namespace

Error Malformed(std::string reason) {
  return Error{Code::kInternal, "malformed answer: " + reason, "MalformedResponse", false, {}, {}};
}

Result<SystemInfo> ParseSystemInformation(std::string_view body) {
  auto json = ParseShaped(body, false);
  if (!json) return Fail(json.error());
  auto ready = GetBool(*json, "ready");
  if (!ready) return Fail(Malformed("system_information has no boolean \"ready\""));
  SystemInfo info;
  info.readiness = *ready ? Readiness::kReady : Readiness::kNotReady;
  info.version = Str(*json, "version");
  info.http_status = 200;
  return info;
}

Result<SystemHealth> ParseSystemHealth(std::string_view body) {
  auto json = ParseShaped(body, false);
  if (!json) return Fail(json.error());
  SystemHealth h;
  h.valid = Bool(*json, "valid");
  h.is_licensed = Bool(*json, "is_licensed");
  h.is_enterprise = Bool(*json, "is_enterprise");
  h.controller_valid = Bool(Child(*json, "controller"), "valid");
  for (const auto& [id, c] : Child(*json, "computes").items()) {
    if (!c.is_object()) continue;
    h.computes.push_back(ComputeHealth{id, Str(c, "hostname"), Bool(c, "is_controller"),
                                       Bool(c, "valid"), Str(c, "admission_state")});
  }
  return h;
}

Result<SystemStats> ParseSystemStats(std::string_view body) {
  auto json = ParseShaped(body, false);
  if (!json) return Fail(json.error());
  SystemStats s;
  const Json& all = Child(*json, "all");
  s.cpu_percent = Num(Child(all, "cpu"), "percent");
  s.cpu_count = Int(Child(all, "cpu"), "count");
  s.memory_used = Num(Child(all, "memory"), "used");
  s.memory_total = Num(Child(all, "memory"), "total");
  s.disk_used = Num(Child(all, "disk"), "used");
  s.disk_total = Num(Child(all, "disk"), "total");
  for (const auto& [id, c] : Child(*json, "computes").items()) {
    if (!c.is_object()) continue;
    const Json& st = Child(c, "stats");
    const Json& dom = Child(st, "dominfo");
    ComputeStats cs{id,
                    Str(c, "hostname"),
                    Bool(c, "is_controller"),
                    Int(Child(st, "cpu"), "count"),
                    Num(Child(st, "cpu"), "percent"),
                    Num(Child(st, "memory"), "used"),
                    Num(Child(st, "memory"), "total"),
                    Num(Child(st, "disk"), "used"),
                    Num(Child(st, "disk"), "total"),
                    Int(dom, "allocated_cpus"),
                    Int(dom, "allocated_memory"),
                    Int(dom, "running_nodes"),
                    Int(dom, "total_nodes")};
    s.allocated_cpus += cs.allocated_cpus;
    s.allocated_memory += cs.allocated_memory;
    s.running_nodes += cs.running_nodes;
    s.computes.push_back(std::move(cs));
  }
  return s;
}

Result<std::vector<std::string>> ParseLabIds(std::string_view body) {
  auto json = ParseShaped(body, true);
  if (!json) return Fail(json.error());
  std::vector<std::string> ids;
  for (const Json& id : *json) {
    if (!id.is_string()) return Fail(Malformed("lab list holds a non-string id"));
    ids.push_back(id.get<std::string>());
  }
  return ids;
}

Result<Lab> ParseLab(std::string_view body, std::string_view lab_id) {
  auto json = ParseShaped(body, false);
  if (!json) return Fail(json.error());
  Lab lab;
  lab.id = GetString(*json, "id").value_or(std::string(lab_id));
  lab.title = Str(*json, "lab_title");
  lab.owner = Str(*json, "owner");
  lab.owner_username = Str(*json, "owner_username");
  lab.state = Str(*json, "state");
  lab.node_count = Int(*json, "node_count");
  lab.link_count = Int(*json, "link_count");
  lab.created = Str(*json, "created");
  lab.modified = Str(*json, "modified");
  return lab;
}

Result<Licensing> ParseLicensing(std::string_view body) {
  auto json = ParseShaped(body, false);
  if (!json) return Fail(json.error());
  Licensing l;
  const Json& reg = Child(*json, "registration");
  const Json& auth = Child(*json, "authorization");
  const Json& product = Child(*json, "product_license");
  l.registration_status = Str(reg, "status");
  l.registration_expires = Str(reg, "expires");
  l.smart_account = Str(reg, "smart_account");
  l.virtual_account = Str(reg, "virtual_account");
  l.authorization_status = Str(auth, "status");
  l.authorization_expires = Str(auth, "expires");
  l.product_license = Str(product, "active");
  l.is_enterprise = Bool(product, "is_enterprise");
  auto features = json->find("features");
  if (features != json->end() && features->is_array()) {
    for (const Json& f : *features) {
      if (!f.is_object()) continue;
      l.features.push_back(
          LicenceFeature{Str(f, "id"), Str(f, "name"), Str(f, "status"), Int(f, "in_use")});
    }
  }
  return l;
}

Result<std::vector<TelemetryEvent>> ParseTelemetryEvents(std::string_view body) {
  auto json = ParseShaped(body, true);
  if (!json) return Fail(json.error());
  std::vector<TelemetryEvent> events;
  events.reserve(json->size());
  for (const Json& e : *json) {
    if (!e.is_object()) return Fail(Malformed("telemetry event is not an object"));
    TelemetryEvent ev;
    ev.category = Str(e, "category");
    ev.timestamp = Str(e, "timestamp");
    ev.time = ParseTime(ev.timestamp).value_or(TimePoint{});
    const Json& data = Child(e, "data");
    ev.user_id = FirstString(data, {"user_id", "user", "owner", "owner_id"});
    ev.username = FirstString(data, {"username", "user_name", "owner_username"});
    ev.lab_id = FirstString(data, {"lab_id", "lab"});
    ev.node_id = FirstString(data, {"node_id", "node"});
    ev.data = data.dump();
    events.push_back(std::move(ev));
  }
  return events;
}

Result<std::string> ParseJsonString(std::string_view body) {
  auto json = ParseJson(body, "answer");
  if (!json) return Fail(Malformed(json.error().message));
  if (!json->is_string()) return Fail(Malformed("a JSON string was expected"));
  return json->get<std::string>();
}

Result<std::string> ParseImportAnswer(std::string_view body) {
  auto json = ParseShaped(body, false);
  if (!json) return Fail(json.error());
  auto id = GetString(*json, "id");
  if (!id || id->empty()) return Fail(Malformed("import answer has no lab \"id\""));
  return *id;
}

std::string ErrorDescription(std::string_view body) {
  auto json = ParseJson(body, "error");
  if (!json || !json->is_object()) return "";
  return Str(*json, "description");
}

}  // namespace ccm::cml::internal
