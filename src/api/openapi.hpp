#pragma once
// /openapi.json: an OpenAPI 3.1 document generated from the route table (paths, methods,
// parameters, roles, success statuses), the request body specs (bodies.hpp) and the answer
// schemas below, so it describes exactly the routes the router serves. Thread-safe.
#include <string>
#include <vector>

#include "api/rbac.hpp"
#include "core/json_fwd.hpp"

namespace ccm::api {

Json BuildOpenApi(const std::vector<RouteSpec>& routes);
// BuildOpenApi(RouteTable()) rendered once.
const std::string& OpenApiText();

}  // namespace ccm::api
