// Authentication: API tokens (unknown, revoked, expired), the bootstrap admin token, OIDC access
// tokens (RS256 at+jwt accepted; expired, wrong audience, wrong issuer, alg none, HS256 keyed with
// the public key, unknown kid refused), token management, and auth disabled in development.
#include <gtest/gtest.h>

#include "api/api_test_fixture.hpp"

namespace ccm::api {
namespace {

using testing::ApiTest;
using testing::Reply;

class AuthTest : public ApiTest {
 protected:
  Json Claims() {
    double now = ToUnixSeconds(clock_.Now());
    return Json{{"iss", testing::kIssuer},
                {"aud", Json::array({"ccm", "account"})},
                {"sub", "u-123"},
                {"preferred_username", "erin"},
                {"exp", now + 300},
                {"iat", now},
                {"realm_access", {{"roles", Json::array({"operator", "offline_access"})}}}};
  }

  void ExpectInvalidToken(const std::string& token, const std::string& what) {
    Reply r = Get("/api/v1/me", token);
    EXPECT_EQ(r.status, 401) << what << ": " << r.body;
    EXPECT_EQ(r.Header("www-authenticate"), R"(Bearer realm="ccm", error="invalid_token")") << what;
    EXPECT_EQ(r.Header("content-type"), "application/problem+json") << what;
    EXPECT_EQ(r.body.find(token), std::string::npos) << what;
  }
};

TEST_F(AuthTest, NoTokenIs401WithABearerChallenge) {
  Reply r = Get("/api/v1/workers", "");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Header("www-authenticate"), R"(Bearer realm="ccm")");
  EXPECT_EQ(r.json()["code"], "UNAUTHENTICATED");
  r = Send("GET", "/api/v1/me", "", "", {{"Authorization", "Basic YWxpY2U6c2VjcmV0"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Header("www-authenticate"), R"(Bearer realm="ccm", error="invalid_request")");
}

TEST_F(AuthTest, ApiTokensActAsTheirSubjectAndRole) {
  Json me = Get("/api/v1/me", operator_).json();
  EXPECT_EQ(me["subject"], "olga");
  EXPECT_EQ(me["role"], "operator");
  EXPECT_EQ(me["method"], "token");
  me = Get("/api/v1/me", testing::kBootstrap).json();
  EXPECT_EQ(me["role"], "admin");
  EXPECT_EQ(me["method"], "bootstrap");
}

TEST_F(AuthTest, UnknownRevokedAndExpiredApiTokensAre401) {
  ExpectInvalidToken(auth::GenerateApiToken(), "unknown");
  ExpectInvalidToken("ccm_short", "malformed");
  std::string expired = MakeToken("old", "admin", "carol", clock_.Now() - std::chrono::seconds(1));
  ExpectInvalidToken(expired, "expired");
  std::string soon = MakeToken("soon", "admin", "carol", clock_.Now() + std::chrono::hours(1));
  EXPECT_EQ(Get("/api/v1/me", soon).status, 200);
  clock_.Advance(std::chrono::hours(2));
  ExpectInvalidToken(soon, "expired later");
}

TEST_F(AuthTest, TokenManagementShowsTheTokenOnceAndRevokes) {
  Reply created =
      Post("/api/v1/tokens", admin_, {{"name", "ci-bot"}, {"role", "operator"}, {"subject", "ci"}});
  ASSERT_EQ(created.status, 201) << created.body;
  Json t = created.json();
  std::string token = t["token"];
  EXPECT_EQ(token.rfind("ccm_", 0), 0u);
  EXPECT_EQ(created.Header("location"), "/api/v1/tokens/" + t["id"].get<std::string>());
  Json me = Get("/api/v1/me", token).json();
  EXPECT_EQ(me["subject"], "ci");
  EXPECT_EQ(me["role"], "operator");
  Reply list = Get("/api/v1/tokens", admin_);
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(token), std::string::npos);
  EXPECT_EQ(list.body.find(auth::HashApiToken(token)), std::string::npos);
  EXPECT_NE(list.body.find("ci-bot"), std::string::npos);
  EXPECT_EQ(Post("/api/v1/tokens", admin_, {{"name", "ci-bot"}, {"role", "user"}}).status, 409);
  EXPECT_EQ(Post("/api/v1/tokens", operator_, {{"name", "x"}, {"role", "admin"}}).status, 403);
  EXPECT_EQ(Send("DELETE", "/api/v1/tokens/" + t["id"].get<std::string>(), admin_).status, 204);
  ExpectInvalidToken(token, "revoked");
  Reply past = Post("/api/v1/tokens", admin_,
                    {{"name", "p"}, {"role", "user"}, {"expires_at", "2000-01-01T00:00:00Z"}});
  EXPECT_EQ(past.status, 400);
  EXPECT_EQ(past.json()["errors"][0]["field"], "expires_at");
}

TEST_F(AuthTest, OidcAccessTokensAreAcceptedWithTheirRoles) {
  Reply r = Get("/api/v1/me", jwks_.Sign(Claims()));
  ASSERT_EQ(r.status, 200) << r.body;
  Json me = r.json();
  EXPECT_EQ(me["subject"], "u-123");
  EXPECT_EQ(me["name"], "erin");
  EXPECT_EQ(me["role"], "operator");
  EXPECT_EQ(me["method"], "oidc");
  EXPECT_EQ(Get("/api/v1/me", jwks_.Sign(Claims(), {{"typ", "JWT"}})).status, 200);
  Json no_roles = Claims();
  no_roles.erase("realm_access");
  EXPECT_EQ(Get("/api/v1/me", jwks_.Sign(no_roles)).json()["role"], "user");
  EXPECT_EQ(Get("/api/v1/settings", jwks_.Sign(Claims())).status, 403);
}

TEST_F(AuthTest, BadOidcTokensAre401) {
  Json expired = Claims();
  expired["exp"] = ToUnixSeconds(clock_.Now()) - 3600;
  ExpectInvalidToken(jwks_.Sign(expired), "expired");
  Json not_yet = Claims();
  not_yet["nbf"] = ToUnixSeconds(clock_.Now()) + 3600;
  ExpectInvalidToken(jwks_.Sign(not_yet), "not yet valid");
  Json audience = Claims();
  audience["aud"] = "someone-else";
  ExpectInvalidToken(jwks_.Sign(audience), "wrong audience");
  Json issuer = Claims();
  issuer["iss"] = "https://evil.example.test";
  ExpectInvalidToken(jwks_.Sign(issuer), "wrong issuer");
  ExpectInvalidToken(jwks_.Unsigned(Claims()), "alg none");
  ExpectInvalidToken(jwks_.Hs256WithPublicKey(Claims()), "HS256 with the public key");
  ExpectInvalidToken(jwks_.Sign(Claims(), {{"kid", "unknown-kid"}}), "unknown kid");
  ExpectInvalidToken(jwks_.Sign(Claims(), {{"typ", "id+jwt"}}), "wrong typ");
  std::string good = jwks_.Sign(Claims());
  std::string tampered = good.substr(0, good.size() - 4) + (good.back() == 'A' ? "BBBB" : "AAAA");
  ExpectInvalidToken(tampered, "bad signature");
  ExpectInvalidToken("not.a.jwt", "garbage");
}

class AuthDisabledTest : public ApiTest {
 protected:
  void Configure(config::Settings& s, ApiServerOptions&) override {
    s.environment = "development";
    s.auth_disabled = true;
  }
};

TEST_F(AuthDisabledTest, EveryCallerIsTheDevelopmentAdminOnLoopback) {
  Reply r = Get("/api/v1/me", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["role"], "admin");
  EXPECT_EQ(r.json()["method"], "none");
  EXPECT_EQ(Get("/api/v1/settings", "").status, 200);
}

TEST_F(AuthDisabledTest, RefusesToListenBeyondLoopback) {
  ApiServerDeps deps;
  deps.settings = settings_;
  deps.store = store_.get();
  deps.workers = service_.get();
  deps.bus = bus_.get();
  deps.registry = &registry_;
  ApiServer other(std::move(deps));
  auto started = other.Start("0.0.0.0:0");
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, Code::kFailedPrecondition);
  settings_.environment = "production";
  ApiServerDeps prod;
  prod.settings = settings_;
  prod.store = store_.get();
  prod.workers = service_.get();
  prod.bus = bus_.get();
  prod.registry = &registry_;
  ApiServer production(std::move(prod));
  EXPECT_FALSE(production.Start("127.0.0.1:0").has_value());
}

}  // namespace
}  // namespace ccm::api
