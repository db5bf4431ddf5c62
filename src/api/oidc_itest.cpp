// OIDC against a real provider: npm oidc-provider 9.13 (testdata/oidc_provider.mjs) issues RS256
// `at+jwt` access tokens; the server verifies them through discovery and the provider's JWKS.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "api/api_test_fixture.hpp"
#include "tests/support/process.hpp"

namespace ccm::api {
namespace {

using testing::Reply;

constexpr char kResource[] = "urn:ccm:api";

class OidcProviderTest : public testing::ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    const char* root = std::getenv("CCM_SOURCE_DIR");
    ASSERT_NE(root, nullptr) << "CCM_SOURCE_DIR is not set";
    std::string modules = std::string(root) + "/tests/node/node_modules";
    ASSERT_EQ(access((modules + "/oidc-provider/lib/index.js").c_str(), R_OK), 0)
        << "npm oidc-provider is required (run scripts/setup --test)";
    std::string node = ccm::testing::FindProgram("node");
    ASSERT_FALSE(node.empty()) << "node is required for the OIDC provider";
    int port = ccm::testing::FreePort();
    issuer_ = "http://127.0.0.1:" + std::to_string(port);
    log_ = ccm::testing::MakeTempDir("oidc") + "/provider.log";
    provider_ =
        ccm::testing::ChildProcess({node, std::string(root) + "/src/api/testdata/oidc_provider.mjs",
                                    std::to_string(port), modules},
                                   {}, log_);
    ASSERT_TRUE(ccm::testing::WaitForPort(port, std::chrono::seconds(30)))
        << "the OIDC provider did not start; log: " << log_;
    auth::OidcOptions options;
    options.issuer = issuer_;
    options.audience = kResource;
    options.roles_claim = "realm_access.roles";
    verifier_ =
        std::make_unique<auth::OidcVerifier>(options, SystemClock::Instance(), auth::HttpFetcher());
    ApiServerDeps deps;
    deps.settings = settings_;
    deps.store = store_.get();
    deps.workers = service_.get();
    deps.bus = bus_.get();
    deps.oidc = verifier_.get();
    deps.registry = &registry_;
    oidc_server_ = std::make_unique<ApiServer>(std::move(deps));
    auto started = oidc_server_->Start("127.0.0.1:0");
    ASSERT_TRUE(started.has_value()) << started.error().ToString();
    oidc_port_ = *started;
  }

  void TearDown() override {
    if (oidc_server_) oidc_server_->Stop();
    provider_.Stop();
    ApiTest::TearDown();
  }

  // client_credentials at the provider's token endpoint: the access token.
  std::string Token(const std::string& client, const std::string& resource = kResource) {
    http::Request req;
    req.method = "POST";
    req.url = issuer_ + "/token";
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    req.body = "grant_type=client_credentials&scope=api&client_id=" + client +
               "&client_secret=" + client + "-secret&resource=" + http::PercentEncode(resource);
    auto res = http::Perform(req);
    EXPECT_TRUE(res.has_value());
    if (!res) return "";
    EXPECT_EQ(res->status, 200) << res->body << " (log: " << log_ << ")";
    auto body = ParseJson(res->body);
    EXPECT_TRUE(body.has_value());
    return body ? GetString(*body, "access_token").value_or("") : "";
  }

  Reply Me(const std::string& token) {
    http::Request req;
    req.url = "http://127.0.0.1:" + std::to_string(oidc_port_) + "/api/v1/me";
    req.headers = {{"Authorization", "Bearer " + token}};
    auto res = http::Perform(req);
    EXPECT_TRUE(res.has_value());
    return res ? Reply{res->status, res->headers, res->body} : Reply{};
  }

  std::string issuer_, log_;
  ccm::testing::ChildProcess provider_;
  std::unique_ptr<auth::OidcVerifier> verifier_;
  std::unique_ptr<ApiServer> oidc_server_;
  int oidc_port_ = 0;
};

TEST_F(OidcProviderTest, AtJwtAccessTokensFromARealProviderAreAccepted) {
  std::string token = Token("ccm-operator");
  ASSERT_FALSE(token.empty());
  auto jwt = auth::DecodeJwt(token);
  ASSERT_TRUE(jwt.has_value());
  EXPECT_EQ(jwt->typ, "at+jwt");
  EXPECT_EQ(jwt->alg, "RS256");
  Reply me = Me(token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["role"], "operator");
  EXPECT_EQ(me.json()["method"], "oidc");
  EXPECT_EQ(me.json()["subject"], "ccm-operator");
  EXPECT_EQ(Me(Token("ccm-admin")).json()["role"], "admin");
  EXPECT_EQ(Me(Token("ccm-user")).json()["role"], "user");
}

TEST_F(OidcProviderTest, TokensForAnotherAudienceOrTamperedAreRefused) {
  Reply other = Me(Token("ccm-admin", "urn:other:api"));
  EXPECT_EQ(other.status, 401);
  EXPECT_NE(other.Header("www-authenticate").find("invalid_token"), std::string::npos);
  std::string token = Token("ccm-user");
  size_t dot = token.find('.');
  ASSERT_NE(dot, std::string::npos);
  // Same signature, payload swapped for one claiming admin: the signature no longer matches.
  auto jwt = auth::DecodeJwt(token);
  ASSERT_TRUE(jwt.has_value());
  auto payload = ParseJson(jwt->payload_json);
  ASSERT_TRUE(payload.has_value());
  (*payload)["realm_access"]["roles"] = Json::array({"admin"});
  std::string forged = token.substr(0, dot + 1) + auth::Base64UrlEncode(payload->dump()) +
                       token.substr(token.rfind('.'));
  EXPECT_EQ(Me(forged).status, 401);
}

}  // namespace
}  // namespace ccm::api
