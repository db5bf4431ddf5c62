// `ccm serve` with a real OpenID Connect provider (npm oidc-provider, tests/e2e/oidc_provider.mjs)
// issuing RS256 `at+jwt` access tokens: valid tokens get in with their roles, tampered ones
// get 401.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/e2e/e2e.hpp"

namespace ccm::e2e {
namespace {

using std::chrono::seconds;

constexpr char kAudience[] = "https://ccm.example/api";

std::string ScriptPath() {
  const char* src = std::getenv("CCM_SOURCE_DIR");
  return std::string(src ? src : "../..") + "/tests/e2e/oidc_provider.mjs";
}

std::string Base64UrlDecode(const std::string& in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  int bits = 0;
  uint32_t acc = 0;
  for (char c : in) {
    size_t v = kAlphabet.find(c);
    if (v == std::string::npos) break;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string Base64UrlEncode(const std::string& in) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  int bits = 0;
  uint32_t acc = 0;
  for (unsigned char c : in) {
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

class OidcE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::FindProgram("node").empty()) << "node is not on PATH";
    ASSERT_FALSE(testing::FindProgram("moto_server").empty()) << "moto_server is not on PATH";
    dir_ = testing::MakeTempDir("ccm-oidc-e2e");
    port_ = testing::FreePort();
    issuer_ = "http://127.0.0.1:" + std::to_string(port_);
    provider_ = testing::ChildProcess({"node", ScriptPath(), std::to_string(port_), kAudience}, {},
                                      dir_ + "/oidc-provider.log");
    ASSERT_TRUE(testing::WaitForHttp(issuer_ + "/.well-known/openid-configuration", seconds(60)))
        << "oidc-provider did not start (is tests/node installed? scripts/setup --test):\n"
        << testing::ReadFile(dir_ + "/oidc-provider.log");
    auto env = IsolatedAwsEnvironment(dir_);
    env["OIDC_ISSUER"] = issuer_;
    env["OIDC_AUDIENCE"] = kAudience;
    env["OIDC_ROLES_CLAIM"] = "roles";
    ASSERT_EQ(ccm_.Start(dir_ + "/data", {"--sandbox"}, env), "");
  }

  std::string TokenFor(const std::string& client) {
    http::Request req;
    req.method = "POST";
    req.url = issuer_ + "/token";
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    req.body = "grant_type=client_credentials&client_id=" + client + "&client_secret=" + client +
               "-secret&scope=ccm&resource=" + http::PercentEncode(kAudience);
    auto res = http::Perform(req);
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : res.error().ToString());
    if (!res) return "";
    auto body = ParseJson(res->body);
    return body ? body->value("access_token", "") : "";
  }

  std::string dir_;
  int port_ = 0;
  std::string issuer_;
  testing::ChildProcess provider_;
  CcmServe ccm_;
};

TEST_F(OidcE2e, AccessTokensFromTheProviderAreAcceptedWithTheirRoles) {
  const std::string admin = TokenFor("ccm-admin");
  ASSERT_FALSE(admin.empty());
  ASSERT_NE(Base64UrlDecode(admin.substr(0, admin.find('.'))).find("\"at+jwt\""),
            std::string::npos);
  Reply me = Api(ccm_.url(), admin).Get("/api/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json.value("role", ""), "admin") << me.body;
  EXPECT_EQ(me.json.value("subject", ""), "ccm-admin") << me.body;
  EXPECT_EQ(Api(ccm_.url(), admin).Get("/api/v1/workers").status, 200);

  const std::string user = TokenFor("ccm-user");
  Reply user_me = Api(ccm_.url(), user).Get("/api/v1/me");
  ASSERT_EQ(user_me.status, 200) << user_me.body;
  EXPECT_EQ(user_me.json.value("role", ""), "user");
  Reply create =
      Api(ccm_.url(), user).Post("/api/v1/workers", {{"name", "x"}, {"region", "us-east-1"}});
  EXPECT_EQ(create.status, 403) << create.body;
  EXPECT_EQ(ccm_.Log().find(admin), std::string::npos) << "a JWT reached the log";
}

TEST_F(OidcE2e, TamperedTokensAreRefused) {
  const std::string user = TokenFor("ccm-user");
  ASSERT_FALSE(user.empty());
  const size_t dot1 = user.find('.');
  const size_t dot2 = user.find('.', dot1 + 1);
  std::string payload = Base64UrlDecode(user.substr(dot1 + 1, dot2 - dot1 - 1));
  const size_t at = payload.find("[\"user\"]");
  ASSERT_NE(at, std::string::npos) << payload;
  payload.replace(at, 8, "[\"admin\"]");
  const std::string promoted =
      user.substr(0, dot1 + 1) + Base64UrlEncode(payload) + user.substr(dot2);
  Reply r = Api(ccm_.url(), promoted).Get("/api/v1/me");
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_NE(r.Header("www-authenticate").find("Bearer"), std::string::npos);

  std::string bad_signature = user;
  char& last = bad_signature[bad_signature.size() - 5];
  last = last == 'A' ? 'B' : 'A';
  EXPECT_EQ(Api(ccm_.url(), bad_signature).Get("/api/v1/me").status, 401);
  EXPECT_EQ(Api(ccm_.url(), user).Get("/api/v1/me").status, 200);
}

}  // namespace
}  // namespace ccm::e2e
