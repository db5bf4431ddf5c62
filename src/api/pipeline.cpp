// The handler-pool half of every request: authenticate, check path ids, decide with the role
// matrix, decode the body, run the handler; then answer, count and log.
#include <cctype>

#include "api/server_impl.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"

namespace ccm::api {
namespace {

constexpr size_t kMaxLabId = 64;

bool IsLabId(const std::string& id) {
  if (id.empty() || id.size() > kMaxLabId) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// RFC 9457 instance: the request path as sent (still percent-encoded), without the query.
std::string Instance(const httpd::Request& request) {
  return request.target.substr(0, request.target.find('?'));
}

bool HasHeader(const httpd::HeaderList& headers, const std::string& name) {
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string want = lower(name);
  for (const auto& [k, v] : headers) {
    if (lower(k) == want) return true;
  }
  return false;
}

std::string RouteLabel(const Call& call) {
  if (call.route) return call.route->pattern;
  return "unmatched";
}

}  // namespace

tl::expected<void, Problem> ApiServer::Impl::CheckParams(const Call& call) const {
  for (const auto& [name, value] : call.params) {
    if (name == "lab_id") {
      if (!IsLabId(value)) {
        return Failed(BadRequest("lab_id", "1-64 letters, digits, '-' or '_'"));
      }
    } else if (!IsUuid(value)) {
      return Failed(BadRequest(name, "not a valid id (UUID)"));
    }
  }
  return {};
}

// Role matrix with visibility: a user who does not see the worker gets 404, even where the role
// would refuse too, so existence is never revealed.
tl::expected<void, Problem> ApiServer::Impl::Authorize(Call& call) {
  const RouteSpec& route = *call.route;
  bool sees = true;
  if (route.ownership == Ownership::kWorker && call.is_user()) {
    auto worker = deps.workers->Get(call.ctx, call.id());
    if (!worker) {
      if (worker.error().code == Code::kNotFound) {
        return Failed(NotFound("no worker with id " + call.id()));
      }
      return Failed(worker.error());
    }
    sees = SeesWorker(call.identity, *worker);
  }
  switch (Decide(route, &call.identity, sees)) {
    case Decision::kAllow:
      return {};
    case Decision::kHidden:
      return Failed(NotFound("no worker with id " + call.id()));
    case Decision::kUnauthenticated:
      return Failed(Unauthenticated("not authenticated", ""));
    case Decision::kForbidden:
      break;
  }
  return Failed(Forbidden("role '" + std::string(auth::RoleName(call.identity.role)) +
                          "' may not " + route.method + " " + route.pattern + " (needs " +
                          WhoMay(route) + ")"));
}

void ApiServer::Impl::Process(Call& call, SteadyTime start) {
  const RouteSpec& route = *call.route;
  if (route.min_role) {
    auto identity = authenticator->Authenticate(call.request);
    if (!identity) return Finish(call, Failed(identity.error()), start);
    call.identity = std::move(*identity);
  }
  if (auto ok = CheckParams(call); !ok) return Finish(call, Failed(ok.error()), start);
  call.ctx.actor = call.identity.subject;
  call.ctx.trace_id = call.trace.trace_id;
  call.ctx.visible_to = route.min_role && call.is_user() ? call.identity.subject : "";
  if (route.min_role) {
    if (auto ok = Authorize(call); !ok) return Finish(call, Failed(ok.error()), start);
  }
  if (route.body) {
    auto body = DecodeBody(call.request, *route.body);
    if (!body) return Finish(call, Failed(body.error()), start);
    call.body = std::move(*body);
  }
  Answer answer;
  try {
    answer = handlers->Handle(call);
  } catch (const std::exception& e) {
    log::Error("handler threw", {{"route", route.pattern}, {"error", e.what()}});
    answer = Failed(Internal());
  }
  Finish(call, std::move(answer), start);
}

void ApiServer::Impl::Fallback(Call& call, SteadyTime start) {
  std::optional<httpd::Response> response;
  try {
    response = deps.fallback(call.request);
  } catch (const std::exception& e) {
    log::Error("fallback handler threw", {{"error", e.what()}});
    return Finish(call, Failed(Internal()), start);
  }
  if (!response) return Finish(call, Failed(NotFound("no route for " + call.request.path)), start);
  Finish(call, std::move(*response), start);
}

void ApiServer::Impl::Finish(Call& call, Answer answer, SteadyTime start) {
  int status = 200;
  if (!answer || answer->status != 0) {
    httpd::Response response =
        answer ? std::move(*answer)
               : RenderProblem(answer.error(), Instance(call.request), call.trace.trace_id);
    // A handler's own header wins (e.g. the dashboard's Cache-Control for static files).
    for (auto& h : call.headers) {
      if (!HasHeader(response.headers, h.first)) response.headers.push_back(h);
    }
    status = response.status;
    call.responder.Send(std::move(response));
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string route = RouteLabel(call);
  requests.WithLabels({route, call.request.method, std::to_string(status)}).Inc();
  durations.WithLabels({route}).Observe(seconds);
  log::Info("http request",
            {{"method", call.request.method},
             {"route", route},
             {"path", call.request.path},
             {"status", std::to_string(status)},
             {"duration_ms", std::to_string(static_cast<int64_t>(seconds * 1000.0))},
             {"subject", call.identity.subject},
             {"remote", call.request.remote_address}});
}

}  // namespace ccm::api
