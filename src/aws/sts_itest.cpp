// STS and the transport against a real moto_server that checks SigV4.
#include <gtest/gtest.h>

#include "aws/sts_client.hpp"
#include "aws/testing/moto_iam.hpp"
#include "aws/transport.hpp"
#include "tests/support/moto.hpp"

namespace ccm::aws {
namespace {

class StsMotoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    moto_ = new ccm::testing::MotoServer();
    std::string err = moto_->Start(testing::kMotoBootstrapCalls);
    ASSERT_EQ(err, "") << err;
    auto creds = testing::CreateMotoIamUser(moto_->endpoint());
    ASSERT_TRUE(creds.has_value()) << creds.error().ToString();
    creds_ = new Credentials(*creds);
  }
  static void TearDownTestSuite() {
    delete moto_;
    delete creds_;
    moto_ = nullptr;
    creds_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(creds_, nullptr) << "moto bootstrap failed"; }

  std::unique_ptr<QueryTransport> Transport(Credentials creds) {
    TransportOptions options;
    options.endpoint_url = moto_->endpoint();
    return MakeQueryTransport(options, testing::FixedCredentials(std::move(creds)),
                              SystemClock::Instance());
  }

  static ccm::testing::MotoServer* moto_;
  static Credentials* creds_;
};

ccm::testing::MotoServer* StsMotoTest::moto_ = nullptr;
Credentials* StsMotoTest::creds_ = nullptr;

TEST_F(StsMotoTest, GetCallerIdentityWithGoodKeys) {
  auto transport = Transport(*creds_);
  StsClient sts(*transport, "us-east-1");
  auto id = sts.GetCallerIdentity();
  ASSERT_TRUE(id.has_value()) << id.error().ToString();
  EXPECT_EQ(id->account, "123456789012");
  EXPECT_EQ(id->arn, "arn:aws:iam::123456789012:user/ccm-test");
}

TEST_F(StsMotoTest, WrongSecretIsUnauthenticated) {
  Credentials bad = *creds_;
  bad.secret_access_key = "definitely-not-the-secret-key";
  auto transport = Transport(bad);
  StsClient sts(*transport, "us-east-1");
  auto id = sts.GetCallerIdentity();
  ASSERT_FALSE(id.has_value());
  EXPECT_EQ(id.error().code, Code::kUnauthenticated) << id.error().ToString();
  EXPECT_EQ(id.error().provider_code, "SignatureDoesNotMatch");
}

}  // namespace
}  // namespace ccm::aws
