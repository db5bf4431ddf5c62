#include "api/openapi.hpp"

#include <algorithm>

#include "api/bodies.hpp"
#include "api/openapi_schemas.hpp"
#include "core/json.hpp"

namespace ccm::api {
namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Json PathParameter(const std::string& name) {
  Json schema = {{"type", "string"}};
  std::string what = "lab id: letters, digits, '-' and '_'";
  if (name != "lab_id") {
    schema["format"] = "uuid";
    what = name == "id" ? "worker id" : "token id";
  }
  return {{"name", name},
          {"in", "path"},
          {"required", true},
          {"description", what},
          {"schema", schema}};
}

Json Parameters(const RouteSpec& r) {
  Json params = Json::array();
  size_t pos = 0;
  while ((pos = r.pattern.find('{', pos)) != std::string::npos) {
    size_t end = r.pattern.find('}', pos);
    params.push_back(PathParameter(r.pattern.substr(pos + 1, end - pos - 1)));
    pos = end;
  }
  for (const auto& q : r.query) {
    params.push_back({{"name", q.name},
                      {"in", "query"},
                      {"required", false},
                      {"description", q.description},
                      {"schema", {{"type", q.type}}}});
  }
  if (r.id == RouteId::kCreateWorker || r.id == RouteId::kImportWorkers) {
    params.push_back({{"name", "Idempotency-Key"},
                      {"in", "header"},
                      {"required", false},
                      {"description", "replays the first answer to a retried request"},
                      {"schema", {{"type", "string"}, {"maxLength", 255}}}});
  }
  if (r.id == RouteId::kEvents) {
    params.push_back({{"name", "Last-Event-ID"},
                      {"in", "header"},
                      {"required", false},
                      {"description", "resume after this event id"},
                      {"schema", {{"type", "integer"}}}});
  }
  return params;
}

Json SuccessContent(const RouteSpec& r, int status) {
  if (status == 204) return {{"description", "done"}};
  if (r.id == RouteId::kEvents) {
    return {{"description", "an event stream (id, event, data per event)"},
            {"content", {{"text/event-stream", {{"schema", {{"type", "string"}}}}}}}};
  }
  if (r.id == RouteId::kMetrics) {
    return {{"description", "Prometheus text format"},
            {"content", {{"text/plain", {{"schema", {{"type", "string"}}}}}}}};
  }
  Json schema = r.response.empty() ? Json{{"type", "object"}}
                                   : Json{{"$ref", "#/components/schemas/" + r.response}};
  return {{"description", "success"}, {"content", {{"application/json", {{"schema", schema}}}}}};
}

Json Operation(const RouteSpec& r) {
  Json op = {{"operationId", r.operation},
             {"summary", r.summary},
             {"tags", {r.tag}},
             {"x-ccm-roles", WhoMay(r)}};
  Json params = Parameters(r);
  if (!params.empty()) op["parameters"] = params;
  if (r.body) {
    op["requestBody"] = {
        {"required", r.body != &bodies::kEmpty},
        {"content",
         {{"application/json", {{"schema", {{"$ref", "#/components/schemas/" + r.body->name}}}}}}}};
  }
  Json responses = Json::object();
  for (int status : r.success) responses[std::to_string(status)] = SuccessContent(r, status);
  std::vector<int> problems = {400};
  if (r.min_role) problems.insert(problems.end(), {401, 403});
  if (r.pattern.find('{') != std::string::npos) problems.push_back(404);
  if (r.method != "GET" || r.id == RouteId::kConnect) problems.push_back(409);
  if (r.body && r.body != &bodies::kEmpty) problems.insert(problems.end(), {413, 415});
  if (r.id == RouteId::kCreateWorker || r.id == RouteId::kImportWorkers) problems.push_back(422);
  problems.push_back(503);
  for (int status : problems) {
    if (!responses.contains(std::to_string(status))) {
      responses[std::to_string(status)] = {{"$ref", "#/components/responses/Problem"}};
    }
  }
  op["responses"] = responses;
  if (!r.min_role) op["security"] = Json::array();
  return op;
}

}  // namespace

Json BuildOpenApi(const std::vector<RouteSpec>& routes) {
  Json schemas = AnswerSchemas();
  for (const BodySpec* b :
       {&bodies::kEmpty, &bodies::kCreateWorker, &bodies::kImportWorkers, &bodies::kStopWorker,
        &bodies::kReplaceTags, &bodies::kMergeTags, &bodies::kMonitoring, &bodies::kRegisterLicense,
        &bodies::kSetIdle, &bodies::kSetAccess, &bodies::kCreateToken}) {
    schemas[b->name] = BodySchema(*b);
  }
  Json paths = Json::object();
  for (const auto& r : routes) paths[r.pattern][Lower(r.method)] = Operation(r);
  Json problem = {
      {"description", "RFC 9457 problem details"},
      {"content",
       {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
  return Json{{"openapi", "3.1.0"},
              {"info",
               {{"title", "CML Cloud Manager API"},
                {"version", "1"},
                {"description", "Control plane for CML workers on AWS EC2. See docs/api.md."}}},
              {"servers", Json::array({{{"url", "/"}}})},
              {"security", Json::array({{{"bearer", Json::array()}}})},
              {"paths", paths},
              {"components",
               {{"securitySchemes",
                 {{"bearer",
                   {{"type", "http"},
                    {"scheme", "bearer"},
                    {"description", "an API token (ccm_...) or an OIDC access token"}}}}},
                {"schemas", schemas},
                {"responses", {{"Problem", problem}}}}}};
}

const std::string& OpenApiText() {
  static const std::string text = BuildOpenApi(RouteTable()).dump(2);
  return text;
}

}  // namespace ccm::api
