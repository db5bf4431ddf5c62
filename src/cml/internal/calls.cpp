#include "cml/internal/calls.hpp"

#include "cml/cml_client.hpp"
#include "cml/internal/parse.hpp"
#include "core/json.hpp"
#include "core/log.hpp"

namespace ccm::cml::internal {
namespace {

Call Make(std::string method, std::string path, std::string route, bool auth = true) {
  Call c;
  c.method = std::move(method);
  c.path = std::move(path);
  c.route = std::move(route);
  c.auth = auth;
  return c;
}

Call WithJson(Call c, const Json& body) {
  c.body = body.dump();
  c.content_type = "application/json";
  return c;
}

std::string LabPath(std::string_view lab_id) { return "/labs/" + http::PercentEncode(lab_id); }

}  // namespace

Call SystemInformationCall() {
  return Make("GET", "/system_information", "GET /system_information", false);
}
Call SystemHealthCall() { return Make("GET", "/system_health", "GET /system_health"); }
Call SystemStatsCall() { return Make("GET", "/system_stats", "GET /system_stats"); }

Call LabsCall() {
  Call c = Make("GET", "/labs", "GET /labs");
  c.query = "show_all=true";
  return c;
}

Call LabCall(std::string_view lab_id) { return Make("GET", LabPath(lab_id), "GET /labs/{id}"); }

Call LabActionCall(std::string_view lab_id, std::string_view action) {
  std::string a(action);
  return Make("PUT", LabPath(lab_id) + "/" + a, "PUT /labs/{id}/" + a);
}

Call DeleteLabCall(std::string_view lab_id) {
  return Make("DELETE", LabPath(lab_id), "DELETE /labs/{id}");
}

Call DownloadLabCall(std::string_view lab_id) {
  return Make("GET", LabPath(lab_id) + "/download", "GET /labs/{id}/download");
}

Call ImportCall(std::string_view title, std::string_view topology) {
  Call c = Make("POST", "/import", "POST /import");
  c.query = "title=" + http::PercentEncode(title);
  c.body = std::string(topology);
  // CML takes the topology as JSON or as the YAML it exports.
  size_t first = topology.find_first_not_of(" \t\r\n");
  bool json = first != std::string_view::npos && topology[first] == '{';
  c.content_type = json ? "application/json" : "application/yaml";
  return c;
}

Call LicensingCall() { return Make("GET", "/licensing", "GET /licensing"); }

Call RegistrationCall(std::string_view token, bool reregister) {
  return WithJson(Make("POST", "/licensing/registration", "POST /licensing/registration"),
                  Json{{"token", std::string(token)}, {"reregister", reregister}});
}

Call DeregistrationCall() {
  return Make("DELETE", "/licensing/deregistration", "DELETE /licensing/deregistration");
}

Call ProductLicenseCall(std::string_view product) {
  return WithJson(Make("PUT", "/licensing/product_license", "PUT /licensing/product_license"),
                  Json(std::string(product)));
}

Call TelemetryEventsCall() { return Make("GET", "/telemetry/events", "GET /telemetry/events"); }

Call LoginCall(const CmlTarget& target) {
  return WithJson(Make("POST", "/authenticate", "POST /authenticate", false),
                  Json{{"username", target.username}, {"password", target.password}});
}

Status ValidateLabId(std::string_view lab_id) {
  if (lab_id.empty() || lab_id.size() > 64) {
    return InvalidArgument("lab_id", "must be 1 to 64 characters");
  }
  for (char c : lab_id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return InvalidArgument("lab_id", "only letters, digits and '-' are allowed");
    }
  }
  return Ok();
}

http::Request BuildRequest(const CmlTarget& target, const Call& call, const std::string& token,
                           const CmlClientOptions& options) {
  http::Request r;
  r.method = call.method;
  r.url = target.ApiBase() + call.path + (call.query.empty() ? "" : "?" + call.query);
  r.headers.emplace_back("Accept", "application/json");
  if (!call.content_type.empty()) r.headers.emplace_back("Content-Type", call.content_type);
  if (call.auth) r.headers.emplace_back("Authorization", "Bearer " + token);
  r.body = call.body;
  r.connect_timeout = options.connect_timeout;
  r.timeout = options.timeout;
  r.max_response_bytes = options.max_response_bytes;
  r.tls = target.tls;
  return r;
}

Code CodeForStatus(long status) {
  switch (status) {
    case 400:
    case 422:
      return Code::kInvalidArgument;
    case 401:
      return Code::kUnauthenticated;
    case 403:
      return Code::kPermissionDenied;
    case 404:
      return Code::kNotFound;
    case 408:
    case 504:
      return Code::kDeadlineExceeded;
    case 409:
      return Code::kFailedPrecondition;
    case 429:
      return Code::kResourceExhausted;
    default:
      break;
  }
  if (status >= 500) return Code::kUnavailable;
  if (status >= 400) return Code::kFailedPrecondition;
  return Code::kUnknown;
}

bool RetryableStatus(long status) { return status >= 500 || status == 429 || status == 408; }

std::string Where(const CmlTarget& target, const Call& call) {
  return "worker " + target.worker_id + ": " + call.Name();
}

Error StatusError(const CmlTarget& target, const Call& call, long status, std::string_view body) {
  std::string description = ErrorDescription(body);
  std::string message = Where(target, call) + ": HTTP " + std::to_string(status);
  if (!description.empty()) message += ": " + description;
  return Error{CodeForStatus(status),
               log::Redact(message),
               "HTTP " + std::to_string(status),
               RetryableStatus(status),
               {},
               {}};
}

Error WrapError(const CmlTarget& target, const Call& call, Error error) {
  error.message = log::Redact(Where(target, call) + ": " + error.message);
  return error;
}

}  // namespace ccm::cml::internal
