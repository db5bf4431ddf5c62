#include "domain/worker_json.hpp"

#include "core/json.hpp"

namespace ccm::domain {
namespace {

Json TimeOrNull(const std::optional<TimePoint>& t) {
  return t ? Json(FormatTime(*t)) : Json(nullptr);
}

// Field readers that remember the first problem, so a parse reads as a list of assignments.
class Reader {
 public:
  Reader(const Json& json, std::string prefix) : json_(json), prefix_(std::move(prefix)) {
    if (!json_.is_object()) Problem("", "must be a JSON object");
  }

  std::string String(const char* key) {
    const Json* v = Find(key);
    if (!v || v->is_null()) return "";
    if (!v->is_string()) return Problem(key, "must be a string"), "";
    return v->get<std::string>();
  }
  std::optional<TimePoint> Time(const char* key) {
    const Json* v = Find(key);
    if (!v || v->is_null()) return std::nullopt;
    std::optional<TimePoint> t = v->is_string() ? ParseTime(v->get<std::string>()) : std::nullopt;
    if (!t) Problem(key, "must be an RFC 3339 time or null");
    return t;
  }
  std::optional<int64_t> Int(const char* key) {
    const Json* v = Find(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_number_integer()) return Problem(key, "must be an integer"), std::nullopt;
    return v->get<int64_t>();
  }
  std::optional<double> Number(const char* key) {
    const Json* v = Find(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_number()) return Problem(key, "must be a number"), std::nullopt;
    return v->get<double>();
  }
  bool Bool(const char* key, bool fallback) {
    const Json* v = Find(key);
    if (!v || v->is_null()) return fallback;
    if (!v->is_boolean()) return Problem(key, "must be true or false"), fallback;
    return v->get<bool>();
  }
  template <typename E>
  E Enum(const char* key, std::optional<E> (*parse)(std::string_view), E fallback) {
    std::string text = String(key);
    if (text.empty()) return fallback;
    std::optional<E> value = parse(text);
    if (!value) Problem(key, "'" + text + "' is not a known value");
    return value.value_or(fallback);
  }
  const Json* Find(const char* key) {
    if (!json_.is_object()) return nullptr;
    auto it = json_.find(key);
    return it == json_.end() ? nullptr : &*it;
  }
  void Problem(std::string_view key, std::string reason) {
    if (error_) return;
    std::string field = prefix_;
    if (!key.empty()) field += (field.empty() ? "" : ".") + std::string(key);
    error_ = InvalidArgument(field.empty() ? "body" : field, std::move(reason)).value();
  }
  void Adopt(const Error& e) {
    if (!error_) error_ = e;
  }
  const std::optional<Error>& error() const { return error_; }
  const std::string& prefix() const { return prefix_; }

 private:
  const Json& json_;
  std::string prefix_;
  std::optional<Error> error_;
};

std::vector<std::string> Strings(Reader& in, const char* key) {
  std::vector<std::string> out;
  const Json* v = in.Find(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) return in.Problem(key, "must be an array of strings"), out;
  for (const auto& item : *v) {
    if (!item.is_string()) return in.Problem(key, "must be an array of strings"), out;
    out.push_back(item.get<std::string>());
  }
  return out;
}

void ReadNested(Reader& in, WorkerRecord& r) {
  if (const Json* t = in.Find("tags")) {
    auto tags = TagsFromJson(*t);
    tags ? void(r.tags = *tags) : in.Adopt(tags.error());
  }
  if (const Json* t = in.Find("telemetry"); t && !t->is_null()) {
    auto telemetry = TelemetryFromJson(*t);
    telemetry ? void(r.telemetry = *telemetry) : in.Adopt(telemetry.error());
  }
  if (const Json* p = in.Find("idle_policy"); p && !p->is_null()) {
    Reader policy(*p, "idle_policy");
    r.idle_policy.enabled = policy.Bool("enabled", true);
    r.idle_policy.keep_until = policy.Time("keep_until");
    if (policy.error()) in.Adopt(*policy.error());
  }
  if (const Json* c = in.Find("status_checks"); c && !c->is_null()) {
    Reader checks(*c, "status_checks");
    r.status_checks.instance =
        checks.Enum("instance", ParseCheckStatus, CheckStatus::kNotApplicable);
    r.status_checks.system = checks.Enum("system", ParseCheckStatus, CheckStatus::kNotApplicable);
    if (checks.error()) in.Adopt(*checks.error());
  }
  if (const Json* c = in.Find("last_command"); c && !c->is_null()) {
    Reader last(*c, "last_command");
    r.last_command = last.Enum("command", ParseWorkerCommand, WorkerCommand::kRefresh);
    r.last_command_at = last.Time("at");
    r.last_command_by = last.String("by");
    if (last.error()) in.Adopt(*last.error());
  }
}

}  // namespace

Json ToJson(const Tags& tags) {
  Json out = Json::object();
  for (const auto& [k, v] : tags) out[k] = v;
  return out;
}

Json ToJson(const Telemetry& t) {
  auto opt = [](const auto& v) { return v ? Json(*v) : Json(nullptr); };
  return Json{{"last_activity_at", TimeOrNull(t.last_activity_at)},
              {"last_activity_source", t.last_activity_source},
              {"active_labs_count", opt(t.active_labs_count)},
              {"running_nodes", opt(t.running_nodes)},
              {"cpu_utilization", opt(t.cpu_utilization)},
              {"memory_utilization", opt(t.memory_utilization)},
              {"updated_at", TimeOrNull(t.updated_at)}};
}

Json ToJson(const WorkerRecord& r) {
  Json last_command = nullptr;
  if (r.last_command) {
    last_command = {{"command", ToString(*r.last_command)},
                    {"at", TimeOrNull(r.last_command_at)},
                    {"by", r.last_command_by}};
  }
  return Json{
      {"id", r.id},
      {"name", r.name},
      {"region", r.region},
      {"account", r.account},
      {"aws_instance_id", r.aws_instance_id},
      {"instance_type", r.instance_type},
      {"ami_id", r.ami_id},
      {"ami_name", r.ami_name},
      {"cml_version", r.cml_version},
      {"status", ToString(r.status)},
      {"service_status", ToString(r.service_status)},
      {"service_status_since", TimeOrNull(r.service_status_since)},
      {"license_status", ToString(r.license_status)},
      {"https_endpoint", r.https_endpoint},
      {"public_ip", r.public_ip},
      {"private_ip", r.private_ip},
      {"tags", ToJson(r.tags)},
      {"owner", r.owner},
      {"assigned_users", r.assigned_users},
      {"telemetry", ToJson(r.telemetry)},
      {"idle_policy",
       {{"enabled", r.idle_policy.enabled}, {"keep_until", TimeOrNull(r.idle_policy.keep_until)}}},
      {"idle_warning_sent_for", TimeOrNull(r.idle_warning_sent_for)},
      {"status_checks",
       {{"instance", ToString(r.status_checks.instance)},
        {"system", ToString(r.status_checks.system)}}},
      {"monitoring", r.monitoring},
      {"client_token", r.client_token},
      {"launched_at", TimeOrNull(r.launched_at)},
      {"last_started_at", TimeOrNull(r.last_started_at)},
      {"last_command", last_command},
      {"created_at", FormatTime(r.created_at)},
      {"created_by", r.created_by},
      {"updated_at", FormatTime(r.updated_at)},
      {"terminated_at", TimeOrNull(r.terminated_at)},
      {"terminated_by", r.terminated_by},
      {"version", r.version},
  };
}

Result<Tags> TagsFromJson(const Json& json) {
  if (!json.is_object()) return InvalidArgument("tags", "must be an object of strings");
  Tags tags;
  for (const auto& [key, value] : json.items()) {
    if (!value.is_string()) return InvalidArgument("tags." + key, "must be a string");
    tags[key] = value.get<std::string>();
  }
  return tags;
}

Result<Telemetry> TelemetryFromJson(const Json& json) {
  Reader in(json, "telemetry");
  Telemetry t;
  t.last_activity_at = in.Time("last_activity_at");
  t.last_activity_source = in.String("last_activity_source");
  t.active_labs_count = in.Int("active_labs_count");
  t.running_nodes = in.Int("running_nodes");
  t.cpu_utilization = in.Number("cpu_utilization");
  t.memory_utilization = in.Number("memory_utilization");
  t.updated_at = in.Time("updated_at");
  if (in.error()) return Fail(*in.error());
  return t;
}

Result<WorkerRecord> WorkerRecordFromJson(const Json& json) {
  Reader in(json, "");
  WorkerRecord r;
  r.id = in.String("id");
  r.name = in.String("name");
  r.region = in.String("region");
  r.account = in.String("account");
  r.aws_instance_id = in.String("aws_instance_id");
  r.instance_type = in.String("instance_type");
  r.ami_id = in.String("ami_id");
  r.ami_name = in.String("ami_name");
  r.cml_version = in.String("cml_version");
  r.status = in.Enum("status", ParseWorkerStatus, WorkerStatus::kUnknown);
  r.service_status = in.Enum("service_status", ParseServiceStatus, ServiceStatus::kUnavailable);
  r.service_status_since = in.Time("service_status_since");
  r.license_status = in.Enum("license_status", ParseLicenseStatus, LicenseStatus::kUnregistered);
  r.https_endpoint = in.String("https_endpoint");
  r.public_ip = in.String("public_ip");
  r.private_ip = in.String("private_ip");
  r.owner = in.String("owner");
  r.assigned_users = Strings(in, "assigned_users");
  r.idle_warning_sent_for = in.Time("idle_warning_sent_for");
  r.monitoring = in.Bool("monitoring", false);
  r.client_token = in.String("client_token");
  r.launched_at = in.Time("launched_at");
  r.last_started_at = in.Time("last_started_at");
  r.created_at = in.Time("created_at").value_or(TimePoint{});
  r.created_by = in.String("created_by");
  r.updated_at = in.Time("updated_at").value_or(TimePoint{});
  r.terminated_at = in.Time("terminated_at");
  r.terminated_by = in.String("terminated_by");
  r.version = in.Int("version").value_or(0);
  ReadNested(in, r);
  if (in.error()) return Fail(*in.error());
  return r;
}

std::string TagsToText(const Tags& tags) { return ToJson(tags).dump(); }

Result<Tags> TagsFromText(std::string_view text) {
  auto json = ParseJson(text, "tags");
  if (!json) return Fail(json.error());
  return TagsFromJson(*json);
}

std::string TelemetryToText(const Telemetry& telemetry) { return ToJson(telemetry).dump(); }

Result<Telemetry> TelemetryFromText(std::string_view text) {
  auto json = ParseJson(text, "telemetry");
  if (!json) return Fail(json.error());
  return TelemetryFromJson(*json);
}

}  // namespace ccm::domain
