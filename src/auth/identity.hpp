#pragma once
// Who is calling, and what they may do. Roles are ordered: user < operator < admin.
// The route x role matrix itself lives in the API layer (src/api/rbac); this is the vocabulary.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccm::auth {

enum class Role { kUser = 0, kOperator = 1, kAdmin = 2 };

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view text);

struct Identity {
  std::string subject;   // stable id: OIDC `sub`, or "token:<name>" for API tokens
  std::string name;      // for people: preferred_username / name / email
  std::string email;
  Role role = Role::kUser;          // the highest role held
  std::vector<std::string> roles;   // every recognised role name held
  std::string method;               // "oidc", "token", "session", "none"

  bool AtLeast(Role r) const { return static_cast<int>(role) >= static_cast<int>(r); }
};

// The highest recognised role among names (unknown names ignored); nullopt when none.
std::optional<Role> HighestRole(const std::vector<std::string>& names);

}  // namespace ccm::auth
