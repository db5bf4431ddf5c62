// The environment layer: every form of the examples in issue 2 and the brief.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_test_util.hpp"

namespace ccm::config {
namespace {

using ::testing::ElementsAre;
using testing::HasProblem;
using ::testing::IsEmpty;
using testing::LoadEnv;

TEST(EnvTest, AmiIdsJsonMapMergesIntoAmiConfig) {
  LoadReport r = LoadEnv({{"CML_WORKER_AMI_IDS", R"({"us-east-1": "ami-0123456789abcdef0"})"}});
  ASSERT_THAT(r.problems, IsEmpty());
  EXPECT_EQ(r.settings.cml_worker_ami_ids.at("us-east-1"), "ami-0123456789abcdef0");
  EXPECT_EQ(AmiFor(r.settings, "us-east-1").ami_id, "ami-0123456789abcdef0");
  EXPECT_EQ(r.sources.at("cml_worker_ami_ids"), "from environment variable CML_WORKER_AMI_IDS");
}

TEST(EnvTest, AmiNamesJsonMapMergesIntoAmiConfig) {
  LoadReport r = LoadEnv({{"CML_WORKER_AMI_NAMES", R"({"us-east-1": "CML-2.7.0-Ubuntu-22.04"})"}});
  ASSERT_THAT(r.problems, IsEmpty());
  EXPECT_EQ(AmiFor(r.settings, "us-east-1").ami_name, "CML-2.7.0-Ubuntu-22.04");
}

TEST(EnvTest, AllowedRegionsAsJsonList) {
  LoadReport r = LoadEnv({{"AWS_ALLOWED_REGIONS", R"(["us-east-1","eu-west-1"])"}});
  ASSERT_THAT(r.problems, IsEmpty());
  EXPECT_THAT(r.settings.aws_allowed_regions, ElementsAre("us-east-1", "eu-west-1"));
}

TEST(EnvTest, AllowedRegionsAsCommaSeparatedList) {
  LoadReport r = LoadEnv({{"AWS_ALLOWED_REGIONS", " us-east-1 , eu-west-1,,ap-south-1 "}});
  ASSERT_THAT(r.problems, IsEmpty());
  EXPECT_THAT(r.settings.aws_allowed_regions, ElementsAre("us-east-1", "eu-west-1", "ap-south-1"));
}

TEST(EnvTest, FractionalMinutesAndSeconds) {
  LoadReport r = LoadEnv({{"CML_WORKER_IDLE_THRESHOLD_MINUTES", "0.5"},
                          {"CML_WORKER_MAX_IDLE_BEFORE_WARNING_MINUTES", "0.25"},
                          {"EC2_SWEEP_INTERVAL_SECONDS", "1.5"}});
  ASSERT_THAT(r.problems, IsEmpty());
  EXPECT_DOUBLE_EQ(r.settings.cml_worker_idle_threshold_minutes, 0.5);
  EXPECT_DOUBLE_EQ(r.settings.cml_worker_max_idle_before_warning_minutes, 0.25);
  EXPECT_EQ(Minutes(r.settings.cml_worker_idle_threshold_minutes), std::chrono::seconds(30));
  EXPECT_EQ(Seconds(r.settings.ec2_sweep_interval_seconds), std::chrono::milliseconds(1500));
}

TEST(EnvTest, ScalarsOfEveryType) {
  LoadReport r = LoadEnv({{"CML_TLS_VERIFY", "false"},
                          {"SANDBOX", "yes"},
                          {"CML_HTTPS_PORT", "8443"},
                          {"LISTEN", "0.0.0.0:9090"},
                          {"CML_API_PASSWORD", "hunter2hunter2"}});
  ASSERT_THAT(r.problems, IsEmpty());
  EXPECT_FALSE(r.settings.cml_tls_verify);
  EXPECT_TRUE(r.settings.sandbox);
  EXPECT_EQ(r.settings.cml_https_port, 8443);
  EXPECT_EQ(r.settings.listen, "0.0.0.0:9090");
  EXPECT_EQ(r.settings.cml_api_password, "hunter2hunter2");
}

TEST(EnvTest, NestedJsonSettings) {
  LoadReport r = LoadEnv(
      {{"AWS_ACCOUNTS",
        R"({"lab": {"role_arn": "arn:aws:iam::123456789012:role/Ccm", "regions": ["us-west-2"]}})"},
       {"CML_WORKER_NETWORK_CONFIG",
        R"({"eu-west-1": {"subnet_id": "subnet-0123abcd", "assign_public_ip": false}})"},
       {"WEBHOOKS",
        R"([{"url": "https://hooks.example.com/x", "events": ["worker.idle_warning"]}])"},
       {"COST_PRICE_TABLE", R"({"us-east-1": {"c5.2xlarge": 0.5}})"}});
  ASSERT_THAT(r.problems, IsEmpty());
  EXPECT_EQ(r.settings.aws_accounts.at("lab").role_arn, "arn:aws:iam::123456789012:role/Ccm");
  EXPECT_THAT(r.settings.aws_accounts.at("lab").regions, ElementsAre("us-west-2"));
  EXPECT_EQ(NetworkFor(r.settings, "eu-west-1").subnet_id, "subnet-0123abcd");
  EXPECT_FALSE(NetworkFor(r.settings, "eu-west-1").assign_public_ip);
  ASSERT_EQ(r.settings.webhooks.size(), 1u);
  EXPECT_THAT(r.settings.webhooks[0].events, ElementsAre("worker.idle_warning"));
  EXPECT_EQ(PricePerHour(r.settings, "us-east-1", "c5.2xlarge"), 0.5);
  EXPECT_EQ(PricePerHour(r.settings, "us-east-1", "t3.xlarge"), std::nullopt);
}

TEST(EnvTest, MalformedJsonNamesTheVariable) {
  LoadReport r = LoadEnv({{"CML_WORKER_AMI_IDS", R"({"us-east-1": ami-0123})"},
                          {"AWS_ALLOWED_REGIONS", R"(["us-east-1",)"}});
  EXPECT_THAT(r.problems, HasProblem("cml_worker_ami_ids",
                                     "malformed JSON in environment variable CML_WORKER_AMI_IDS"));
  EXPECT_THAT(r.problems, HasProblem("aws_allowed_regions",
                                     "malformed JSON in environment variable AWS_ALLOWED_REGIONS"));
  EXPECT_TRUE(r.settings.cml_worker_ami_ids.empty());
}

TEST(EnvTest, MalformedJsonDoesNotEchoTheValue) {
  LoadReport r = LoadEnv({{"WEBHOOKS", R"([{"url": "x", "secret": "topsecretvalue" )"}});
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_THAT(r.problems[0], ::testing::Not(::testing::HasSubstr("topsecretvalue")));
}

TEST(EnvTest, WrongTypesNameTheVariable) {
  LoadReport r = LoadEnv({{"CML_WORKER_IDLE_THRESHOLD_MINUTES", "half"},
                          {"CML_TLS_VERIFY", "maybe"},
                          {"CML_API_PORT", "44.3"},
                          {"CML_WORKER_AMI_IDS", R"(["ami-0123456789abcdef0"])"}});
  EXPECT_THAT(r.problems, HasProblem("cml_worker_idle_threshold_minutes",
                                     "expected a number, got \"half\" (from environment variable "
                                     "CML_WORKER_IDLE_THRESHOLD_MINUTES)"));
  EXPECT_THAT(r.problems, HasProblem("cml_tls_verify", "expected true or false"));
  EXPECT_THAT(r.problems, HasProblem("cml_api_port", "expected an integer"));
  EXPECT_THAT(r.problems, HasProblem("cml_worker_ami_ids", "expected a map, got a list"));
}

TEST(EnvTest, StandardAwsEndpointVariables) {
  LoadReport r = LoadEnv({{"AWS_ENDPOINT_URL", "http://127.0.0.1:5000"},
                          {"AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:5001"}});
  ASSERT_THAT(r.problems, IsEmpty());
  EXPECT_EQ(EndpointFor(r.settings, "ec2"), "http://127.0.0.1:5001");
  EXPECT_EQ(EndpointFor(r.settings, "sts"), "http://127.0.0.1:5000");
  EXPECT_EQ(EndpointFor(Settings{}, "ec2"), std::nullopt);
}

TEST(EnvTest, InstanceTypeAliasAndCanonicalNameWins) {
  EXPECT_EQ(LoadEnv({{"CML_WORKER_INSTANCE_TYPE", "t3.xlarge"}})
                .settings.cml_worker_default_instance_type,
            "t3.xlarge");
  EXPECT_EQ(LoadEnv({{"CML_WORKER_INSTANCE_TYPE", "t3.xlarge"},
                     {"CML_WORKER_DEFAULT_INSTANCE_TYPE", "c5.4xlarge"}})
                .settings.cml_worker_default_instance_type,
            "c5.4xlarge");
}

TEST(EnvTest, EmptyValuesAndUnrelatedVariablesAreIgnored) {
  LoadReport r = LoadEnv({{"LISTEN", ""}, {"PATH", "/usr/bin"}, {"CML_UNKNOWN_THING", "1"}});
  ASSERT_THAT(r.problems, IsEmpty());
  EXPECT_EQ(r.settings.listen, "127.0.0.1:8080");
}

TEST(EnvTest, ReadProcessEnvironmentSeesTheRealEnvironment) {
  ::setenv("CCM_CONFIG_TEST_MARKER", "a=b", 1);
  auto env = ReadProcessEnvironment();
  ::unsetenv("CCM_CONFIG_TEST_MARKER");
  EXPECT_EQ(env.at("CCM_CONFIG_TEST_MARKER"), "a=b");
}

}  // namespace
}  // namespace ccm::config
