#pragma once
// RFC 9457 problem details: every error the API answers is one of these, rendered as
// application/problem+json with type, title, status, detail, instance, code, trace_id and, for
// validation errors, errors: [{field, reason}].
//
// The code -> status map (docs/api.md): INVALID_ARGUMENT 400, UNAUTHENTICATED 401,
// PERMISSION_DENIED 403, NOT_FOUND 404, FAILED_PRECONDITION / ABORTED / ALREADY_EXISTS 409,
// RESOURCE_EXHAUSTED 429, UNAVAILABLE 503 (+ Retry-After), DEADLINE_EXCEEDED 504, others 500.
// Details pass through log::Redact, so a registered secret never reaches a client; internal
// errors answer a generic detail (the real one goes to the log). Pure functions, thread-safe.
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "httpd/server.hpp"

namespace ccm::api {

struct FieldError {
  std::string field;
  std::string reason;
};

struct Problem {
  int status = 500;
  std::string code;   // "INVALID_ARGUMENT", "METHOD_NOT_ALLOWED", ...
  std::string title;  // short, the same for every problem of this kind
  std::string detail;
  std::vector<FieldError> errors;
  httpd::HeaderList headers;  // extra headers: Allow, Retry-After, WWW-Authenticate
};

// The HTTP status for a canonical error code.
int HttpStatusFor(Code code);

// The problem for an error from a lower layer (validation errors get their field listed).
Problem ProblemFromError(const Error& error);

// Problems the API raises itself.
Problem BadRequest(std::string field, std::string reason);
Problem NotFound(std::string detail);
Problem Forbidden(std::string detail);
// `error` is the RFC 6750 error code ("invalid_token"), empty when no credentials were sent.
Problem Unauthenticated(std::string detail, std::string_view error);
Problem MethodNotAllowed(const std::vector<std::string>& allowed);
Problem UnsupportedMediaType(std::string detail);
Problem Unprocessable(std::string code, std::string detail);
Problem Conflict(std::string code, std::string detail);
Problem Overloaded(std::string detail);
Problem Internal();

// The problem as a complete answer. `instance` is the request path, `trace_id` the request's.
httpd::Response RenderProblem(const Problem& problem, std::string_view instance,
                              std::string_view trace_id);

inline constexpr char kProblemContentType[] = "application/problem+json";
inline constexpr char kJsonContentType[] = "application/json; charset=utf-8";

}  // namespace ccm::api
