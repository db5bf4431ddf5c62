#include "api/rbac.hpp"

#include <algorithm>
#include <stdexcept>

#include "api/bodies.hpp"

namespace ccm::api {
namespace {

using auth::Role;
using O = Ownership;
using R = RouteId;
namespace b = bodies;

constexpr std::optional<Role> kPublic = std::nullopt;
constexpr Role kUser = Role::kUser;
constexpr Role kOperator = Role::kOperator;
constexpr Role kAdmin = Role::kAdmin;

const std::vector<QuerySpec> kListQuery = {
    {"region", "string", "only workers in this region"},
    {"status", "string", "only these statuses (comma list)"},
    {"owner", "string", "only workers this user owns or is assigned to"},
    {"include_terminated", "boolean", "also terminated workers (default false)"},
    {"limit", "integer", "page size, 1-500 (default 100)"},
    {"cursor", "string", "next_cursor of the previous page"}};

const std::vector<QuerySpec> kEventsQuery = {
    {"worker_id", "string", "only events of these workers (repeatable or comma list)"},
    {"type", "string", "only these event types (repeatable or comma list)"},
    {"last_event_id", "integer", "resume after this id (same as the Last-Event-ID header)"}};

const std::vector<QuerySpec> kAuditQuery = {
    {"worker_id", "string", "one worker's events"},
    {"actor", "string", "events by this actor"},
    {"type", "string", "only these event types (comma list)"},
    {"since", "string", "occurred at or after (RFC 3339)"},
    {"until", "string", "occurred before (RFC 3339)"},
    {"limit", "integer", "page size, 1-1000 (default 100)"},
    {"cursor", "string", "next_cursor of the previous page"}};

// One row: who may call it first (method, path, minimum role, ownership), then what it is.
RouteSpec Row(RouteId id, const char* method, const std::string& pattern,
              std::optional<Role> min_role, Ownership ownership, std::vector<int> success,
              const char* operation, const char* tag, const char* summary,
              const BodySpec* body = nullptr, const char* response = "",
              std::vector<QuerySpec> query = {}) {
  return RouteSpec{id,      operation, method, pattern,  min_role,         ownership,
                   success, summary,   body,   response, std::move(query), tag};
}

std::vector<RouteSpec> BuildTable() {
  const std::string w = "/api/v1/workers";
  const std::string wid = w + "/{id}";
  const std::string lab = wid + "/labs/{lab_id}";
  // clang-format off
  return {
    Row(R::kHealthz, "GET", "/healthz", kPublic, O::kNone, {200},
        "healthz", "operations", "Liveness", nullptr, "Health"),
    Row(R::kReadyz, "GET", "/readyz", kPublic, O::kNone, {200, 503},
        "readyz", "operations", "Readiness: store, settings, AWS identity", nullptr, "Health"),
    Row(R::kMetrics, "GET", "/metrics", kPublic, O::kNone, {200},
        "metrics", "operations", "Prometheus metrics"),
    Row(R::kOpenApi, "GET", "/openapi.json", kPublic, O::kNone, {200},
        "openapi", "operations", "This document"),
    Row(R::kListWorkers, "GET", w, kUser, O::kOwnItems, {200},
        "listWorkers", "workers", "List workers", nullptr, "WorkerList", kListQuery),
    Row(R::kCreateWorker, "POST", w, kAdmin, O::kNone, {202},
        "createWorker", "workers", "Create a worker (Idempotency-Key replays the first answer)",
        &b::kCreateWorker, "Worker"),
    Row(R::kImportWorkers, "POST", w + "/import", kAdmin, O::kNone, {200},
        "importWorkers", "workers", "Import existing instances", &b::kImportWorkers,
        "ImportResult"),
    Row(R::kGetWorker, "GET", wid, kUser, O::kWorker, {200},
        "getWorker", "workers", "One worker", nullptr, "Worker"),
    Row(R::kDeleteWorker, "DELETE", wid, kAdmin, O::kWorker, {202, 204},
        "deleteWorker", "workers",
        "Terminate (record kept); ?purge=true also deletes the record (204)", nullptr, "Worker",
        {{"purge", "boolean", "also delete the record"}}),
    Row(R::kStartWorker, "POST", wid + "/start", kUser, O::kWorker, {202},
        "startWorker", "workers", "Start", &b::kEmpty, "Worker"),
    Row(R::kStopWorker, "POST", wid + "/stop", kUser, O::kWorker, {202},
        "stopWorker", "workers", "Stop", &b::kStopWorker, "Worker"),
    Row(R::kGetTags, "GET", wid + "/tags", kUser, O::kWorker, {200},
        "getTags", "workers", "Tags", nullptr, "Tags"),
    Row(R::kReplaceTags, "PUT", wid + "/tags", kOperator, O::kWorker, {200},
        "replaceTags", "workers", "Replace the tags (AWS and record)", &b::kReplaceTags, "Tags"),
    Row(R::kMergeTags, "PATCH", wid + "/tags", kOperator, O::kWorker, {200},
        "mergeTags", "workers", "Merge tags (null deletes)", &b::kMergeTags, "Tags"),
    Row(R::kRefresh, "POST", wid + "/refresh", kUser, O::kWorker, {200},
        "refreshWorker", "workers", "Re-read EC2 and CML now", &b::kEmpty, "Worker"),
    Row(R::kMonitoring, "POST", wid + "/monitoring", kOperator, O::kWorker, {200},
        "setMonitoring", "workers", "Detailed monitoring on or off", &b::kMonitoring, "Worker"),
    Row(R::kWorkerMetrics, "GET", wid + "/metrics", kUser, O::kWorker, {200},
        "workerMetrics", "workers", "CloudWatch CPU and network series", nullptr,
        "WorkerMetrics"),
    Row(R::kListLabs, "GET", wid + "/labs", kUser, O::kWorker, {200},
        "listLabs", "labs", "Labs on the worker's CML", nullptr, "LabList"),
    Row(R::kStartLab, "POST", lab + "/start", kUser, O::kWorker, {204},
        "startLab", "labs", "Start a lab", &b::kEmpty),
    Row(R::kStopLab, "POST", lab + "/stop", kUser, O::kWorker, {204},
        "stopLab", "labs", "Stop a lab", &b::kEmpty),
    Row(R::kWipeLab, "POST", lab + "/wipe", kUser, O::kWorker, {204},
        "wipeLab", "labs", "Wipe a lab", &b::kEmpty),
    Row(R::kGetLicense, "GET", wid + "/license", kUser, O::kWorker, {200},
        "getLicense", "licence", "Licence status", nullptr, "License"),
    Row(R::kRegisterLicense, "POST", wid + "/license", kAdmin, O::kWorker, {200},
        "registerLicense", "licence", "Register the licence", &b::kRegisterLicense, "License"),
    Row(R::kReleaseLicense, "DELETE", wid + "/license", kAdmin, O::kWorker, {200},
        "releaseLicense", "licence", "Release the licence", nullptr, "LicenseRelease"),
    Row(R::kConnect, "GET", wid + "/connect", kUser, O::kWorker, {200},
        "connect", "workers", "Start if stopped (when allowed), then the link or the stage",
        nullptr, "Connect"),
    Row(R::kGetIdle, "GET", wid + "/idle", kUser, O::kWorker, {200},
        "getIdle", "idle", "Idle state and policy", nullptr, "Idle"),
    Row(R::kSetIdle, "PUT", wid + "/idle", kUser, O::kWorker, {200},
        "setIdle", "idle", "Set the idle policy", &b::kSetIdle, "Idle"),
    Row(R::kSetAccess, "PUT", wid + "/access", kAdmin, O::kWorker, {200},
        "setAccess", "workers", "Set owner and assigned users", &b::kSetAccess, "Worker"),
    Row(R::kEvents, "GET", "/api/v1/events", kUser, O::kOwnItems, {200},
        "events", "events", "Server-Sent Events (Last-Event-ID resumes)", nullptr, "",
        kEventsQuery),
    Row(R::kAudit, "GET", "/api/v1/audit", kOperator, O::kNone, {200},
        "audit", "events", "Paged event log", nullptr, "EventPage", kAuditQuery),
    Row(R::kSettings, "GET", "/api/v1/settings", kAdmin, O::kNone, {200},
        "settings", "admin", "Effective settings (secrets redacted)", nullptr, "Settings"),
    Row(R::kMe, "GET", "/api/v1/me", kUser, O::kNone, {200},
        "me", "admin", "The caller's identity", nullptr, "Me"),
    Row(R::kListTokens, "GET", "/api/v1/tokens", kAdmin, O::kNone, {200},
        "listTokens", "admin", "API tokens (never the token itself)", nullptr, "TokenList"),
    Row(R::kCreateToken, "POST", "/api/v1/tokens", kAdmin, O::kNone, {201},
        "createToken", "admin", "Create an API token (shown once)", &b::kCreateToken,
        "CreatedToken"),
    Row(R::kRevokeToken, "DELETE", "/api/v1/tokens/{token_id}", kAdmin, O::kNone, {204},
        "revokeToken", "admin", "Revoke an API token"),
  };
  // clang-format on
}

}  // namespace

const std::vector<RouteSpec>& RouteTable() {
  static const std::vector<RouteSpec> table = BuildTable();
  return table;
}

const RouteSpec& Route(RouteId id) {
  for (const auto& r : RouteTable()) {
    if (r.id == id) return r;
  }
  throw std::logic_error("route missing from the table");
}

bool SeesWorker(const auth::Identity& identity, const domain::WorkerRecord& worker) {
  if (identity.AtLeast(Role::kOperator)) return true;
  if (!identity.subject.empty() && worker.owner == identity.subject) return true;
  return std::find(worker.assigned_users.begin(), worker.assigned_users.end(), identity.subject) !=
         worker.assigned_users.end();
}

Decision Decide(const RouteSpec& route, const auth::Identity* identity, bool sees_worker) {
  if (!route.min_role) return Decision::kAllow;
  if (!identity) return Decision::kUnauthenticated;
  bool is_user = !identity->AtLeast(Role::kOperator);
  if (route.ownership == Ownership::kWorker && is_user && !sees_worker) return Decision::kHidden;
  if (!identity->AtLeast(*route.min_role)) return Decision::kForbidden;
  return Decision::kAllow;
}

std::string WhoMay(const RouteSpec& route) {
  if (!route.min_role) return "public";
  switch (*route.min_role) {
    case Role::kAdmin:
      return "admin";
    case Role::kOperator:
      return "admin, operator";
    case Role::kUser:
      if (route.ownership == Ownership::kWorker) return "admin, operator, user (own)";
      if (route.ownership == Ownership::kOwnItems) return "admin, operator, user (own workers)";
      return "admin, operator, user";
  }
  return "admin";
}

std::string RenderRbacMarkdown() {
  std::string out = "| method | path | what | who |\n| --- | --- | --- | --- |\n";
  for (const auto& r : RouteTable()) {
    out += "| " + r.method + " | `" + r.pattern + "` | " + r.summary + " | " + WhoMay(r) + " |\n";
  }
  return out;
}

}  // namespace ccm::api
