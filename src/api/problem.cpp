#include "api/problem.hpp"

#include "core/json.hpp"
#include "core/log.hpp"

namespace ccm::api {
namespace {

constexpr char kTypeBase[] = "https://ccm.dev/problems/";

struct Kind {
  const char* slug;
  const char* title;
};

// One problem type per HTTP status the API answers.
Kind KindFor(int status) {
  switch (status) {
    case 400:
      return {"validation", "Invalid request"};
    case 401:
      return {"unauthenticated", "Authentication required"};
    case 403:
      return {"forbidden", "Not allowed"};
    case 404:
      return {"not-found", "Not found"};
    case 405:
      return {"method-not-allowed", "Method not allowed"};
    case 409:
      return {"conflict", "Conflict"};
    case 413:
      return {"payload-too-large", "Request body too large"};
    case 415:
      return {"unsupported-media-type", "Unsupported media type"};
    case 422:
      return {"unprocessable", "Unprocessable request"};
    case 429:
      return {"resource-exhausted", "Resource exhausted"};
    case 503:
      return {"unavailable", "Service unavailable"};
    case 504:
      return {"timeout", "Upstream timeout"};
    default:
      return {"internal", "Internal error"};
  }
}

Problem Make(int status, std::string code, std::string detail) {
  Problem p;
  p.status = status;
  p.code = std::move(code);
  p.title = KindFor(status).title;
  p.detail = std::move(detail);
  return p;
}

}  // namespace

int HttpStatusFor(Code code) {
  switch (code) {
    case Code::kInvalidArgument:
    case Code::kOutOfRange:
      return 400;
    case Code::kUnauthenticated:
      return 401;
    case Code::kPermissionDenied:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kFailedPrecondition:
    case Code::kAborted:
    case Code::kAlreadyExists:
      return 409;
    case Code::kResourceExhausted:
      return 429;
    case Code::kUnavailable:
      return 503;
    case Code::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

Problem ProblemFromError(const Error& error) {
  int status = HttpStatusFor(error.code);
  if (status == 500) {
    // The cause may name internals (SQL, file paths): it goes to the log, not to the client.
    log::Error("internal error", {{"error", error.ToString()}});
    return Internal();
  }
  Problem p = Make(status, std::string(CodeName(error.code)), error.message);
  if (!error.provider_code.empty() && status != 400) p.detail += " (" + error.provider_code + ")";
  if (!error.field.empty()) {
    std::string reason = error.message;
    const std::string prefix = error.field + ": ";
    if (reason.rfind(prefix, 0) == 0) reason = reason.substr(prefix.size());
    p.errors.push_back({error.field, std::move(reason)});
  }
  if (status == 503) p.headers.emplace_back("Retry-After", "5");
  return p;
}

Problem BadRequest(std::string field, std::string reason) {
  Problem p = Make(400, "INVALID_ARGUMENT", field.empty() ? reason : field + ": " + reason);
  if (!field.empty()) p.errors.push_back({std::move(field), std::move(reason)});
  return p;
}

Problem NotFound(std::string detail) { return Make(404, "NOT_FOUND", std::move(detail)); }

Problem Forbidden(std::string detail) { return Make(403, "PERMISSION_DENIED", std::move(detail)); }

Problem Unauthenticated(std::string detail, std::string_view error) {
  Problem p = Make(401, "UNAUTHENTICATED", std::move(detail));
  std::string challenge = "Bearer realm=\"ccm\"";
  if (!error.empty()) challenge += ", error=\"" + std::string(error) + "\"";
  p.headers.emplace_back("WWW-Authenticate", std::move(challenge));
  return p;
}

Problem MethodNotAllowed(const std::vector<std::string>& allowed) {
  std::string list;
  for (const auto& m : allowed) list += (list.empty() ? "" : ", ") + m;
  Problem p = Make(405, "METHOD_NOT_ALLOWED", "allowed methods: " + list);
  p.headers.emplace_back("Allow", list);
  return p;
}

Problem UnsupportedMediaType(std::string detail) {
  return Make(415, "UNSUPPORTED_MEDIA_TYPE", std::move(detail));
}

Problem Unprocessable(std::string code, std::string detail) {
  return Make(422, std::move(code), std::move(detail));
}

Problem Conflict(std::string code, std::string detail) {
  return Make(409, std::move(code), std::move(detail));
}

Problem Overloaded(std::string detail) {
  Problem p = Make(503, "UNAVAILABLE", std::move(detail));
  p.headers.emplace_back("Retry-After", "1");
  return p;
}

Problem Internal() { return Make(500, "INTERNAL", "the server failed to handle the request"); }

httpd::Response RenderProblem(const Problem& problem, std::string_view instance,
                              std::string_view trace_id) {
  Json body = {{"type", std::string(kTypeBase) + KindFor(problem.status).slug},
               {"title", problem.title},
               {"status", problem.status},
               {"detail", log::Redact(problem.detail)},
               {"instance", std::string(instance)},
               {"code", problem.code}};
  if (!problem.errors.empty()) {
    Json errors = Json::array();
    for (const auto& e : problem.errors) {
      errors.push_back({{"field", e.field}, {"reason", log::Redact(e.reason)}});
    }
    body["errors"] = std::move(errors);
  }
  body["trace_id"] = std::string(trace_id);
  httpd::Response r;
  r.status = problem.status;
  r.headers = problem.headers;
  r.headers.emplace_back("Content-Type", kProblemContentType);
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

}  // namespace ccm::api
