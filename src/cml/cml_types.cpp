#include "cml/cml_types.hpp"

namespace ccm::cml {

namespace {
std::string TrimSlashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}
}  // namespace

std::string CmlTarget::ApiBase() const {
  return api_base.empty() ? TrimSlashes(endpoint) + "/api/v0" : TrimSlashes(api_base);
}

std::string_view ReadinessName(Readiness r) {
  switch (r) {
    case Readiness::kReady:
      return "ready";
    case Readiness::kNotReady:
      return "not_ready";
    case Readiness::kStarting:
      return "starting";
  }
  return "unknown";
}

std::string_view DeregistrationName(Deregistration d) {
  switch (d) {
    case Deregistration::kDone:
      return "deregistered";
    case Deregistration::kDoneLocallyOnly:
      return "deregistered_locally_only";
    case Deregistration::kAlreadyDeregistered:
      return "already_deregistered";
  }
  return "unknown";
}

}  // namespace ccm::cml
