#pragma once
// JSON Web Tokens: decoding (RFC 7519 compact form) and RS256 signature verification with a
// public key given by its JWK modulus `n` and exponent `e` (OpenSSL 3). Only RS256 is accepted:
// `none`, HS* and every other alg are refused. Pure functions, thread-safe.
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace ccm::auth {

// base64url without padding (RFC 4648 §5); Decode returns kInvalidArgument on bad input.
std::string Base64UrlEncode(std::string_view bytes);
Result<std::string> Base64UrlDecode(std::string_view text);

struct DecodedJwt {
  std::string header_json;
  std::string payload_json;
  std::string signing_input;  // "<header>.<payload>" as sent
  std::string signature;      // raw bytes
  std::string alg;
  std::string kid;
  std::string typ;
};

// Splits and decodes; does not verify anything. Errors are kUnauthenticated ("malformed token").
Result<DecodedJwt> DecodeJwt(std::string_view token);

// Verifies an RS256 signature over signing_input with the RSA key (n, e base64url).
// kUnauthenticated when the signature does not match; kInvalidArgument for a bad key.
Status VerifyRs256(const DecodedJwt& jwt, std::string_view n_b64url, std::string_view e_b64url);

}  // namespace ccm::auth
