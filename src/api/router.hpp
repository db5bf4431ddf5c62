#pragma once
// Matches a request's method and raw target against route patterns with {param} segments.
// The path is split on '/' BEFORE percent-decoding, so "%2F" inside a segment stays inside the
// parameter (an id of "..%2Fsettings" is one bad id, never another route). Literal segments win
// over parameters ("/workers/import" before "/workers/{id}"). HEAD matches GET routes.
// Immutable after construction; thread-safe.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/rbac.hpp"

namespace ccm::api {

struct RouteMatch {
  enum class Outcome { kMatched, kNotFound, kMethodNotAllowed };
  Outcome outcome = Outcome::kNotFound;
  const RouteSpec* route = nullptr;
  std::map<std::string, std::string> params;  // decoded
  std::vector<std::string> allowed;           // for kMethodNotAllowed (and OPTIONS)
};

class Router {
 public:
  explicit Router(const std::vector<RouteSpec>& routes);
  RouteMatch Match(std::string_view method, std::string_view target) const;
  // Every method served at a path (for OPTIONS and 405), sorted; empty when the path is unknown.
  std::vector<std::string> MethodsAt(std::string_view target) const;

 private:
  struct Compiled {
    const RouteSpec* route;
    std::vector<std::string> segments;  // "{name}" for a parameter
    int literals = 0;
  };
  static bool SplitTarget(std::string_view target, std::vector<std::string>* segments);
  static bool MatchSegments(const Compiled& c, const std::vector<std::string>& segments,
                            std::map<std::string, std::string>* params);
  std::vector<Compiled> routes_;
};

}  // namespace ccm::api
