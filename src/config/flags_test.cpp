// Settings flags on a CLI11 subcommand, as ccm serve / config check / reconcile use them.
#include "config/flags.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include "config/config_test_util.hpp"

namespace ccm::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Parses argv (without the program name) on a "serve" subcommand carrying the settings flags.
std::shared_ptr<SettingsFlags> Parse(std::vector<std::string> args) {
  CLI::App app;
  auto* serve = app.add_subcommand("serve");
  auto flags = AddSettingsFlags(*serve);
  args.insert(args.begin(), "serve");
  std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
  app.parse(args);
  return flags;
}

TEST(FlagsTest, EverySettingIsAFlag) {
  auto flags = Parse({"--listen", "127.0.0.1:9090", "--data-dir", "/tmp/ccm-data",
                      "--cml-worker-idle-threshold-minutes", "0.5",
                      "--cml-worker-max-idle-before-warning-minutes", "0.25",
                      "--aws-allowed-regions", "us-east-1,eu-west-1", "--cml-worker-ami-ids",
                      R"({"us-east-1": "ami-0123456789abcdef0"})", "--config", "/etc/ccm.yaml"});
  EXPECT_EQ(flags->config_file(), "/etc/ccm.yaml");
  LoadInput input = flags->ToLoadInput({});
  input.config_file = testing::WriteTempFile("");
  LoadReport r = LoadSettings(input);
  ASSERT_THAT(r.problems, IsEmpty());
  EXPECT_EQ(r.settings.listen, "127.0.0.1:9090");
  EXPECT_EQ(r.settings.data_dir, "/tmp/ccm-data");
  EXPECT_EQ(r.settings.database_url, "sqlite:/tmp/ccm-data/ccm.db");
  EXPECT_DOUBLE_EQ(r.settings.cml_worker_idle_threshold_minutes, 0.5);
  EXPECT_THAT(r.settings.aws_allowed_regions, ElementsAre("us-east-1", "eu-west-1"));
  EXPECT_EQ(AmiFor(r.settings, "us-east-1").ami_id, "ami-0123456789abcdef0");
}

TEST(FlagsTest, BooleanFlagsTakeAnOptionalValue) {
  EXPECT_EQ(Parse({"--sandbox"})->values().at("sandbox"), "true");
  EXPECT_EQ(Parse({"--sandbox", "--listen", "127.0.0.1:1"})->values().at("sandbox"), "true");
  EXPECT_EQ(Parse({"--cml-tls-verify", "false"})->values().at("cml_tls_verify"), "false");
  EXPECT_EQ(Parse({"--auto-import=true"})->values().at("auto_import"), "true");
}

TEST(FlagsTest, AliasFlagAndUnknownFlag) {
  EXPECT_EQ(Parse({"--cml-worker-instance-type", "t3.xlarge"})
                ->values()
                .at("cml_worker_default_instance_type"),
            "t3.xlarge");
  EXPECT_THROW(Parse({"--lisen", "x"}), CLI::ParseError);
}

TEST(FlagsTest, FlagsBeatTheEnvironment) {
  auto flags = Parse({"--log-level", "debug"});
  LoadInput input = flags->ToLoadInput({{"LOG_LEVEL", "error"}, {"DATA_DIR", "/srv/ccm"}});
  input.config_file = testing::WriteTempFile("log_level: warn\n");
  LoadReport r = LoadSettings(input);
  EXPECT_EQ(r.settings.log_level, "debug");
  EXPECT_EQ(r.settings.data_dir, "/srv/ccm");
}

TEST(FlagsTest, BadFlagValuesAreProblemsNamingTheFlag) {
  auto flags = Parse({"--cml-https-port", "https", "--cml-worker-ami-config", "{oops"});
  LoadInput input = flags->ToLoadInput({});
  input.config_file = testing::WriteTempFile("");
  LoadReport r = LoadSettings(input);
  EXPECT_THAT(r.problems, testing::HasProblem("cml_https_port", "(from flag --cml-https-port)"));
  EXPECT_THAT(r.problems, testing::HasProblem("cml_worker_ami_config",
                                              "malformed JSON in flag --cml-worker-ami-config"));
}

}  // namespace
}  // namespace ccm::config
