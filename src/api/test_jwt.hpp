#pragma once
// Test-only JWT minting: an RSA key with a kid, its JWKS, RS256-signed tokens, and the forged
// kinds a verifier must refuse (alg none, HS256 keyed with the public key). Header-only, for the
// api unit tests.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <string>

#include "auth/jwt.hpp"
#include "core/json.hpp"

namespace ccm::api::testing {

class TestKeys {
 public:
  TestKeys() : pkey_(EVP_RSA_gen(2048)) {}
  ~TestKeys() { EVP_PKEY_free(pkey_); }
  TestKeys(const TestKeys&) = delete;
  TestKeys& operator=(const TestKeys&) = delete;

  static constexpr char kKid[] = "test-key-1";

  std::string Jwks() const {
    Json key = {{"kty", "RSA"},
                {"use", "sig"},
                {"alg", "RS256"},
                {"kid", kKid},
                {"n", auth::Base64UrlEncode(Param(OSSL_PKEY_PARAM_RSA_N))},
                {"e", auth::Base64UrlEncode(Param(OSSL_PKEY_PARAM_RSA_E))}};
    return Json{{"keys", Json::array({key})}}.dump();
  }

  // RS256 with this key; `header` gets alg/kid/typ unless it sets them.
  std::string Sign(Json payload, Json header = Json::object()) const {
    if (!header.contains("alg")) header["alg"] = "RS256";
    if (!header.contains("kid")) header["kid"] = kKid;
    if (!header.contains("typ")) header["typ"] = "at+jwt";
    std::string input = Input(header, payload);
    return input + "." + auth::Base64UrlEncode(RsaSign(input));
  }

  std::string Unsigned(Json payload) const {
    return Input({{"alg", "none"}, {"typ", "JWT"}}, payload) + ".";
  }

  // The classic confusion attack: HS256 with the RSA public key (PEM) as the HMAC secret.
  std::string Hs256WithPublicKey(Json payload) const {
    std::string input = Input({{"alg", "HS256"}, {"kid", kKid}, {"typ", "JWT"}}, payload);
    std::string pem = PublicPem();
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), pem.data(), static_cast<int>(pem.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
    return input + "." + auth::Base64UrlEncode(std::string(reinterpret_cast<char*>(mac), len));
  }

 private:
  static std::string Input(const Json& header, const Json& payload) {
    return auth::Base64UrlEncode(header.dump()) + "." + auth::Base64UrlEncode(payload.dump());
  }

  std::string Param(const char* name) const {
    BIGNUM* bn = nullptr;
    EVP_PKEY_get_bn_param(pkey_, name, &bn);
    std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    BN_free(bn);
    return out;
  }

  std::string RsaSign(const std::string& input) const {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, pkey_);
    size_t len = 0;
    auto data = reinterpret_cast<const unsigned char*>(input.data());
    EVP_DigestSign(md, nullptr, &len, data, input.size());
    std::string sig(len, '\0');
    EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len, data, input.size());
    EVP_MD_CTX_free(md);
    sig.resize(len);
    return sig;
  }

  std::string PublicPem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, pkey_);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<size_t>(len));
    BIO_free(bio);
    return pem;
  }

  EVP_PKEY* pkey_;
};

}  // namespace ccm::api::testing
