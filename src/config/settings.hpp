#pragma once
// Settings: every setting of ccm as a typed field with its built-in default.
//
// Layers (lowest to highest): these defaults < YAML file < environment < command-line flags; see
// config/loader.hpp. Field names are the setting names; the environment name is the setting name
// upper-cased, the flag is --<name-with-dashes>.
// Units: *_seconds and *_minutes are doubles (fractions allowed); *_bytes are bytes; ports are
// TCP ports. After loading, the flat worker settings (cml_worker_ami_ids, cml_worker_vpc_id, ...)
// are already merged into the per-region maps: consumers read the per-region maps (or the
// *For(region) helpers below), never the flat fields.
// A Settings value is plain data: copy it freely; share a const one between threads.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccm::config {

using StringMap = std::map<std::string, std::string>;
using StringList = std::vector<std::string>;

// One entry of aws_accounts: a role assumed with STS to manage workers in another account.
struct AwsAccount {
  std::string role_arn;     // arn:aws:iam::123456789012:role/Name
  std::string external_id;  // optional; passed to AssumeRole
  StringList regions;       // empty = aws_allowed_regions

  friend bool operator==(const AwsAccount&, const AwsAccount&) = default;
};

// One entry of cml_worker_ami_config: the image to launch in a region.
struct AmiConfig {
  std::string ami_id;         // ami- + 8 or 17 lowercase hex
  std::string ami_name;       // resolved with DescribeImages when ami_id is empty
  std::string cml_version;    // informative, e.g. "2.7.0"
  std::string instance_type;  // optional per-region default instance type

  friend bool operator==(const AmiConfig&, const AmiConfig&) = default;
};

// One entry of cml_worker_network_config.
struct RegionNetwork {
  std::string vpc_id;
  std::string subnet_id;
  StringList security_group_ids;
  StringList security_group_names;
  bool assign_public_ip = true;

  friend bool operator==(const RegionNetwork&, const RegionNetwork&) = default;
};

struct Webhook {
  std::string url;
  StringList events;   // event types to deliver; empty = every type
  std::string secret;  // HMAC-SHA256 key for X-CCM-Signature; a secret

  friend bool operator==(const Webhook&, const Webhook&) = default;
};

// region -> instance type -> USD per hour.
using PriceTable = std::map<std::string, std::map<std::string, double>>;

// Approximate on-demand Linux prices (USD/hour) for the default types in the default regions.
PriceTable DefaultPriceTable();

struct Settings {
  // --- AWS
  std::string aws_default_region = "us-east-1";
  StringList aws_allowed_regions = {"us-east-1", "us-west-2", "eu-west-1"};
  std::map<std::string, AwsAccount> aws_accounts;
  std::string aws_endpoint_url;  // every service; the per-service ones below win
  std::string aws_endpoint_url_ec2;
  std::string aws_endpoint_url_cloudwatch;
  std::string aws_endpoint_url_sts;
  std::string aws_endpoint_url_iam;
  std::string aws_access_key_id;      // secret; never defaulted
  std::string aws_secret_access_key;  // secret
  std::string aws_session_token;      // secret
  std::string aws_profile;
  int64_t aws_max_attempts = 3;
  double aws_connect_timeout_seconds = 5;
  double aws_request_timeout_seconds = 30;

  // --- Worker image and network
  std::map<std::string, AmiConfig> cml_worker_ami_config;
  StringMap cml_worker_ami_ids;    // flat, merged into cml_worker_ami_config
  StringMap cml_worker_ami_names;  // flat, merged into cml_worker_ami_config
  std::map<std::string, RegionNetwork> cml_worker_network_config;
  std::string cml_worker_vpc_id;               // flat, default region
  std::string cml_worker_subnet_id;            // flat, default region
  StringList cml_worker_security_group_ids;    // flat, default region
  StringList cml_worker_security_group_names;  // flat, default region
  StringMap cml_worker_key_pairs;              // region -> key pair name
  std::string cml_worker_key_name;             // flat, default region
  std::string cml_worker_default_instance_type = "c5.2xlarge";
  StringList cml_worker_allowed_instance_types = {"t3.xlarge", "c5.2xlarge", "c5.4xlarge",
                                                  "m5zn.metal"};
  std::string cml_worker_username = "admin";
  StringMap cml_worker_default_tags = {{"Name", "cml-worker-{worker_id}"},
                                       {"ManagedBy", "cml-cloud-manager"}};
  int64_t cml_worker_root_volume_gib = 64;

  // --- CML service
  int64_t cml_https_port = 443;
  int64_t cml_api_port = 443;
  std::string cml_api_username;
  std::string cml_api_password;  // secret
  bool cml_tls_verify = true;
  std::string cml_tls_ca_file;
  double cml_health_check_interval_seconds = 30;
  double cml_startup_timeout_seconds = 600;
  double cml_connect_timeout_seconds = 5;
  double cml_request_timeout_seconds = 30;
  int64_t cml_max_response_bytes = 16777216;
  int64_t cml_probe_concurrency = 64;
  std::string cml_api_base_path = "/api/v0";

  // --- Licence
  std::string cml_license_token;  // secret
  bool cml_license_check_on_startup = true;
  bool cml_license_release_on_stop = false;

  // --- Lifecycle
  double cml_worker_idle_threshold_minutes = 30;
  double cml_worker_max_idle_before_warning_minutes = 20;
  bool cml_worker_auto_shutdown_enabled = true;
  double cml_worker_telemetry_collection_interval_seconds = 60;
  double cml_worker_start_grace_minutes = 30;

  // --- Server
  std::string environment = "development";  // development | production
  std::string listen = "127.0.0.1:8080";
  StringList cors_origins;
  std::string data_dir = "./data";
  std::string database_url;  // derived as sqlite:<data_dir>/ccm.db when not set
  std::string log_level = "info";
  int64_t max_body_bytes = 1048576;
  int64_t max_connections = 10000;
  double idle_timeout_seconds = 60;
  double read_timeout_seconds = 30;
  double sse_heartbeat_seconds = 15;
  int64_t sse_client_queue = 1024;
  bool sandbox = false;

  // --- Auth
  std::string oidc_issuer;
  std::string oidc_audience;
  std::string oidc_jwks_url;
  std::string oidc_client_id;
  std::string oidc_roles_claim = "roles";  // dotted path, e.g. realm_access.roles
  double oidc_leeway_seconds = 60;
  bool auth_disabled = false;         // development on a loopback listen address only
  std::string bootstrap_admin_token;  // secret

  // --- Reconciler
  double ec2_sweep_interval_seconds = 60;
  double metrics_interval_seconds = 300;
  bool auto_import = false;
  double idle_cpu_veto_percent = 10;
  double idle_network_veto_bytes_per_second = 50000;
  std::string cloudwatch_namespace = "CMLCloudManager";
  bool cloudwatch_put_metrics = false;
  double license_registration_timeout_seconds = 300;

  // --- Notifications and cost
  std::vector<Webhook> webhooks;
  PriceTable cost_price_table = DefaultPriceTable();

  friend bool operator==(const Settings&, const Settings&) = default;
};

// The AMI configuration of a region (empty fields when none).
AmiConfig AmiFor(const Settings& s, const std::string& region);
// The network configuration of a region (defaults when none).
RegionNetwork NetworkFor(const Settings& s, const std::string& region);
// The key pair of a region, "" when none.
std::string KeyPairFor(const Settings& s, const std::string& region);
// The region's own instance type when configured, else cml_worker_default_instance_type.
std::string DefaultInstanceTypeFor(const Settings& s, const std::string& region);

// The endpoint override for an AWS service ("ec2", "cloudwatch", "sts", "iam"): the per-service
// setting, else aws_endpoint_url, else nullopt (use the public AWS endpoint).
std::optional<std::string> EndpointFor(const Settings& s, std::string_view service);

// cml_worker_default_tags with {worker_id} and {name} replaced in every value.
StringMap ExpandTags(const StringMap& tags, std::string_view worker_id, std::string_view name);

// USD per hour for (region, instance type), nullopt when the table has no price.
std::optional<double> PricePerHour(const Settings& s, const std::string& region,
                                   const std::string& instance_type);

// Seconds (fractions allowed) as a duration, for the *_seconds and *_minutes settings.
inline std::chrono::milliseconds Seconds(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000.0));
}
inline std::chrono::milliseconds Minutes(double minutes) { return Seconds(minutes * 60.0); }

// Names of the settings whose values are secrets (also webhooks[].secret and the password of a
// database_url). They are rendered as *** and registered with log::RegisterSecret when loaded.
const std::vector<std::string>& SecretSettingNames();

}  // namespace ccm::config
