#include "config/validate.hpp"

#include "config/internal/problems.hpp"

namespace ccm::config {

std::vector<std::string> Validate(const Settings& s) {
  std::vector<std::string> out;
  internal::Problems p(&out);
  internal::ValidateAws(s, &p);
  internal::ValidateWorker(s, &p);
  internal::ValidateCml(s, &p);
  internal::ValidateServer(s, &p);
  internal::ValidateAuth(s, &p);
  internal::ValidateAutomation(s, &p);
  return out;
}

}  // namespace ccm::config
