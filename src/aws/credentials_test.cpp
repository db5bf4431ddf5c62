// Shared config files, the credential chain's order, IMDSv2, role profiles, and the per-account
// AssumeRole cache on a ManualClock.
#include <gtest/gtest.h>

#include <map>

#include "aws/account_credentials.hpp"
#include "aws/credential_chain.hpp"
#include "aws/imds.hpp"
#include "aws/profile_provider.hpp"
#include "aws/shared_config.hpp"
#include "core/log.hpp"

namespace ccm::aws {
namespace {

using namespace std::chrono_literals;

struct FakeSystem {
  std::map<std::string, std::string> vars = {{"HOME", "/home/u"},
                                             {"AWS_EC2_METADATA_DISABLED", "true"}};
  std::map<std::string, std::string> files;

  Environment Env() {
    Environment env;
    env.get = [this](const std::string& n) -> std::optional<std::string> {
      auto it = vars.find(n);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
    env.read_file = [this](const std::string& p) -> std::optional<std::string> {
      auto it = files.find(p);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
    return env;
  }
};

// Records AssumeRole calls and answers credentials derived from the role and the source key.
struct FakeSts {
  struct CallRecord {
    AssumeRoleRequest request;
    std::string source_key;
  };
  std::vector<CallRecord> calls;
  Clock* clock = nullptr;
  bool fail = false;

  AssumeRoleFn Fn() {
    return [this](const AssumeRoleRequest& r, const Credentials& src) -> Result<Credentials> {
      calls.push_back({r, src.access_key_id});
      if (fail) {
        return Fail(Error{Code::kPermissionDenied, "not allowed", "AccessDenied", false, {}, {}});
      }
      Credentials c{"ASIA" + std::to_string(calls.size()),
                    "role-secret-" + std::to_string(calls.size()),
                    "role-token-" + std::to_string(calls.size()), clock->Now() + 1h, ""};
      return c;
    };
  }
};

TEST(SharedConfig, ParsesIniWithCommentsAndSubsections) {
  auto m = ParseIni(
      "# comment\n[default]\naws_access_key_id = AKID1\n; other comment\n"
      "AWS_Secret_Access_Key=SECRET1  \ns3 =\n  max_concurrent_requests = 10\nregion = eu-west-1\n"
      "\n[profile dev]\nrole_arn = arn:aws:iam::111111111111:role/dev\n");
  EXPECT_EQ(m["default"]["aws_access_key_id"], "AKID1");
  EXPECT_EQ(m["default"]["aws_secret_access_key"], "SECRET1");
  EXPECT_EQ(m["default"].count("max_concurrent_requests"), 0u);
  EXPECT_EQ(m["default"]["region"], "eu-west-1");
  EXPECT_EQ(m["profile dev"]["role_arn"], "arn:aws:iam::111111111111:role/dev");
}

TEST(SharedConfig, MergesFilesCredentialsWinning) {
  FakeSystem sys;
  sys.files["/home/u/.aws/config"] =
      "[default]\nregion = us-west-2\naws_access_key_id = FROMCONFIG\n"
      "[profile dev]\nregion = eu-west-1\n[notaprofile]\nx = 1\n";
  sys.files["/home/u/.aws/credentials"] = "[default]\naws_access_key_id = FROMCREDS\n[dev]\nk=v\n";
  ProfileMap p = LoadSharedProfiles(sys.Env());
  EXPECT_EQ(p["default"]["aws_access_key_id"], "FROMCREDS");
  EXPECT_EQ(p["default"]["region"], "us-west-2");
  EXPECT_EQ(p["dev"]["region"], "eu-west-1");
  EXPECT_EQ(p["dev"]["k"], "v");
  EXPECT_EQ(p.count("notaprofile"), 0u);
}

TEST(SharedConfig, FileLocationsFromEnvironment) {
  FakeSystem sys;
  sys.vars["AWS_SHARED_CREDENTIALS_FILE"] = "/etc/creds";
  sys.vars["AWS_CONFIG_FILE"] = "~/cfg";
  sys.files["/etc/creds"] = "[a]\naws_access_key_id = X\n";
  sys.files["/home/u/cfg"] = "[profile b]\nregion = r\n";
  ProfileMap p = LoadSharedProfiles(sys.Env());
  EXPECT_EQ(p["a"]["aws_access_key_id"], "X");
  EXPECT_EQ(p["b"]["region"], "r");
  EXPECT_EQ(SelectedProfile(sys.Env(), ""), "default");
  sys.vars["AWS_PROFILE"] = "b";
  EXPECT_EQ(SelectedProfile(sys.Env(), ""), "b");
  EXPECT_EQ(SelectedProfile(sys.Env(), "explicit"), "explicit");
}

class ChainTest : public ::testing::Test {
 protected:
  std::shared_ptr<CredentialsProvider> Chain(Credentials explicit_creds = {}) {
    ChainOptions o;
    o.explicit_credentials = std::move(explicit_creds);
    o.env = sys_.Env();
    sts_.clock = &clock_;
    o.assume_role = sts_.Fn();
    o.imds_send = [](const http::Request&) -> Result<http::Response> {
      return MakeError(Code::kUnavailable, "no IMDS in unit tests");
    };
    return MakeDefaultChain(std::move(o), clock_);
  }
  FakeSystem sys_;
  FakeSts sts_;
  ManualClock clock_;
};

TEST_F(ChainTest, OrderIsSettingsThenEnvironmentThenProfile) {
  sys_.vars["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  sys_.vars["AWS_SECRET_ACCESS_KEY"] = "env-secret-value";
  sys_.vars["AWS_SESSION_TOKEN"] = "env-token-value";
  sys_.files["/home/u/.aws/credentials"] =
      "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = file-secret-value\n";
  auto c = Chain(Credentials{"SETKEY", "settings-secret", "", {}, ""})->Get();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->access_key_id, "SETKEY");
  EXPECT_EQ(c->source, "settings");

  c = Chain()->Get();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->access_key_id, "ENVKEY");
  EXPECT_EQ(c->session_token, "env-token-value");
  EXPECT_EQ(c->source, "environment");

  sys_.vars.erase("AWS_ACCESS_KEY_ID");
  sys_.vars.erase("AWS_SECRET_ACCESS_KEY");
  c = Chain()->Get();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->access_key_id, "FILEKEY");
  EXPECT_EQ(c->source, "profile:default");
}

TEST_F(ChainTest, NothingFoundIsUnauthenticatedWithAHint) {
  auto c = Chain()->Get();
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, Code::kUnauthenticated);
  EXPECT_NE(c.error().message.find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_NE(c.error().message.find("AWS_EC2_METADATA_DISABLED"), std::string::npos);
}

TEST_F(ChainTest, HalfSetVariablesStopTheChainNamingTheVariable) {
  sys_.vars["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  auto c = Chain()->Get();
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, Code::kInvalidArgument);
  EXPECT_EQ(c.error().field, "AWS_SECRET_ACCESS_KEY");
}

TEST_F(ChainTest, NamedProfileMissingIsAnError) {
  sys_.vars["AWS_PROFILE"] = "nope";
  auto c = Chain()->Get();
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, Code::kInvalidArgument);
  EXPECT_NE(c.error().message.find("'nope'"), std::string::npos);
}

TEST_F(ChainTest, RoleProfileAssumesWithSourceProfileAndExternalId) {
  sys_.files["/home/u/.aws/credentials"] =
      "[base]\naws_access_key_id = BASEKEY\naws_secret_access_key = base-secret-value\n";
  sys_.files["/home/u/.aws/config"] =
      "[profile ops]\nrole_arn = arn:aws:iam::222222222222:role/ops\nsource_profile = base\n"
      "external_id = ext-42\nrole_session_name = ccm-ops\nduration_seconds = 1800\n";
  sys_.vars["AWS_PROFILE"] = "ops";
  auto chain = Chain();
  auto c = chain->Get();
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->access_key_id, "ASIA1");
  ASSERT_EQ(sts_.calls.size(), 1u);
  EXPECT_EQ(sts_.calls[0].source_key, "BASEKEY");
  EXPECT_EQ(sts_.calls[0].request.role_arn, "arn:aws:iam::222222222222:role/ops");
  EXPECT_EQ(sts_.calls[0].request.external_id, "ext-42");
  EXPECT_EQ(sts_.calls[0].request.session_name, "ccm-ops");
  EXPECT_EQ(sts_.calls[0].request.duration, 1800s);
  // Cached until 5 minutes before expiry, then refreshed.
  clock_.Advance(50min);
  ASSERT_TRUE(chain->Get().has_value());
  EXPECT_EQ(sts_.calls.size(), 1u);
  clock_.Advance(6min);
  auto again = chain->Get();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->access_key_id, "ASIA2");
}

TEST_F(ChainTest, RoleChainsAndLoops) {
  sys_.files["/home/u/.aws/config"] =
      "[profile a]\nrole_arn = arn:aws:iam::222222222222:role/a\nsource_profile = b\n"
      "[profile b]\nrole_arn = arn:aws:iam::333333333333:role/b\nsource_profile = c\n"
      "[profile c]\naws_access_key_id = CKEY\naws_secret_access_key = c-secret-value\n"
      "[profile loop]\nrole_arn = arn:aws:iam::222222222222:role/l\nsource_profile = loop2\n"
      "[profile loop2]\nrole_arn = arn:aws:iam::222222222222:role/l2\nsource_profile = loop\n";
  sys_.vars["AWS_PROFILE"] = "a";
  auto c = Chain()->Get();
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  ASSERT_EQ(sts_.calls.size(), 2u);
  EXPECT_EQ(sts_.calls[0].source_key, "CKEY");
  EXPECT_EQ(sts_.calls[1].source_key, "ASIA1");
  sys_.vars["AWS_PROFILE"] = "loop";
  auto l = Chain()->Get();
  ASSERT_FALSE(l.has_value());
  EXPECT_NE(l.error().message.find("loops"), std::string::npos);
}

TEST_F(ChainTest, CredentialSourceEnvironment) {
  sys_.files["/home/u/.aws/config"] =
      "[default]\nrole_arn = arn:aws:iam::222222222222:role/x\ncredential_source = Environment\n";
  sys_.vars["AWS_PROFILE"] = "default";
  // Environment keys would win in the chain, so read the profile link directly.
  sys_.vars["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  sys_.vars["AWS_SECRET_ACCESS_KEY"] = "env-secret-value";
  sts_.clock = &clock_;
  ProfileProvider p(sys_.Env(), "", sts_.Fn());
  auto c = p.Get();
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(sts_.calls.at(0).source_key, "ENVKEY");
}

TEST_F(ChainTest, FailedAssumeRoleNamesProfileAndRole) {
  sys_.files["/home/u/.aws/config"] =
      "[profile ops]\nrole_arn = arn:aws:iam::222222222222:role/ops\nsource_profile = base\n"
      "[profile base]\naws_access_key_id = K\naws_secret_access_key = base-secret-value\n";
  sys_.vars["AWS_PROFILE"] = "ops";
  sts_.fail = true;
  auto c = Chain()->Get();
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, Code::kPermissionDenied);
  EXPECT_NE(c.error().message.find("profile 'ops'"), std::string::npos);
  EXPECT_NE(c.error().message.find("role/ops"), std::string::npos);
  EXPECT_EQ(c.error().message.find("base-secret-value"), std::string::npos);
}

TEST_F(ChainTest, LoadedSecretsAreRedacted) {
  sys_.files["/home/u/.aws/credentials"] =
      "[default]\naws_access_key_id = K\naws_secret_access_key = unique-file-secret-7731\n"
      "aws_session_token = unique-file-token-7731\n";
  ASSERT_TRUE(Chain()->Get().has_value());
  EXPECT_EQ(log::Redact("x unique-file-secret-7731 y unique-file-token-7731"), "x *** y ***");
}

// IMDSv2 through a scripted HTTP layer.
struct FakeImds {
  std::vector<http::Request> requests;
  bool has_role = true;
  Result<http::Response> operator()(const http::Request& r) {
    requests.push_back(r);
    http::Response resp{200, {}, "", 0};
    if (r.method == "PUT" && r.url.ends_with("/latest/api/token")) {
      resp.body = "imds-session-token-123";
    } else if (r.url.ends_with("/security-credentials/")) {
      if (!has_role) resp.status = 404;
      resp.body = "ccm-worker-role\n";
    } else if (r.url.ends_with("/security-credentials/ccm-worker-role")) {
      resp.body = R"({"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"imds-secret-1",
                      "Token":"imds-token-1","Expiration":"2023-11-15T00:00:00Z"})";
    } else {
      resp.status = 404;
    }
    return resp;
  }
};

TEST(Imds, FetchesTokenRoleAndCredentials) {
  FakeSystem sys;
  sys.vars.erase("AWS_EC2_METADATA_DISABLED");
  sys.vars["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:9/";
  FakeImds imds;
  ImdsProvider p(sys.Env(), [&](const http::Request& r) { return imds(r); });
  auto c = p.Get();
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->access_key_id, "ASIAIMDS");
  EXPECT_EQ(c->session_token, "imds-token-1");
  EXPECT_EQ(c->source, "imds:ccm-worker-role");
  ASSERT_TRUE(c->expiration.has_value());
  ASSERT_EQ(imds.requests.size(), 3u);
  EXPECT_EQ(imds.requests[0].url, "http://127.0.0.1:9/latest/api/token");
  EXPECT_EQ(imds.requests[0].timeout, std::chrono::milliseconds(1000));
  EXPECT_EQ(imds.requests[0].headers.at(0).first, "X-aws-ec2-metadata-token-ttl-seconds");
  EXPECT_EQ(imds.requests[1].headers.at(0).second, "imds-session-token-123");
}

TEST(Imds, DisabledOrAbsentIsNotFound) {
  FakeSystem sys;  // AWS_EC2_METADATA_DISABLED=true
  int calls = 0;
  ImdsProvider disabled(sys.Env(), [&](const http::Request&) -> Result<http::Response> {
    ++calls;
    return MakeError(Code::kUnavailable, "x");
  });
  EXPECT_EQ(disabled.Get().error().code, Code::kNotFound);
  EXPECT_EQ(calls, 0);
  sys.vars.erase("AWS_EC2_METADATA_DISABLED");
  ImdsProvider absent(sys.Env(), [&](const http::Request&) -> Result<http::Response> {
    ++calls;
    return MakeError(Code::kDeadlineExceeded, "timeout");
  });
  EXPECT_EQ(absent.Get().error().code, Code::kNotFound);
  FakeImds no_role;
  no_role.has_role = false;
  ImdsProvider roleless(sys.Env(), [&](const http::Request& r) { return no_role(r); });
  EXPECT_EQ(roleless.Get().error().code, Code::kNotFound);
}

TEST(Imds, ParsesFailureCode) {
  EXPECT_EQ(ParseImdsCredentials(R"({"Code":"Failure"})").error().code, Code::kUnavailable);
  EXPECT_EQ(ParseImdsCredentials("{").error().code, Code::kInvalidArgument);
  EXPECT_EQ(ParseImdsCredentials(R"({"Code":"Success"})").error().code, Code::kInternal);
}

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override { sts_.clock = &clock_; }
  std::unique_ptr<AccountCredentials> Make() {
    auto chain =
        std::make_shared<StaticProvider>(Credentials{"BASEKEY", "base-secret-value", "", {}, ""});
    std::vector<AccountRole> roles = {
        {"prod", "arn:aws:iam::444444444444:role/ccm", "ext-prod", "ccm", 3600s},
        {"lab", "arn:aws:iam::555555555555:role/ccm", "", "ccm", 3600s}};
    return std::make_unique<AccountCredentials>(chain, roles, sts_.Fn(), clock_);
  }
  ManualClock clock_;
  FakeSts sts_;
};

TEST_F(AccountsTest, DefaultNamedAndUnknown) {
  auto accounts = Make();
  auto lookup = accounts->Lookup();
  EXPECT_EQ(lookup("")->access_key_id, "BASEKEY");
  auto prod = lookup("prod");
  ASSERT_TRUE(prod.has_value());
  EXPECT_EQ(prod->source, "account:prod");
  ASSERT_EQ(sts_.calls.size(), 1u);
  EXPECT_EQ(sts_.calls[0].source_key, "BASEKEY");
  EXPECT_EQ(sts_.calls[0].request.external_id, "ext-prod");
  auto unknown = lookup("nope");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, Code::kInvalidArgument);
  EXPECT_EQ(unknown.error().field, "account");
}

TEST_F(AccountsTest, CachedAndRefreshedFiveMinutesBeforeExpiry) {
  auto accounts = Make();
  ASSERT_EQ(accounts->Get("prod")->access_key_id, "ASIA1");
  ASSERT_EQ(accounts->Get("lab")->access_key_id, "ASIA2");
  clock_.Advance(54min);
  EXPECT_EQ(accounts->Get("prod")->access_key_id, "ASIA1");
  EXPECT_EQ(sts_.calls.size(), 2u);
  clock_.Advance(1min + 1s);  // 4 min 59 s before expiry
  EXPECT_EQ(accounts->Get("prod")->access_key_id, "ASIA3");
  EXPECT_EQ(sts_.calls.size(), 3u);
}

TEST_F(AccountsTest, FailedRefreshKeepsUnexpiredCredentials) {
  auto accounts = Make();
  ASSERT_EQ(accounts->Get("prod")->access_key_id, "ASIA1");
  sts_.fail = true;
  clock_.Advance(57min);
  EXPECT_EQ(accounts->Get("prod")->access_key_id, "ASIA1");
  clock_.Advance(4min);  // expired now
  auto r = accounts->Get("prod");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Code::kPermissionDenied);
  EXPECT_NE(r.error().message.find("account 'prod'"), std::string::npos);
}

TEST(Accounts, Validation) {
  EXPECT_TRUE(ValidateAccounts({{"a", "arn:aws:iam::123456789012:role/x", "", "ccm", 3600s}}));
  auto bad = ValidateAccounts({{"a", "arn:aws:iam::12345:role/x", "", "ccm", 3600s}});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field, "aws_accounts.a.role_arn");
  auto dup = ValidateAccounts({{"a", "arn:aws:iam::123456789012:role/x", "", "ccm", 3600s},
                               {"a", "arn:aws:iam::123456789012:role/y", "", "ccm", 3600s}});
  ASSERT_FALSE(dup.has_value());
}

}  // namespace
}  // namespace ccm::aws
