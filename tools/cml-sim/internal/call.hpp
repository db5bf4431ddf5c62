#pragma once
// Internals shared by the controller's .cpp files: the request being served and JSON helpers.
#include <map>
#include <string>

#include "core/json.hpp"
#include "tools/cml-sim/controller.hpp"

namespace ccm::cmlsim {

struct Controller::Call {
  const ApiCall& api;
  TimePoint now;
  std::map<std::string, std::string> params;  // path parameters ("lab_id" -> value)
  const User* user = nullptr;                 // authenticated caller (null for open routes)
};

namespace internal {

Answer JsonAnswer(int status, const Json& body);
Answer NoContent();
// "true"/"1" -> true; anything else false.
bool QueryFlag(const std::map<std::string, std::string>& query, const std::string& name);
// RFC 3339 with milliseconds, or null.
Json TimeOrNull(const std::optional<TimePoint>& t);

}  // namespace internal
}  // namespace ccm::cmlsim
