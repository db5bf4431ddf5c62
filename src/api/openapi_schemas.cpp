#include "api/openapi_schemas.hpp"

#include "core/json.hpp"
#include "domain/events.hpp"
#include "domain/status.hpp"

namespace ccm::api {
namespace {

Json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
Json Str() { return {{"type", "string"}}; }
Json Int() { return {{"type", "integer"}}; }
Json Num() { return {{"type", "number"}}; }
Json Bool() { return {{"type", "boolean"}}; }
Json Time() { return {{"type", "string"}, {"format", "date-time"}}; }
Json OptTime() { return {{"type", Json::array({"string", "null"})}, {"format", "date-time"}}; }
Json OptNum() { return {{"type", Json::array({"number", "null"})}}; }
Json OptInt() { return {{"type", Json::array({"integer", "null"})}}; }
Json OptStr() { return {{"type", Json::array({"string", "null"})}}; }
Json StrMap() { return {{"type", "object"}, {"additionalProperties", Str()}}; }
Json Array(Json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
Json Object(Json props) {
  Json required = Json::array();
  for (const auto& [k, v] : props.items()) required.push_back(k);
  return {{"type", "object"}, {"properties", std::move(props)}, {"required", required}};
}

template <typename Values>
Json Enum(const Values& values) {
  Json e = Json::array();
  for (const auto& v : values) e.push_back(std::string(domain::ToString(v)));
  return {{"type", "string"}, {"enum", e}};
}

Json WorkerSchema() {
  return Object({{"id", Str()},
                 {"name", Str()},
                 {"region", Str()},
                 {"account", Str()},
                 {"aws_instance_id", Str()},
                 {"instance_type", Str()},
                 {"ami_id", Str()},
                 {"ami_name", Str()},
                 {"cml_version", Str()},
                 {"status", Enum(domain::kAllWorkerStatuses)},
                 {"service_status", Enum(domain::kAllServiceStatuses)},
                 {"service_status_since", OptTime()},
                 {"license_status", Enum(domain::kAllLicenseStatuses)},
                 {"https_endpoint", Str()},
                 {"public_ip", Str()},
                 {"private_ip", Str()},
                 {"tags", StrMap()},
                 {"owner", Str()},
                 {"assigned_users", Array(Str())},
                 {"telemetry", Object({{"last_activity_at", OptTime()},
                                       {"last_activity_source", Str()},
                                       {"active_labs_count", OptInt()},
                                       {"running_nodes", OptInt()},
                                       {"cpu_utilization", OptNum()},
                                       {"memory_utilization", OptNum()},
                                       {"updated_at", OptTime()}})},
                 {"idle_policy", Object({{"enabled", Bool()}, {"keep_until", OptTime()}})},
                 {"idle_warning_sent_for", OptTime()},
                 {"status_checks", Object({{"instance", Enum(domain::kAllCheckStatuses)},
                                           {"system", Enum(domain::kAllCheckStatuses)}})},
                 {"monitoring", Bool()},
                 {"launched_at", OptTime()},
                 {"last_started_at", OptTime()},
                 {"last_command", {{"type", Json::array({"object", "null"})}}},
                 {"created_at", Time()},
                 {"created_by", Str()},
                 {"updated_at", Time()},
                 {"terminated_at", OptTime()},
                 {"terminated_by", Str()},
                 {"version", Int()},
                 {"can_connect", Bool()}});
}

Json EventSchema() {
  Json types = Json::array();
  for (auto t : domain::AllEventTypes()) types.push_back(std::string(domain::ToString(t)));
  return Object({{"id", Int()},
                 {"type", {{"type", "string"}, {"enum", types}}},
                 {"worker_id", Str()},
                 {"worker_version", Int()},
                 {"actor", Str()},
                 {"occurred_at", Time()},
                 {"data", {{"type", "object"}}},
                 {"trace_id", Str()}});
}

Json Page(const std::string& item) {
  return Object({{"items", Array(Ref(item))}, {"next_cursor", OptStr()}, {"total", Int()}});
}

Json TokenSchema(bool with_secret) {
  Json props = {{"id", Str()},
                {"name", Str()},
                {"role", Str()},
                {"subject", Str()},
                {"created_at", Time()},
                {"expires_at", OptTime()},
                {"revoked_at", OptTime()}};
  if (with_secret) props["token"] = Str();
  return Object(props);
}

Json LicenseSchema() {
  return Object({{"status", Enum(domain::kAllLicenseStatuses)},
                 {"registration_status", Str()},
                 {"authorization_status", Str()},
                 {"product_license", Str()},
                 {"is_enterprise", Bool()},
                 {"registration_expires", Str()},
                 {"authorization_expires", Str()},
                 {"smart_account", Str()},
                 {"virtual_account", Str()},
                 {"features", Array({{"type", "object"}})}});
}

Json ProblemSchema() {
  Json p = Object({{"type", Str()},
                   {"title", Str()},
                   {"status", Int()},
                   {"detail", Str()},
                   {"instance", Str()},
                   {"code", Str()},
                   {"trace_id", Str()}});
  p["properties"]["errors"] = Array(Object({{"field", Str()}, {"reason", Str()}}));
  return p;
}

}  // namespace

Json AnswerSchemas() {
  Json s = Json::object();
  s["Worker"] = WorkerSchema();
  s["WorkerList"] = Page("Worker");
  s["ImportResult"] =
      Object({{"imported", Array(Ref("Worker"))},
              {"already_known", Array(Object({{"instance_id", Str()}, {"worker_id", Str()}}))}});
  s["Tags"] = Object({{"tags", StrMap()}});
  Json series = Object({{"name", Str()},
                        {"stat", Str()},
                        {"unit", Str()},
                        {"latest", OptNum()},
                        {"points", Array(Object({{"at", Time()}, {"value", Num()}}))}});
  s["WorkerMetrics"] = Object({{"worker_id", Str()},
                               {"instance_id", Str()},
                               {"start", Time()},
                               {"end", Time()},
                               {"period_seconds", Int()},
                               {"series", Array(series)}});
  s["Lab"] = Object({{"id", Str()},
                     {"title", Str()},
                     {"owner", Str()},
                     {"owner_username", Str()},
                     {"state", Str()},
                     {"node_count", Int()},
                     {"link_count", Int()},
                     {"created", Str()},
                     {"modified", Str()}});
  s["LabList"] = Object({{"items", Array(Ref("Lab"))}});
  s["License"] = LicenseSchema();
  s["LicenseRelease"] = Object({{"outcome", Str()}, {"license", Ref("License")}});
  s["Connect"] = Object({{"ready", Bool()},
                         {"stage", Str()},
                         {"url", OptStr()},
                         {"estimate_seconds", Int()},
                         {"started", Bool()},
                         {"worker", Ref("Worker")}});
  s["Idle"] = Object({{"enabled", Bool()},
                      {"keep_until", OptTime()},
                      {"auto_shutdown_enabled", Bool()},
                      {"running", Bool()},
                      {"idle", Bool()},
                      {"idle_since", OptTime()},
                      {"idle_seconds", Int()},
                      {"last_activity_at", OptTime()},
                      {"last_activity_source", Str()},
                      {"warn_at", OptTime()},
                      {"planned_stop_at", OptTime()},
                      {"warning_sent", Bool()},
                      {"action", Str()},
                      {"reasons", Array(Str())}});
  s["Event"] = EventSchema();
  s["EventPage"] = Page("Event");
  s["Settings"] = {{"type", "object"}, {"description", "every setting; secrets as ***"}};
  s["Me"] = Object({{"subject", Str()},
                    {"name", Str()},
                    {"email", Str()},
                    {"role", Str()},
                    {"roles", Array(Str())},
                    {"method", Str()}});
  s["Token"] = TokenSchema(false);
  s["TokenList"] = Object({{"items", Array(Ref("Token"))}});
  s["CreatedToken"] = TokenSchema(true);
  s["Health"] = {{"type", "object"},
                 {"properties", {{"status", Str()}, {"checks", StrMap()}}},
                 {"required", Json::array({"status"})}};
  s["Problem"] = ProblemSchema();
  return s;
}

}  // namespace ccm::api
