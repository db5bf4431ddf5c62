#include "auth/identity.hpp"

namespace ccm::auth {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kUser: return "user";
    case Role::kOperator: return "operator";
    case Role::kAdmin: return "admin";
  }
  return "user";
}

std::optional<Role> ParseRole(std::string_view text) {
  if (text == "user") return Role::kUser;
  if (text == "operator") return Role::kOperator;
  if (text == "admin") return Role::kAdmin;
  return std::nullopt;
}

std::optional<Role> HighestRole(const std::vector<std::string>& names) {
  std::optional<Role> best;
  for (const auto& n : names) {
    auto r = ParseRole(n);
    if (r && (!best || static_cast<int>(*r) > static_cast<int>(*best))) best = r;
  }
  return best;
}

}  // namespace ccm::auth
