#include "tools/cml-sim/internal/token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace ccm::cmlsim::internal {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::optional<std::string> FromBase64Url(const std::string& text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const char* p = std::char_traits<char>::find(kAlphabet, 64, c);
    if (p == nullptr) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string Sign(const std::string& secret, const std::string& input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return Base64Url(std::string(reinterpret_cast<char*>(mac), len));
}

}  // namespace

std::string Base64Url(const std::string& bytes) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

std::string MakeToken(const std::string& secret, const std::string& payload_json) {
  std::string signing_input =
      Base64Url(R"({"alg":"HS256","typ":"JWT"})") + "." + Base64Url(payload_json);
  return signing_input + "." + Sign(secret, signing_input);
}

std::optional<std::string> VerifyToken(const std::string& secret, const std::string& token) {
  size_t first = token.find('.');
  size_t last = token.rfind('.');
  if (first == std::string::npos || first == last) return std::nullopt;
  std::string expected = Sign(secret, token.substr(0, last));
  std::string given = token.substr(last + 1);
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), given.size()) != 0) {
    return std::nullopt;
  }
  return FromBase64Url(token.substr(first + 1, last - first - 1));
}

}  // namespace ccm::cmlsim::internal
