// Every validation rule: one line per problem naming the setting and the reason.
#include "config/validate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_test_util.hpp"

namespace ccm::config {
namespace {

using ::testing::ElementsAre;
using testing::HasProblem;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using testing::ValidSettings;

TEST(ValidateTest, DefaultsNeedOnlyAnAmiForTheDefaultRegion) {
  EXPECT_THAT(Validate(ValidSettings()), IsEmpty());
  EXPECT_THAT(Validate(Settings{}),
              ElementsAre("cml_worker_ami_config: no ami_id or ami_name for the default region "
                          "us-east-1 (set cml_worker_ami_config, CML_WORKER_AMI_IDS or "
                          "CML_WORKER_AMI_NAMES, or run with --sandbox)"));
}

TEST(ValidateTest, MissingAmiRuleSparesSandboxNamesAndDisallowedDefaults) {
  Settings sandbox;
  sandbox.sandbox = true;
  EXPECT_THAT(Validate(sandbox), IsEmpty());
  Settings by_name;
  by_name.cml_worker_ami_config["us-east-1"].ami_name = "CML-2.7.0-Ubuntu-22.04";
  EXPECT_THAT(Validate(by_name), IsEmpty());
  Settings other_default;
  other_default.aws_default_region = "eu-central-1";
  EXPECT_THAT(Validate(other_default),
              ElementsAre("aws_default_region: \"eu-central-1\" is not in aws_allowed_regions"));
}

TEST(ValidateTest, UnknownRegionsWithHints) {
  Settings s = ValidSettings();
  s.aws_default_region = "us-esat-1";
  s.aws_allowed_regions = {"us-east-1", "mars-north-1"};
  auto problems = Validate(s);
  EXPECT_THAT(problems, HasProblem("aws_default_region",
                                   "unknown region \"us-esat-1\", did you mean us-east-1?"));
  EXPECT_THAT(problems, HasProblem("aws_allowed_regions[1]", "unknown region \"mars-north-1\""));
  s = ValidSettings();
  s.aws_allowed_regions = {};
  EXPECT_THAT(Validate(s), HasProblem("aws_allowed_regions", "must list at least one region"));
}

TEST(ValidateTest, AmiIdsMustBeEightOrSeventeenLowercaseHex) {
  for (const char* good : {"ami-0123abcd", "ami-0123456789abcdef0"}) {
    Settings s = ValidSettings();
    s.cml_worker_ami_config["us-west-2"].ami_id = good;
    EXPECT_THAT(Validate(s), IsEmpty()) << good;
  }
  for (const char* bad : {"ami-123", "ami-0123456789ABCDEF0", "ami-0123456789abcdef",
                          "img-0123abcd", "ami-0123abcg"}) {
    Settings s = ValidSettings();
    s.cml_worker_ami_config["us-west-2"].ami_id = bad;
    EXPECT_THAT(Validate(s),
                ElementsAre("cml_worker_ami_config.us-west-2.ami_id: \"" + std::string(bad) +
                            "\" is not an AMI id (ami- followed by 8 or 17 "
                            "lowercase hex digits)"));
  }
}

TEST(ValidateTest, FlatSettingsAreReportedUnderTheirOwnNames) {
  LoadReport r = testing::LoadEnv({{"CML_WORKER_AMI_IDS", R"({"us-east-1": "ami-xyz"})"},
                                   {"CML_WORKER_AMI_NAMES", R"({"us-eest-1": "CML"})"},
                                   {"CML_WORKER_SUBNET_ID", "subnet-12"},
                                   {"CML_WORKER_SECURITY_GROUP_IDS", "sg-0123abcd,group"}},
                                  /*validate=*/true);
  EXPECT_THAT(r.problems, HasProblem("cml_worker_ami_ids.us-east-1", "is not an AMI id"));
  EXPECT_THAT(r.problems, HasProblem("cml_worker_ami_names", "unknown region \"us-eest-1\""));
  EXPECT_THAT(r.problems, HasProblem("cml_worker_subnet_id", "is not a subnet id"));
  EXPECT_THAT(r.problems, HasProblem("cml_worker_security_group_ids[1]",
                                     "\"group\" is not a security group id"));
  EXPECT_THAT(r.problems, SizeIs(4));
}

TEST(ValidateTest, InstanceTypesMustBeAllowed) {
  Settings s = ValidSettings();
  s.cml_worker_default_instance_type = "c5.9xlarge";
  s.cml_worker_ami_config["us-east-1"].instance_type = "p4d.24xlarge";
  s.cml_worker_allowed_instance_types.push_back("Big Box");
  auto problems = Validate(s);
  EXPECT_THAT(problems, HasProblem("cml_worker_default_instance_type",
                                   "instance type \"c5.9xlarge\" is not in "
                                   "cml_worker_allowed_instance_types (t3.xlarge, c5.2xlarge, "
                                   "c5.4xlarge, m5zn.metal, Big Box)"));
  EXPECT_THAT(problems, HasProblem("cml_worker_ami_config.us-east-1.instance_type",
                                   "\"p4d.24xlarge\" is not in"));
  EXPECT_THAT(problems, HasProblem("cml_worker_allowed_instance_types[4]",
                                   "\"Big Box\" is not an instance type name"));
  EXPECT_THAT(problems, SizeIs(3));
}

TEST(ValidateTest, WarningMustComeBeforeTheThreshold) {
  for (double warning : {30.0, 45.0}) {
    Settings s = ValidSettings();
    s.cml_worker_max_idle_before_warning_minutes = warning;
    EXPECT_THAT(Validate(s), ElementsAre(::testing::StartsWith(
                                 "cml_worker_max_idle_before_warning_minutes: must be less than "
                                 "cml_worker_idle_threshold_minutes")));
  }
  Settings fractions = ValidSettings();
  fractions.cml_worker_idle_threshold_minutes = 0.5;
  fractions.cml_worker_max_idle_before_warning_minutes = 0.25;
  EXPECT_THAT(Validate(fractions), IsEmpty());
}

TEST(ValidateTest, IntervalsAndTimeoutsMustBePositive) {
  const std::vector<std::pair<const char*, double Settings::*>> fields = {
      {"aws_connect_timeout_seconds", &Settings::aws_connect_timeout_seconds},
      {"aws_request_timeout_seconds", &Settings::aws_request_timeout_seconds},
      {"cml_health_check_interval_seconds", &Settings::cml_health_check_interval_seconds},
      {"cml_startup_timeout_seconds", &Settings::cml_startup_timeout_seconds},
      {"cml_connect_timeout_seconds", &Settings::cml_connect_timeout_seconds},
      {"cml_request_timeout_seconds", &Settings::cml_request_timeout_seconds},
      {"cml_worker_telemetry_collection_interval_seconds",
       &Settings::cml_worker_telemetry_collection_interval_seconds},
      {"idle_timeout_seconds", &Settings::idle_timeout_seconds},
      {"read_timeout_seconds", &Settings::read_timeout_seconds},
      {"sse_heartbeat_seconds", &Settings::sse_heartbeat_seconds},
      {"ec2_sweep_interval_seconds", &Settings::ec2_sweep_interval_seconds},
      {"metrics_interval_seconds", &Settings::metrics_interval_seconds},
      {"license_registration_timeout_seconds", &Settings::license_registration_timeout_seconds},
  };
  for (const auto& [name, member] : fields) {
    for (double value : {0.0, -1.5}) {
      Settings s = ValidSettings();
      s.*member = value;
      EXPECT_THAT(Validate(s), ElementsAre(std::string(name) + ": must be greater than 0, got " +
                                           (value == 0 ? "0" : "-1.5")));
    }
  }
  Settings s = ValidSettings();
  s.cml_worker_idle_threshold_minutes = -1;
  EXPECT_THAT(Validate(s),
              HasProblem("cml_worker_idle_threshold_minutes", "must be greater than 0, got -1"));
  s = ValidSettings();
  s.cml_worker_start_grace_minutes = 0;  // no grace is allowed
  EXPECT_THAT(Validate(s), IsEmpty());
  s.cml_worker_start_grace_minutes = -1;
  EXPECT_THAT(Validate(s), ElementsAre("cml_worker_start_grace_minutes: must not be negative, "
                                       "got -1"));
}

TEST(ValidateTest, ListenAddress) {
  for (const char* good :
       {"127.0.0.1:8080", "0.0.0.0:0", "[::1]:8080", "localhost:80", "ccm.example.com:443"}) {
    Settings s = ValidSettings();
    s.listen = good;
    EXPECT_THAT(Validate(s), IsEmpty()) << good;
  }
  Settings s = ValidSettings();
  s.listen = "127.0.0.1:99999";
  EXPECT_THAT(Validate(s), ElementsAre("listen: port out of range (0-65535): 99999"));
  for (const char* bad : {"localhost", "127.0.0.1:", ":8080", "[::1:8080", "a b:80"}) {
    s.listen = bad;
    EXPECT_THAT(Validate(s), ElementsAre(::testing::StartsWith("listen: not HOST:PORT"))) << bad;
  }
}

TEST(ValidateTest, Urls) {
  Settings s = ValidSettings();
  s.aws_endpoint_url = "ftp://127.0.0.1:5000";
  s.aws_endpoint_url_sts = "http://";
  s.oidc_issuer = "issuer.example.com";
  s.oidc_audience = "ccm";
  s.webhooks = {{"http://127.0.0.1:99999/x", {}, ""}, {"", {"Bad Event"}, ""}};
  s.cors_origins = {"https://dash.example.com", "*", "https://x.example.com/path"};
  auto problems = Validate(s);
  EXPECT_THAT(problems, HasProblem("aws_endpoint_url", "not an http(s) URL: \"ftp://"));
  EXPECT_THAT(problems, HasProblem("aws_endpoint_url_sts", "not an http(s) URL"));
  EXPECT_THAT(problems, HasProblem("oidc_issuer", "not an http(s) URL"));
  EXPECT_THAT(problems, HasProblem("webhooks[0].url", "not an http(s) URL"));
  EXPECT_THAT(problems, HasProblem("webhooks[1].url", "must not be empty"));
  EXPECT_THAT(problems, HasProblem("webhooks[1].events[0]", "not an event type"));
  EXPECT_THAT(problems, HasProblem("cors_origins[2]", "not an origin"));
  EXPECT_THAT(problems, SizeIs(7));
}

TEST(ValidateTest, EnvironmentLogLevelAndDatabaseUrl) {
  Settings s = ValidSettings();
  s.environment = "staging";
  s.log_level = "verbose";
  s.database_url = "mysql://db/ccm";
  auto problems = Validate(s);
  EXPECT_THAT(problems,
              ElementsAre("environment: must be development or production, got \"staging\"",
                          "database_url: scheme must be sqlite: or postgresql:, got \"mysql:\"",
                          "log_level: unknown level \"verbose\" (debug, info, warn, error, off)"));
  s = ValidSettings();
  s.database_url = "sqlite:";
  EXPECT_THAT(Validate(s), ElementsAre("database_url: sqlite: needs a file path (sqlite:PATH)"));
  s.database_url = "postgresql://ccm@db:5432/ccm";
  EXPECT_THAT(Validate(s), IsEmpty());
}

TEST(ValidateTest, AuthDisabledOnlyInDevelopmentOnLoopback) {
  Settings s = ValidSettings();
  s.auth_disabled = true;
  EXPECT_THAT(Validate(s), IsEmpty());
  s.listen = "[::1]:8080";
  EXPECT_THAT(Validate(s), IsEmpty());
  s.listen = "0.0.0.0:8080";
  EXPECT_THAT(Validate(s), ElementsAre("auth_disabled: only allowed when listen is a loopback "
                                       "address, got \"0.0.0.0:8080\""));
  s.listen = "127.0.0.1:8080";
  s.environment = "production";
  EXPECT_THAT(Validate(s),
              ElementsAre("auth_disabled: only allowed when environment is development"));
}

TEST(ValidateTest, OidcSettings) {
  Settings s = ValidSettings();
  s.oidc_jwks_url = "https://idp.example.com/jwks";
  s.oidc_roles_claim = "realm_access..roles";
  s.oidc_leeway_seconds = 601;
  s.bootstrap_admin_token = "short";
  auto problems = Validate(s);
  EXPECT_THAT(problems, HasProblem("oidc_issuer", "required when OIDC is configured"));
  EXPECT_THAT(problems, HasProblem("oidc_audience", "required when OIDC is configured"));
  EXPECT_THAT(problems, HasProblem("oidc_roles_claim", "not a dotted claim path"));
  EXPECT_THAT(problems, HasProblem("oidc_leeway_seconds", "must be at most 600"));
  EXPECT_THAT(problems, HasProblem("bootstrap_admin_token", "at least 16 characters"));
  EXPECT_THAT(problems, SizeIs(5));
  s = ValidSettings();
  s.oidc_issuer = "http://127.0.0.1:3000";
  s.oidc_audience = "ccm";
  s.oidc_roles_claim = "realm_access.roles";
  EXPECT_THAT(Validate(s), IsEmpty());
}

TEST(ValidateTest, PortsAndRanges) {
  Settings s = ValidSettings();
  s.cml_https_port = 0;
  s.cml_api_port = 70000;
  s.cml_worker_root_volume_gib = 4;
  s.cml_probe_concurrency = 0;
  s.aws_max_attempts = 11;
  s.idle_cpu_veto_percent = 120;
  s.idle_network_veto_bytes_per_second = -1;
  s.max_body_bytes = 0;
  s.sse_client_queue = 0;
  auto problems = Validate(s);
  EXPECT_THAT(problems, HasProblem("cml_https_port", "port out of range (1-65535): 0"));
  EXPECT_THAT(problems, HasProblem("cml_api_port", "port out of range (1-65535): 70000"));
  EXPECT_THAT(problems, HasProblem("cml_worker_root_volume_gib", "between 8 and 16384, got 4"));
  EXPECT_THAT(problems, HasProblem("cml_probe_concurrency", "between 1 and 4096"));
  EXPECT_THAT(problems, HasProblem("aws_max_attempts", "between 1 and 10, got 11"));
  EXPECT_THAT(problems, HasProblem("idle_cpu_veto_percent", "between 0 and 100, got 120"));
  EXPECT_THAT(problems, HasProblem("idle_network_veto_bytes_per_second", "must not be negative"));
  EXPECT_THAT(problems, HasProblem("max_body_bytes", "between 1 and"));
  EXPECT_THAT(problems, HasProblem("sse_client_queue", "between 1 and"));
  EXPECT_THAT(problems, SizeIs(9));
}

TEST(ValidateTest, AccountsAndCredentials) {
  Settings s = ValidSettings();
  s.aws_accounts["lab"] = {"arn:aws:iam::1234:role/x", "", {"ap-south-1", "nowhere-1"}};
  s.aws_accounts["prod"] = {"arn:aws:iam::123456789012:role/ops/Ccm", "ext", {"us-west-2"}};
  s.aws_access_key_id = "AKIAEXAMPLE";
  s.aws_session_token = "token-only";
  auto problems = Validate(s);
  EXPECT_THAT(problems, HasProblem("aws_accounts.lab.role_arn", "not an IAM role ARN"));
  EXPECT_THAT(problems, HasProblem("aws_accounts.lab.regions[0]",
                                   "\"ap-south-1\" is not in aws_allowed_regions"));
  EXPECT_THAT(problems, HasProblem("aws_accounts.lab.regions[1]", "unknown region"));
  EXPECT_THAT(problems, HasProblem("aws_secret_access_key", "required when aws_access_key_id"));
  EXPECT_THAT(problems, SizeIs(4));
}

TEST(ValidateTest, NetworkKeyPairsTagsAndUser) {
  Settings s = ValidSettings();
  s.cml_worker_network_config["eu-west-1"] = {"vpc-XYZ", "subnet-0123abcd", {"sg-1"}, {""}, true};
  s.cml_worker_network_config["atlantis-1"] = {};
  s.cml_worker_key_pairs["us-west-2"] = "";
  s.cml_worker_default_tags["aws:owner"] = "x";
  s.cml_worker_default_tags["Label"] = "{worker_id}-{owner}";
  s.cml_worker_username = "Root User";
  auto problems = Validate(s);
  EXPECT_THAT(problems, HasProblem("cml_worker_network_config.eu-west-1.vpc_id",
                                   "\"vpc-XYZ\" is not a VPC id"));
  EXPECT_THAT(problems, HasProblem("cml_worker_network_config.eu-west-1.security_group_ids[0]",
                                   "not a security group id"));
  EXPECT_THAT(problems, HasProblem("cml_worker_network_config.eu-west-1.security_group_names[0]",
                                   "1-255 characters"));
  EXPECT_THAT(problems, HasProblem("cml_worker_network_config", "unknown region \"atlantis-1\""));
  EXPECT_THAT(problems, HasProblem("cml_worker_key_pairs.us-west-2", "1-255 characters"));
  EXPECT_THAT(problems, HasProblem("cml_worker_default_tags.aws:owner", "may not start with aws:"));
  EXPECT_THAT(problems, HasProblem("cml_worker_default_tags.Label",
                                   "unknown placeholder {owner} (use {worker_id} or {name})"));
  EXPECT_THAT(problems, HasProblem("cml_worker_username", "not a Linux user name"));
  EXPECT_THAT(problems, SizeIs(8));
}

TEST(ValidateTest, CmlCredentialsCaFileAndBasePath) {
  Settings s = ValidSettings();
  s.cml_api_username = "admin";
  s.cml_tls_ca_file = "/nonexistent/ca.pem";
  s.cml_api_base_path = "api/v0";
  auto problems = Validate(s);
  EXPECT_THAT(problems, ElementsAre("cml_api_password: required when cml_api_username is set",
                                    "cml_tls_ca_file: no such file: \"/nonexistent/ca.pem\"",
                                    "cml_api_base_path: must start with '/': \"api/v0\""));
}

TEST(ValidateTest, CostTable) {
  Settings s = ValidSettings();
  s.cost_price_table["moon-1"]["c5.2xlarge"] = 1;
  s.cost_price_table["us-east-1"]["c5.2xlarge"] = -0.1;
  auto problems = Validate(s);
  EXPECT_THAT(problems, HasProblem("cost_price_table", "unknown region \"moon-1\""));
  EXPECT_THAT(problems,
              HasProblem("cost_price_table.us-east-1.c5.2xlarge", "must not be negative"));
  EXPECT_THAT(problems, SizeIs(2));
}

TEST(ValidateTest, CollectsEveryProblemAtOnce) {
  Settings s;
  s.aws_default_region = "nowhere";
  s.listen = "bad";
  s.cml_worker_idle_threshold_minutes = 10;
  s.environment = "qa";
  s.log_level = "chatty";
  // unknown region, listen, warning >= threshold, environment, log level
  EXPECT_THAT(Validate(s), SizeIs(5));
}

}  // namespace
}  // namespace ccm::config
