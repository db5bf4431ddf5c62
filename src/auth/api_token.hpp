#pragma once
// API tokens for automation and the CLI. A token is "ccm_" + 43 base64url characters (32 random
// bytes). Only its SHA-256 (hex) is ever stored; the token itself is shown once at creation.
#include <string>
#include <string_view>

namespace ccm::auth {

std::string GenerateApiToken();
std::string HashApiToken(std::string_view token);
// Shape check only (prefix, length, alphabet): refuses junk before any store lookup.
bool LooksLikeApiToken(std::string_view token);

// Constant-time comparison of two equal-length strings (false when lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace ccm::auth
