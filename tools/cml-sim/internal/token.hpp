#pragma once
// JWT-shaped bearer tokens (HS256 over the controller's secret): header.payload.signature,
// base64url without padding, as CML's /authenticate returns. Not a general JWT library.
#include <optional>
#include <string>

namespace ccm::cmlsim::internal {

std::string Base64Url(const std::string& bytes);
// Signs payload_json with HMAC-SHA256 under secret.
std::string MakeToken(const std::string& secret, const std::string& payload_json);
// The payload JSON text when the signature matches, else nullopt.
std::optional<std::string> VerifyToken(const std::string& secret, const std::string& token);

}  // namespace ccm::cmlsim::internal
