// Layering (defaults < YAML < environment < flags), the YAML layer, merges and derived values.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "config/config_test_util.hpp"
#include "core/log.hpp"

namespace ccm::config {
namespace {

using ::testing::ElementsAre;
using testing::HasProblem;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using testing::WriteTempFile;

LoadReport Load(const std::string& yaml, std::map<std::string, std::string> env = {},
                std::map<std::string, std::string> flags = {}) {
  LoadInput input;
  input.config_file = WriteTempFile(yaml);
  input.env = std::move(env);
  input.flags = std::move(flags);
  input.validate = false;
  return LoadSettings(input);
}

TEST(LoaderTest, PrecedenceDefaultYamlEnvFlag) {
  const std::string yaml = "cml_worker_idle_threshold_minutes: 40\n";
  const std::map<std::string, std::string> env = {{"CML_WORKER_IDLE_THRESHOLD_MINUTES", "50"}};
  const std::map<std::string, std::string> flag = {{"cml_worker_idle_threshold_minutes", "60"}};
  EXPECT_EQ(Load("").settings.cml_worker_idle_threshold_minutes, 30);
  EXPECT_EQ(Load(yaml).settings.cml_worker_idle_threshold_minutes, 40);
  EXPECT_EQ(Load(yaml, env).settings.cml_worker_idle_threshold_minutes, 50);
  LoadReport all = Load(yaml, env, flag);
  EXPECT_EQ(all.settings.cml_worker_idle_threshold_minutes, 60);
  EXPECT_EQ(all.sources.at("cml_worker_idle_threshold_minutes"),
            "from flag --cml-worker-idle-threshold-minutes");
  EXPECT_EQ(Load("", {}, flag).settings.cml_worker_idle_threshold_minutes, 60);
  EXPECT_EQ(Load(yaml, {}, flag).settings.cml_worker_idle_threshold_minutes, 60);
  EXPECT_EQ(all.sources.at("listen"), "default");
}

TEST(LoaderTest, AHigherLayerReplacesAWholeMap) {
  LoadReport r = Load("cml_worker_default_tags: {Team: labs}\n",
                      {{"CML_WORKER_DEFAULT_TAGS", R"({"Owner": "ops"})"}});
  EXPECT_EQ(r.settings.cml_worker_default_tags, (StringMap{{"Owner", "ops"}}));
}

TEST(LoaderTest, YamlOfEveryShape) {
  LoadReport r = Load(R"(
aws_allowed_regions: [us-east-1, eu-west-1]
cml_tls_verify: no
cml_api_port: "8443"
cml_worker_ami_config:
  eu-west-1: {ami_id: ami-0123456789abcdef0, cml_version: 2.7, instance_type: m5zn.metal}
webhooks:
  - url: https://hooks.example.com/a
    events: [worker.auto_stopped]
    secret: s3cretvalue
listen:
)");
  ASSERT_THAT(r.problems, IsEmpty());
  EXPECT_THAT(r.settings.aws_allowed_regions, ElementsAre("us-east-1", "eu-west-1"));
  EXPECT_FALSE(r.settings.cml_tls_verify);
  EXPECT_EQ(r.settings.cml_api_port, 8443);
  EXPECT_EQ(AmiFor(r.settings, "eu-west-1").cml_version, "2.7");
  EXPECT_EQ(DefaultInstanceTypeFor(r.settings, "eu-west-1"), "m5zn.metal");
  EXPECT_EQ(DefaultInstanceTypeFor(r.settings, "us-east-1"), "c5.2xlarge");
  ASSERT_THAT(r.settings.webhooks, SizeIs(1));
  EXPECT_EQ(r.settings.webhooks[0].secret, "s3cretvalue");
  EXPECT_EQ(r.settings.listen, "127.0.0.1:8080");  // "listen:" with no value keeps the default
}

TEST(LoaderTest, WrongTypesInYaml) {
  LoadReport r = Load(R"(
cml_worker_idle_threshold_minutes: soon
aws_allowed_regions: us-east-1
cml_worker_ami_ids: [ami-0123456789abcdef0]
cml_tls_verify: perhaps
listen: {host: 127.0.0.1}
aws_accounts: {lab: {role_arn: [a]}}
)");
  EXPECT_THAT(r.problems, HasProblem("cml_worker_idle_threshold_minutes",
                                     "expected a number, got \"soon\" (in "));
  EXPECT_THAT(r.problems, HasProblem("aws_allowed_regions", "expected a list, got \"us-east-1\""));
  EXPECT_THAT(r.problems, HasProblem("cml_worker_ami_ids", "expected a map, got a list"));
  EXPECT_THAT(r.problems, HasProblem("cml_tls_verify", "expected true or false"));
  EXPECT_THAT(r.problems, HasProblem("listen", "expected a string, got a map"));
  EXPECT_THAT(r.problems, HasProblem("aws_accounts.lab.role_arn", "expected a string"));
  EXPECT_THAT(r.problems, SizeIs(6));
  EXPECT_EQ(r.settings.cml_worker_idle_threshold_minutes, 30);  // bad values never apply
}

TEST(LoaderTest, UnknownKeysGetADidYouMeanHint) {
  LoadReport r = Load(R"(
cml_worker_idel_threshold_minutes: 5
lisen: 127.0.0.1:1
completely_unrelated_key: 1
cml_worker_network_config: {us-east-1: {subnet: subnet-0123abcd}}
)");
  EXPECT_THAT(r.problems, HasProblem("cml_worker_idel_threshold_minutes",
                                     "unknown setting, did you mean "
                                     "cml_worker_idle_threshold_minutes?"));
  EXPECT_THAT(r.problems, HasProblem("lisen", "did you mean listen?"));
  EXPECT_THAT(r.problems, HasProblem("completely_unrelated_key", "unknown setting (in "));
  EXPECT_THAT(r.problems, HasProblem("cml_worker_network_config.us-east-1.subnet",
                                     "unknown key, did you mean subnet_id?"));
  EXPECT_THAT(r.problems, SizeIs(4));
}

TEST(LoaderTest, YamlSyntaxAndShapeErrors) {
  EXPECT_THAT(Load("listen: [unclosed\n").problems,
              ElementsAre(::testing::HasSubstr("YAML syntax error at line")));
  EXPECT_THAT(Load("- a\n- b\n").problems,
              ElementsAre(::testing::HasSubstr("expected a map of settings at the top level")));
  EXPECT_THAT(Load("# only comments\n").problems, IsEmpty());
}

TEST(LoaderTest, ExplicitMissingConfigFileIsAProblem) {
  LoadInput input;
  input.config_file = "/nonexistent/ccm.yaml";
  EXPECT_THAT(LoadSettings(input).problems,
              HasProblem("config", "cannot read config file /nonexistent/ccm.yaml (no such file)"));
}

TEST(LoaderTest, DefaultConfigFileIsReadFromTheWorkingDirectoryWhenPresent) {
  const auto previous = std::filesystem::current_path();
  const auto dir = std::filesystem::temp_directory_path() / ("ccm-cwd-" + RandomHex(6));
  std::filesystem::create_directories(dir);
  std::filesystem::current_path(dir);
  LoadReport without = LoadSettings(LoadInput{});
  std::ofstream("ccm.yaml") << "listen: 127.0.0.1:7070\n";
  LoadReport with = LoadSettings(LoadInput{});
  std::filesystem::current_path(previous);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(without.config_file, "");
  EXPECT_EQ(without.settings.listen, "127.0.0.1:8080");
  EXPECT_EQ(with.config_file, "./ccm.yaml");
  EXPECT_EQ(with.settings.listen, "127.0.0.1:7070");
}

TEST(LoaderTest, FlatWorkerSettingsMergeIntoTheDefaultRegion) {
  LoadReport r = Load(R"(
aws_default_region: eu-west-1
cml_worker_vpc_id: vpc-0123abcd
cml_worker_subnet_id: subnet-0123abcd
cml_worker_security_group_ids: [sg-0123abcd]
cml_worker_security_group_names: [cml]
cml_worker_key_name: ops
cml_worker_network_config: {eu-west-1: {assign_public_ip: false, subnet_id: subnet-99999999}}
)");
  ASSERT_THAT(r.problems, IsEmpty());
  RegionNetwork net = NetworkFor(r.settings, "eu-west-1");
  EXPECT_EQ(net.vpc_id, "vpc-0123abcd");
  EXPECT_EQ(net.subnet_id, "subnet-0123abcd");  // same layer: the flat setting wins
  EXPECT_THAT(net.security_group_ids, ElementsAre("sg-0123abcd"));
  EXPECT_THAT(net.security_group_names, ElementsAre("cml"));
  EXPECT_FALSE(net.assign_public_ip);
  EXPECT_EQ(KeyPairFor(r.settings, "eu-west-1"), "ops");
  EXPECT_EQ(KeyPairFor(r.settings, "us-east-1"), "");
}

TEST(LoaderTest, AHigherStructuredLayerBeatsALowerFlatOne) {
  LoadReport r = Load("cml_worker_ami_ids: {us-east-1: ami-11111111}\n",
                      {{"CML_WORKER_AMI_CONFIG", R"({"us-east-1": {"ami_id": "ami-22222222"}})"},
                       {"CML_WORKER_AMI_NAMES", R"({"us-east-1": "CML-2.7"})"}});
  EXPECT_EQ(AmiFor(r.settings, "us-east-1").ami_id, "ami-22222222");
  EXPECT_EQ(AmiFor(r.settings, "us-east-1").ami_name, "CML-2.7");  // fills the empty field
  LoadReport flat_higher = Load("cml_worker_ami_config: {us-east-1: {ami_id: ami-22222222}}\n",
                                {{"CML_WORKER_AMI_IDS", R"({"us-east-1": "ami-11111111"})"}});
  EXPECT_EQ(AmiFor(flat_higher.settings, "us-east-1").ami_id, "ami-11111111");
}

TEST(LoaderTest, DatabaseUrlIsDerivedFromDataDir) {
  LoadReport r = Load("data_dir: /var/lib/ccm/\n");
  EXPECT_EQ(r.settings.database_url, "sqlite:/var/lib/ccm/ccm.db");
  EXPECT_EQ(r.sources.at("database_url"), "derived");
  EXPECT_EQ(Load("").settings.database_url, "sqlite:./data/ccm.db");
  EXPECT_EQ(Load("database_url: postgresql://db/ccm\n").settings.database_url,
            "postgresql://db/ccm");
}

TEST(LoaderTest, SecretsAreRegisteredAndRedactedFromProblems) {
  LoadReport r = Load(
      "cml_license_token: lic-token-abcdef\n"
      "database_url: postgresql://ccm:pg-pass-xyz@db/ccm\n"
      "webhooks: [{url: 'http://x', secret: hook-secret-1}]\n"
      "cml_api_port: lic-token-abcdef\n");
  EXPECT_THAT(r.problems, ElementsAre(::testing::HasSubstr("expected an integer, got \"***\"")));
  EXPECT_EQ(log::Redact("t=lic-token-abcdef p=pg-pass-xyz h=hook-secret-1"), "t=*** p=*** h=***");
}

TEST(LoaderTest, LoadValidSettingsListsEveryProblem) {
  LoadInput input;
  input.config_file = WriteTempFile("log_level: loud\nenvironment: prod\n");
  auto result = LoadValidSettings(input);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, Code::kInvalidArgument);
  EXPECT_THAT(result.error().message, ::testing::HasSubstr("\nlog_level: unknown level"));
  EXPECT_THAT(result.error().message, ::testing::HasSubstr("\nenvironment: must be"));
  input.config_file = WriteTempFile("cml_worker_ami_names: {us-east-1: CML}\n");
  EXPECT_TRUE(LoadValidSettings(input).has_value());
}

}  // namespace
}  // namespace ccm::config
