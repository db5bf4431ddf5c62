#pragma once
// What a handler gets for one request (internal to src/api): the request, the matched route and
// its decoded path parameters, the caller, the trace, the use-case context, and the decoded body.
// A handler returns an Answer: the response, or a problem the pipeline renders. The event stream
// answers through the Responder itself and returns a response with status 0 ("already answered").
#include <map>
#include <string>
#include <tl/expected.hpp>

#include "api/problem.hpp"
#include "api/rbac.hpp"
#include "auth/identity.hpp"
#include "control/worker_service.hpp"
#include "core/json.hpp"
#include "core/trace.hpp"
#include "httpd/server.hpp"

namespace ccm::api {

using Answer = tl::expected<httpd::Response, Problem>;

struct Call {
  Call(httpd::Request req, httpd::Responder res)
      : request(std::move(req)), responder(std::move(res)) {}

  httpd::Request request;
  httpd::Responder responder;
  const RouteSpec* route = nullptr;
  std::map<std::string, std::string> params;
  auth::Identity identity;
  TraceContext trace;
  control::RequestContext ctx;
  Json body = Json::object();
  httpd::HeaderList headers;  // answer headers added by the pipeline (trace, CORS, security)

  const std::string& id() const { return params.at("id"); }
  bool is_user() const { return !identity.AtLeast(auth::Role::kOperator); }
};

inline Answer JsonAnswer(int status, const Json& body) {
  return httpd::Response{status,
                         {{"Content-Type", kJsonContentType}},
                         body.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

inline tl::unexpected<Problem> Failed(const Error& error) {
  return tl::unexpected(ProblemFromError(error));
}

inline tl::unexpected<Problem> Failed(Problem problem) {
  return tl::unexpected(std::move(problem));
}

}  // namespace ccm::api
