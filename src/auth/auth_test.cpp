#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "auth/api_token.hpp"
#include "auth/jwt.hpp"
#include "auth/oidc_verifier.hpp"
#include "core/json.hpp"

namespace ccm::auth {
namespace {

constexpr char kIssuer[] = "https://idp.example.test/realms/labs";

struct RsaKey {
  EVP_PKEY* pkey = nullptr;
  std::string n, e;
  RsaKey() {
    pkey = EVP_RSA_gen(2048);
    BIGNUM* bn_n = nullptr;
    BIGNUM* bn_e = nullptr;
    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &bn_n);
    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &bn_e);
    n = Base64UrlEncode(Bytes(bn_n));
    e = Base64UrlEncode(Bytes(bn_e));
    BN_free(bn_n);
    BN_free(bn_e);
  }
  ~RsaKey() { EVP_PKEY_free(pkey); }
  static std::string Bytes(const BIGNUM* bn) {
    std::string out(BN_num_bytes(bn), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    return out;
  }
  std::string Sign(const std::string& input) const {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, pkey);
    size_t len = 0;
    EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string sig(len, '\0');
    EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    EVP_MD_CTX_free(md);
    sig.resize(len);
    return sig;
  }
  std::string PublicPem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, pkey);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string pem(data, len);
    BIO_free(bio);
    return pem;
  }
};

const RsaKey& Key() {
  static RsaKey key;
  return key;
}

std::string MakeToken(Json header, Json payload, const RsaKey& key = Key()) {
  std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload.dump());
  return input + "." + Base64UrlEncode(key.Sign(input));
}

class OidcTest : public ::testing::Test {
 protected:
  ManualClock clock_{FromUnixSeconds(1'800'000'000)};
  int fetches_ = 0;
  OidcVerifier MakeVerifier(std::string roles_claim = "realm_access.roles") {
    OidcOptions o;
    o.issuer = kIssuer;
    o.audience = "ccm";
    o.roles_claim = std::move(roles_claim);
    return OidcVerifier(o, clock_, [this](const std::string& url) -> Result<std::string> {
      ++fetches_;
      if (url == std::string(kIssuer) + "/.well-known/openid-configuration") {
        return Json{{"issuer", kIssuer}, {"jwks_uri", "https://idp.example.test/jwks"}}.dump();
      }
      Json jwks = {{"keys", Json::array({{{"kty", "RSA"}, {"kid", "k1"}, {"use", "sig"},
                                          {"n", Key().n}, {"e", Key().e}}})}};
      return jwks.dump();
    });
  }
  Json Claims() {
    double now = ToUnixSeconds(clock_.Now());
    return {{"iss", kIssuer}, {"aud", Json::array({"ccm", "other"})}, {"sub", "u-123"},
            {"preferred_username", "alice"}, {"exp", now + 300}, {"iat", now},
            {"realm_access", {{"roles", Json::array({"operator", "offline_access"})}}}};
  }
  Json Header(std::string typ = "at+jwt") {
    return {{"alg", "RS256"}, {"kid", "k1"}, {"typ", typ}};
  }
};

TEST_F(OidcTest, AcceptsValidAtJwtAndJwtTokens) {
  auto v = MakeVerifier();
  auto id = v.Verify(MakeToken(Header("at+jwt"), Claims()));
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(id->subject, "u-123");
  EXPECT_EQ(id->name, "alice");
  EXPECT_EQ(id->role, Role::kOperator);
  EXPECT_TRUE(v.Verify(MakeToken(Header("JWT"), Claims())));
  EXPECT_EQ(fetches_, 2);  // discovery + JWKS, once
}

TEST_F(OidcTest, RefusesBadClaims) {
  auto v = MakeVerifier();
  Json expired = Claims();
  expired["exp"] = ToUnixSeconds(clock_.Now()) - 120;
  Json wrong_aud = Claims();
  wrong_aud["aud"] = "someone-else";
  Json wrong_iss = Claims();
  wrong_iss["iss"] = "https://evil.example.test";
  Json future = Claims();
  future["nbf"] = ToUnixSeconds(clock_.Now()) + 600;
  Json no_exp = Claims();
  no_exp.erase("exp");
  for (const auto& [claims, reason] : std::vector<std::pair<Json, std::string>>{
           {expired, "expired"}, {wrong_aud, "audience"}, {wrong_iss, "issuer"},
           {future, "not valid yet"}, {no_exp, "no expiry"}}) {
    auto r = v.Verify(MakeToken(Header(), claims));
    ASSERT_FALSE(r) << reason;
    EXPECT_EQ(r.error().code, Code::kUnauthenticated);
    EXPECT_NE(r.error().message.find(reason), std::string::npos) << r.error().message;
  }
}

TEST_F(OidcTest, LeewayAppliesToExpiry) {
  auto v = MakeVerifier();
  Json c = Claims();
  c["exp"] = ToUnixSeconds(clock_.Now()) - 30;  // within the 60 s leeway
  EXPECT_TRUE(v.Verify(MakeToken(Header(), c)));
}

TEST_F(OidcTest, RefusesAlgNoneAndHs256WithThePublicKey) {
  auto v = MakeVerifier();
  std::string input = Base64UrlEncode(Json{{"alg", "none"}, {"kid", "k1"}}.dump()) + "." +
                      Base64UrlEncode(Claims().dump());
  EXPECT_FALSE(v.Verify(input + "."));
  // The classic key-confusion attack: HS256 keyed with the RSA public key.
  std::string hs_input = Base64UrlEncode(Json{{"alg", "HS256"}, {"kid", "k1"}}.dump()) + "." +
                         Base64UrlEncode(Claims().dump());
  std::string pem = Key().PublicPem();
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), pem.data(), static_cast<int>(pem.size()),
       reinterpret_cast<const unsigned char*>(hs_input.data()), hs_input.size(), mac, &len);
  auto r = v.Verify(hs_input + "." +
                    Base64UrlEncode(std::string(reinterpret_cast<char*>(mac), len)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Code::kUnauthenticated);
}

TEST_F(OidcTest, UnknownKidRefetchesAtMostOncePerInterval) {
  auto v = MakeVerifier();
  ASSERT_TRUE(v.Verify(MakeToken(Header(), Claims())));
  int before = fetches_;
  Json h = Header();
  h["kid"] = "rotated";
  EXPECT_FALSE(v.Verify(MakeToken(h, Claims())));
  EXPECT_FALSE(v.Verify(MakeToken(h, Claims())));
  EXPECT_EQ(fetches_ - before, 0);  // fetched a moment ago: no refetch yet
  clock_.Advance(std::chrono::seconds(31));
  EXPECT_FALSE(v.Verify(MakeToken(h, Claims())));
  EXPECT_FALSE(v.Verify(MakeToken(h, Claims())));
  EXPECT_EQ(fetches_ - before, 1);  // one JWKS refetch per interval, however many tokens
}

TEST_F(OidcTest, RefusesTokenSignedByAnotherKey) {
  auto v = MakeVerifier();
  RsaKey other;
  auto r = v.Verify(MakeToken(Header(), Claims(), other));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("signature"), std::string::npos);
}

TEST_F(OidcTest, RolesFromPlainClaimAndDefaultUser) {
  auto v = MakeVerifier("roles");
  Json c = Claims();
  c["roles"] = "admin user";
  auto id = v.Verify(MakeToken(Header(), c));
  ASSERT_TRUE(id);
  EXPECT_EQ(id->role, Role::kAdmin);
  c.erase("roles");
  id = v.Verify(MakeToken(Header(), c));
  ASSERT_TRUE(id);
  EXPECT_EQ(id->role, Role::kUser);
}

TEST(Jwt, MalformedTokensAreUnauthenticated) {
  for (const char* t : {"", "abc", "a.b", "a.b.c.d", "!!!.???.***"}) {
    auto r = DecodeJwt(t);
    ASSERT_FALSE(r) << t;
    EXPECT_EQ(r.error().code, Code::kUnauthenticated);
  }
}

TEST(Base64Url, RoundTrips) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00"}) {
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(s)).value(), s);
  }
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
}

TEST(ApiToken, GeneratesHashesAndChecksShape) {
  std::string t = GenerateApiToken();
  EXPECT_TRUE(LooksLikeApiToken(t)) << t;
  EXPECT_NE(GenerateApiToken(), t);
  EXPECT_EQ(HashApiToken("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_FALSE(LooksLikeApiToken("ccm_' OR 1=1 --"));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
}

}  // namespace
}  // namespace ccm::auth
