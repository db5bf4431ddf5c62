#include "auth/jwt.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

#include "core/json.hpp"

namespace ccm::auth {
namespace {

Error Unauthenticated(std::string msg) {
  return Error{Code::kUnauthenticated, std::move(msg), {}, false, {}, {}};
}

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using BldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;

Result<PkeyPtr> RsaKeyFromJwk(std::string_view n_b64, std::string_view e_b64) {
  auto n = Base64UrlDecode(n_b64);
  auto e = Base64UrlDecode(e_b64);
  if (!n || !e || n->empty() || e->empty()) return InvalidArgument("jwk", "bad RSA n or e");
  BnPtr bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()),
                       static_cast<int>(n->size()), nullptr));
  BnPtr bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()),
                       static_cast<int>(e->size()), nullptr));
  BldPtr bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get())) {
    return InvalidArgument("jwk", "cannot build RSA key");
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  CtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    return InvalidArgument("jwk", "cannot build RSA key");
  }
  return PkeyPtr(raw);
}

}  // namespace

std::string Base64UrlEncode(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  while (i + 3 <= in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
    i += 3;
  }
  size_t rest = in.size() - i;
  if (rest > 0) {
    uint32_t v = uint8_t(in[i]) << 16;
    if (rest == 2) v |= uint8_t(in[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    if (rest == 2) out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

Result<std::string> Base64UrlDecode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-' || c == '+') return 62;
    if (c == '_' || c == '/') return 63;
    return -1;
  };
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return InvalidArgument("base64url", "bad length");
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0) return InvalidArgument("base64url", "bad character");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

Result<DecodedJwt> DecodeJwt(std::string_view token) {
  size_t d1 = token.find('.');
  size_t d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d1 == std::string_view::npos || d2 == std::string_view::npos ||
      token.find('.', d2 + 1) != std::string_view::npos) {
    return Fail(Unauthenticated("malformed token: not a JWS compact token"));
  }
  DecodedJwt jwt;
  auto header = Base64UrlDecode(token.substr(0, d1));
  auto payload = Base64UrlDecode(token.substr(d1 + 1, d2 - d1 - 1));
  auto sig = Base64UrlDecode(token.substr(d2 + 1));
  if (!header || !payload || !sig) return Fail(Unauthenticated("malformed token: bad base64url"));
  auto h = ParseJson(*header);
  auto p = ParseJson(*payload);
  if (!h || !h->is_object() || !p || !p->is_object()) {
    return Fail(Unauthenticated("malformed token: header or payload is not a JSON object"));
  }
  jwt.header_json = std::move(*header);
  jwt.payload_json = std::move(*payload);
  jwt.signing_input = std::string(token.substr(0, d2));
  jwt.signature = std::move(*sig);
  jwt.alg = GetString(*h, "alg").value_or("");
  jwt.kid = GetString(*h, "kid").value_or("");
  jwt.typ = GetString(*h, "typ").value_or("");
  return jwt;
}

Status VerifyRs256(const DecodedJwt& jwt, std::string_view n, std::string_view e) {
  if (jwt.alg != "RS256") return Fail(Unauthenticated("token algorithm '" + jwt.alg +
                                                      "' is not accepted (RS256 only)"));
  auto key = RsaKeyFromJwk(n, e);
  if (!key) return Fail(key.error());
  MdCtxPtr md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key->get()) <= 0) {
    return MakeError(Code::kInternal, "cannot initialise RS256 verification");
  }
  int rc = EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(jwt.signature.data()),
                            jwt.signature.size(),
                            reinterpret_cast<const unsigned char*>(jwt.signing_input.data()),
                            jwt.signing_input.size());
  if (rc != 1) return Fail(Unauthenticated("token signature does not verify"));
  return Ok();
}

}  // namespace ccm::auth
