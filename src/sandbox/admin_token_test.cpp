#include "sandbox/admin_token.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "auth/api_token.hpp"
#include "core/log.hpp"
#include "sandbox/sandbox.hpp"

namespace ccm::sandbox {
namespace {

class AdminTokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::OpenStore("sqlite::memory:");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    dir_ = ::testing::TempDir() + "/sandbox-token-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string FileText() {
    std::ifstream in(dir_ + "/" + kSandboxTokenFile);
    std::string line;
    std::getline(in, line);
    return line;
  }
  unsigned FileMode() {
    struct stat st {};
    ::stat((dir_ + "/" + kSandboxTokenFile).c_str(), &st);
    return st.st_mode & 0777;
  }
  std::vector<store::ApiTokenRecord> Live() {
    std::vector<store::ApiTokenRecord> out;
    auto all = store_->ListApiTokens();
    EXPECT_TRUE(all);
    for (auto& r : all.value()) {
      if (!r.revoked_at) out.push_back(r);
    }
    return out;
  }

  ManualClock clock_;
  std::unique_ptr<store::Store> store_;
  std::string dir_;
};

TEST_F(AdminTokenTest, FirstRunCreatesAHashedAdminTokenAndAPrivateFile) {
  auto t = EnsureSandboxAdminToken(*store_, dir_, clock_);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_TRUE(t->created);
  EXPECT_TRUE(auth::LooksLikeApiToken(t->token));
  EXPECT_EQ(t->path, dir_ + "/" + kSandboxTokenFile);
  EXPECT_EQ(FileText(), t->token);
  EXPECT_EQ(FileMode(), 0600u);
  auto live = Live();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].name, kSandboxTokenName);
  EXPECT_EQ(live[0].role, "admin");
  EXPECT_EQ(live[0].token_hash, auth::HashApiToken(t->token));
  EXPECT_NE(live[0].token_hash, t->token);
  EXPECT_EQ(log::Redact("token " + t->token), "token ***");
}

TEST_F(AdminTokenTest, RestartReusesTheTokenWhenFileAndStoreAgree) {
  auto first = EnsureSandboxAdminToken(*store_, dir_, clock_);
  ASSERT_TRUE(first);
  ::chmod(first->path.c_str(), 0644);
  auto second = EnsureSandboxAdminToken(*store_, dir_, clock_);
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->token, first->token);
  EXPECT_EQ(FileMode(), 0600u);
  EXPECT_EQ(Live().size(), 1u);
}

TEST_F(AdminTokenTest, AFileTheStoreDoesNotKnowIsReplaced) {
  ASSERT_TRUE(EnsureSandboxAdminToken(*store_, dir_, clock_));
  std::string stranger = auth::GenerateApiToken();
  { std::ofstream(dir_ + "/" + kSandboxTokenFile) << stranger << "\n"; }
  auto t = EnsureSandboxAdminToken(*store_, dir_, clock_);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->created);
  EXPECT_NE(t->token, stranger);
  EXPECT_EQ(FileText(), t->token);
  auto live = Live();
  ASSERT_EQ(live.size(), 1u);  // the earlier sandbox-admin token was revoked
  EXPECT_EQ(live[0].token_hash, auth::HashApiToken(t->token));
}

TEST_F(AdminTokenTest, ARevokedTokenIsReplaced) {
  auto first = EnsureSandboxAdminToken(*store_, dir_, clock_);
  ASSERT_TRUE(first);
  ASSERT_TRUE(store_->RevokeApiToken(Live()[0].id, clock_.Now()));
  auto second = EnsureSandboxAdminToken(*store_, dir_, clock_);
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->created);
  EXPECT_NE(second->token, first->token);
}

TEST_F(AdminTokenTest, ANewStoreGetsANewTokenEvenWithAnOldFile) {
  ASSERT_TRUE(EnsureSandboxAdminToken(*store_, dir_, clock_));
  auto fresh = store::OpenStore("sqlite::memory:");
  ASSERT_TRUE(fresh);
  auto t = EnsureSandboxAdminToken(**fresh, dir_, clock_);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->created);
  EXPECT_EQ(FileText(), t->token);
}

TEST_F(AdminTokenTest, UnwritableDirectoryIsAnError) {
  auto t = EnsureSandboxAdminToken(*store_, dir_ + "/missing/dir", clock_);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, Code::kInternal);
  EXPECT_EQ(t.error().message.find("ccm_"), std::string::npos);
}

TEST(SandboxRegions, AllowedRegionsThenAccountRegions) {
  config::Settings s;
  s.aws_allowed_regions = {"us-east-1", "eu-west-1"};
  s.aws_accounts["lab"] =
      config::AwsAccount{"arn:aws:iam::123456789012:role/x", "", {"eu-west-1", "ap-south-1"}};
  EXPECT_EQ(SandboxRegions(s), (std::vector<std::string>{"us-east-1", "eu-west-1", "ap-south-1"}));
}

TEST(SandboxApply, PointsEverythingAtThePeers) {
  // Apply only reads the peers; a Sandbox without children is enough to check the settings.
  config::Settings s;
  s.aws_access_key_id = "AKIAREALKEY000000000";
  s.aws_profile = "prod";
  s.cml_license_check_on_startup = true;
  SandboxPeers peers{"http://127.0.0.1:5000", "http://127.0.0.1:5001",
                     "/tmp/ca.crt",           "admin",
                     "sim-password",          "/tmp"};
  ApplyPeers(peers, s);
  EXPECT_EQ(s.aws_endpoint_url, "http://127.0.0.1:5000");
  EXPECT_EQ(s.aws_endpoint_url_ec2, "http://127.0.0.1:5000");
  EXPECT_EQ(s.aws_endpoint_url_sts, "http://127.0.0.1:5000");
  EXPECT_EQ(s.aws_endpoint_url_cloudwatch, "http://127.0.0.1:5000");
  EXPECT_NE(s.aws_access_key_id, "AKIAREALKEY000000000");
  EXPECT_EQ(s.aws_profile, "");
  EXPECT_EQ(s.cml_api_username, "admin");
  EXPECT_EQ(s.cml_api_password, "sim-password");
  EXPECT_EQ(s.cml_tls_ca_file, "/tmp/ca.crt");
  EXPECT_TRUE(s.cml_tls_verify);
  EXPECT_FALSE(s.cml_license_check_on_startup);
  EXPECT_TRUE(s.sandbox);
}

}  // namespace
}  // namespace ccm::sandbox
