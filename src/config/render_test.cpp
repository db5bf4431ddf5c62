// Rendering with secrets redacted, and the example configuration file.
#include "config/render.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>

#include "config/config_test_util.hpp"
#include "config/internal/schema.hpp"
#include "core/json.hpp"

namespace ccm::config {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string ExamplePath() {
  const char* source = std::getenv("CCM_SOURCE_DIR");
  return std::string(source ? source : "../..") + "/config/ccm.example.yaml";
}

Settings WithSecrets() {
  Settings s = testing::ValidSettings();
  s.aws_access_key_id = "AKIAIOSFODNN7EXAMPLE";
  s.aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  s.aws_session_token = "session-token-value";
  s.cml_api_username = "admin";
  s.cml_api_password = "cml-password-value";
  s.cml_license_token = "license-token-value";
  s.bootstrap_admin_token = "bootstrap-token-value";
  s.webhooks = {{"https://hooks.example.com/a", {}, "webhook-secret-value"}};
  s.database_url = "postgresql://ccm:db-password-value@db:5432/ccm?password=db-password-value";
  return s;
}

const std::vector<std::string> kSecretValues = {
    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI",         "session-token-value",  "cml-password-value",
    "license-token-value",  "bootstrap-token-value", "webhook-secret-value", "db-password-value"};

TEST(RenderTest, SecretsAreRedactedInYamlAndJson) {
  for (auto format : {RenderFormat::kYaml, RenderFormat::kJson}) {
    std::string text = RenderSettings(WithSecrets(), format);
    for (const auto& secret : kSecretValues) EXPECT_THAT(text, Not(HasSubstr(secret)));
    EXPECT_THAT(text, HasSubstr("admin"));
  }
  Json json = SettingsToJson(WithSecrets());
  for (const auto& name : SecretSettingNames()) EXPECT_EQ(json[name], "***") << name;
  EXPECT_EQ(json["webhooks"][0]["secret"], "***");
  EXPECT_EQ(json["database_url"], "postgresql://ccm:***@db:5432/ccm?password=***");
  EXPECT_EQ(SettingsToJson(Settings{})["cml_api_password"], "");  // unset stays visibly unset
}

TEST(RenderTest, SecretSettingNamesListsEveryCredential) {
  EXPECT_THAT(SecretSettingNames(),
              ::testing::UnorderedElementsAre("aws_access_key_id", "aws_secret_access_key",
                                              "aws_session_token", "cml_api_password",
                                              "cml_license_token", "bootstrap_admin_token"));
}

TEST(RenderTest, JsonHasEverySettingInSchemaOrder) {
  Json json = SettingsToJson(Settings{});
  ASSERT_EQ(json.size(), internal::Schema().size());
  size_t i = 0;
  for (const auto& [key, value] : json.items()) EXPECT_EQ(key, internal::Schema()[i++].name);
  EXPECT_EQ(json["cml_worker_idle_threshold_minutes"], 30.0);
  EXPECT_EQ(json["cost_price_table"]["us-east-1"]["c5.2xlarge"], 0.34);
}

TEST(RenderTest, YamlRenderingLoadsBackToTheSameSettings) {
  Settings s = testing::ValidSettings();
  s.cml_worker_idle_threshold_minutes = 0.5;
  s.cml_worker_max_idle_before_warning_minutes = 0.25;
  s.aws_allowed_regions = {"us-east-1", "ap-south-1"};
  s.cml_worker_default_tags["Empty"] = "";
  s.cml_worker_default_tags["Yes"] = "true";
  s.cml_worker_network_config["ap-south-1"].security_group_ids = {"sg-0123abcd"};
  s.webhooks = {{"http://127.0.0.1:1/hook", {"worker.auto_stopped"}, ""}};
  s.cors_origins = {"*"};
  s.database_url = "sqlite:/var/lib/ccm/ccm.db";
  LoadInput input;
  input.config_file = testing::WriteTempFile(RenderSettings(s, RenderFormat::kYaml));
  LoadReport r = LoadSettings(input);
  ASSERT_THAT(r.problems, IsEmpty());
  EXPECT_EQ(SettingsToJson(r.settings), SettingsToJson(s));
  EXPECT_TRUE(r.settings == s);
}

TEST(ExampleConfigTest, LoadsAndValidatesClean) {
  LoadInput input;
  input.config_file = ExamplePath();
  LoadReport r = LoadSettings(input);
  EXPECT_THAT(r.problems, IsEmpty());
  EXPECT_EQ(r.config_file, ExamplePath());
  // The example shows the built-in defaults (plus an AMI for the default region).
  Settings expected;
  expected.cml_worker_ami_config["us-east-1"] = {"", "CML-2.7.0-Ubuntu-22.04", "2.7.0", ""};
  expected.database_url = "sqlite:./data/ccm.db";
  EXPECT_EQ(SettingsToJson(r.settings).dump(1), SettingsToJson(expected).dump(1));
}

TEST(ExampleConfigTest, MentionsEverySetting) {
  YAML::Node root = YAML::LoadFile(ExamplePath());
  for (const auto& def : internal::Schema()) {
    EXPECT_TRUE(root[def.name].IsDefined()) << def.name << " is missing from ccm.example.yaml";
  }
}

}  // namespace
}  // namespace ccm::config
