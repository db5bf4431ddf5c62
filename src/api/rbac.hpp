#pragma once
// The route table: every route the server answers, with its minimum role and ownership rule.
// This is THE role matrix (docs/api.md, README): the router, the RBAC decision, /openapi.json
// and the README table are all derived from RouteTable(), and the RBAC test walks it.
//
// Ownership rules:
//  - kNone: not about one worker (settings, tokens, audit...): the role decides.
//  - kWorker: the path's {id} names a worker. A `user` must own it or be assigned to it; one
//    who does not gets 404 (existence is not revealed) even where the role would also refuse.
//  - kOwnItems: a collection (worker list, events): a `user` sees only their own workers' items.
// Pure data and functions; thread-safe.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/body.hpp"
#include "auth/identity.hpp"
#include "domain/worker.hpp"

namespace ccm::api {

enum class RouteId {
  kHealthz,
  kReadyz,
  kMetrics,
  kOpenApi,
  kListWorkers,
  kCreateWorker,
  kImportWorkers,
  kGetWorker,
  kDeleteWorker,
  kStartWorker,
  kStopWorker,
  kGetTags,
  kReplaceTags,
  kMergeTags,
  kRefresh,
  kMonitoring,
  kWorkerMetrics,
  kListLabs,
  kStartLab,
  kStopLab,
  kWipeLab,
  kGetLicense,
  kRegisterLicense,
  kReleaseLicense,
  kConnect,
  kGetIdle,
  kSetIdle,
  kSetAccess,
  kEvents,
  kAudit,
  kSettings,
  kMe,
  kListTokens,
  kCreateToken,
  kRevokeToken,
};

enum class Ownership { kNone, kWorker, kOwnItems };

struct QuerySpec {
  std::string name;
  std::string type;  // "string", "integer", "boolean"
  std::string description;
};

struct RouteSpec {
  RouteId id;
  std::string operation;  // OpenAPI operationId
  std::string method;
  std::string pattern;  // "/api/v1/workers/{id}/start": also the route's metrics label
  std::optional<auth::Role> min_role;  // nullopt: public, no credentials needed
  Ownership ownership = Ownership::kNone;
  std::vector<int> success;  // statuses of a successful answer, first = the usual one
  std::string summary;
  const BodySpec* body = nullptr;  // nullptr: no body accepted
  std::string response;            // component schema of the answer, "" = none
  std::vector<QuerySpec> query;
  std::string tag;  // OpenAPI tag
};

const std::vector<RouteSpec>& RouteTable();
const RouteSpec& Route(RouteId id);

enum class Decision { kAllow, kUnauthenticated, kForbidden, kHidden };

// `identity` null: no (valid) credentials. `sees_worker`: for kWorker routes, whether the caller
// owns or is assigned to the worker (only read for the user role).
Decision Decide(const RouteSpec& route, const auth::Identity* identity, bool sees_worker);

// Admins and operators see every worker; a user those they own or are assigned to.
bool SeesWorker(const auth::Identity& identity, const domain::WorkerRecord& worker);

// Who may call a route, for people: "public", "admin", "admin, operator",
// "admin, operator, user (own workers)", "all (user: own)".
std::string WhoMay(const RouteSpec& route);

// The README's route table (markdown), rendered from RouteTable().
std::string RenderRbacMarkdown();

}  // namespace ccm::api
