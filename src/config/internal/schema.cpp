#include "config/internal/schema.hpp"

#include <cctype>
#include <type_traits>

namespace ccm::config {
namespace internal {
namespace {

enum Secrecy { kPlain, kSecret };

template <typename T>
constexpr TextForm FormOf() {
  if constexpr (std::is_same_v<T, StringList>) {
    return TextForm::kList;
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool> ||
                       std::is_same_v<T, int64_t> || std::is_same_v<T, double>) {
    return TextForm::kScalar;
  } else {
    return TextForm::kJson;
  }
}

template <typename T>
SettingDef Def(std::string name, T Settings::*member, std::string group, std::string help,
               Secrecy secrecy = kPlain, std::vector<std::string> aliases = {}) {
  SettingDef d;
  d.name = name;
  d.group = std::move(group);
  d.help = std::move(help);
  d.form = FormOf<T>();
  d.secret = secrecy == kSecret;
  d.aliases = std::move(aliases);
  d.decode = [member, name](const Json& raw, Settings* s, const DecodeContext& ctx) {
    return Decode(raw, &(s->*member), name, ctx);
  };
  d.encode = [member](const Settings& s) { return Encode(s.*member); };
  return d;
}

std::vector<SettingDef> AwsDefs() {
  using S = Settings;
  const std::string g = "aws";
  return {
      Def("aws_default_region", &S::aws_default_region, g, "Region used when none is given"),
      Def("aws_allowed_regions", &S::aws_allowed_regions, g, "Regions workers may run in"),
      Def("aws_accounts", &S::aws_accounts, g,
          "Named accounts {name: {role_arn, external_id, regions}} managed through AssumeRole"),
      Def("aws_endpoint_url", &S::aws_endpoint_url, g, "Endpoint override for every AWS service"),
      Def("aws_endpoint_url_ec2", &S::aws_endpoint_url_ec2, g, "Endpoint override for EC2"),
      Def("aws_endpoint_url_cloudwatch", &S::aws_endpoint_url_cloudwatch, g,
          "Endpoint override for CloudWatch"),
      Def("aws_endpoint_url_sts", &S::aws_endpoint_url_sts, g, "Endpoint override for STS"),
      Def("aws_endpoint_url_iam", &S::aws_endpoint_url_iam, g, "Endpoint override for IAM"),
      Def("aws_access_key_id", &S::aws_access_key_id, g, "Explicit access key id", kSecret),
      Def("aws_secret_access_key", &S::aws_secret_access_key, g, "Explicit secret key", kSecret),
      Def("aws_session_token", &S::aws_session_token, g, "Explicit session token", kSecret),
      Def("aws_profile", &S::aws_profile, g, "Profile of ~/.aws/credentials and ~/.aws/config"),
      Def("aws_max_attempts", &S::aws_max_attempts, g, "Attempts per AWS call (1-10)"),
      Def("aws_connect_timeout_seconds", &S::aws_connect_timeout_seconds, g,
          "TCP/TLS connect timeout for AWS calls"),
      Def("aws_request_timeout_seconds", &S::aws_request_timeout_seconds, g,
          "Whole-request timeout for AWS calls"),
  };
}

std::vector<SettingDef> WorkerDefs() {
  using S = Settings;
  const std::string g = "worker";
  return {
      Def("cml_worker_ami_config", &S::cml_worker_ami_config, g,
          "Per region {ami_id, ami_name, cml_version, instance_type}"),
      Def("cml_worker_ami_ids", &S::cml_worker_ami_ids, g, "Flat {region: ami_id}, merged"),
      Def("cml_worker_ami_names", &S::cml_worker_ami_names, g, "Flat {region: ami_name}, merged"),
      Def("cml_worker_network_config", &S::cml_worker_network_config, g,
          "Per region {vpc_id, subnet_id, security_group_ids, security_group_names, "
          "assign_public_ip}"),
      Def("cml_worker_vpc_id", &S::cml_worker_vpc_id, g, "VPC of the default region"),
      Def("cml_worker_subnet_id", &S::cml_worker_subnet_id, g, "Subnet of the default region"),
      Def("cml_worker_security_group_ids", &S::cml_worker_security_group_ids, g,
          "Security group ids of the default region"),
      Def("cml_worker_security_group_names", &S::cml_worker_security_group_names, g,
          "Security group names of the default region"),
      Def("cml_worker_key_pairs", &S::cml_worker_key_pairs, g, "Per region {region: key pair}"),
      Def("cml_worker_key_name", &S::cml_worker_key_name, g, "Key pair of the default region"),
      Def("cml_worker_default_instance_type", &S::cml_worker_default_instance_type, g,
          "Instance type used when none is given", kPlain, {"cml_worker_instance_type"}),
      Def("cml_worker_allowed_instance_types", &S::cml_worker_allowed_instance_types, g,
          "Instance types workers may use"),
      Def("cml_worker_username", &S::cml_worker_username, g, "OS user of the worker image"),
      Def("cml_worker_default_tags", &S::cml_worker_default_tags, g,
          "Tags of every worker; values may use {worker_id} and {name}"),
      Def("cml_worker_root_volume_gib", &S::cml_worker_root_volume_gib, g,
          "Root volume size in GiB (8-16384)"),
  };
}

std::vector<SettingDef> CmlDefs() {
  using S = Settings;
  const std::string g = "cml";
  const std::string l = "license";
  return {
      Def("cml_https_port", &S::cml_https_port, g, "Port of the CML web UI"),
      Def("cml_api_port", &S::cml_api_port, g, "Port of the CML REST API"),
      Def("cml_api_username", &S::cml_api_username, g, "CML API user"),
      Def("cml_api_password", &S::cml_api_password, g, "CML API password", kSecret),
      Def("cml_tls_verify", &S::cml_tls_verify, g, "Verify the CML TLS certificate"),
      Def("cml_tls_ca_file", &S::cml_tls_ca_file, g, "CA bundle for the CML certificate"),
      Def("cml_health_check_interval_seconds", &S::cml_health_check_interval_seconds, g,
          "Interval between CML probes"),
      Def("cml_startup_timeout_seconds", &S::cml_startup_timeout_seconds, g,
          "Time a booting CML may take before its service status is error"),
      Def("cml_connect_timeout_seconds", &S::cml_connect_timeout_seconds, g,
          "TCP/TLS connect timeout for CML calls"),
      Def("cml_request_timeout_seconds", &S::cml_request_timeout_seconds, g,
          "Whole-request timeout for CML calls"),
      Def("cml_max_response_bytes", &S::cml_max_response_bytes, g, "Largest CML answer read"),
      Def("cml_probe_concurrency", &S::cml_probe_concurrency, g, "CML probes run at once"),
      Def("cml_api_base_path", &S::cml_api_base_path, g, "Path prefix of the CML REST API"),
      Def("cml_license_token", &S::cml_license_token, l, "Smart licensing token", kSecret),
      Def("cml_license_check_on_startup", &S::cml_license_check_on_startup, l,
          "Register the licence when a worker starts unregistered"),
      Def("cml_license_release_on_stop", &S::cml_license_release_on_stop, l,
          "Release the licence before stopping a worker"),
  };
}

std::vector<SettingDef> LifecycleDefs() {
  using S = Settings;
  const std::string g = "lifecycle";
  return {
      Def("cml_worker_idle_threshold_minutes", &S::cml_worker_idle_threshold_minutes, g,
          "Idle time after which a worker is stopped"),
      Def("cml_worker_max_idle_before_warning_minutes",
          &S::cml_worker_max_idle_before_warning_minutes, g,
          "Idle time after which an idle warning is sent"),
      Def("cml_worker_auto_shutdown_enabled", &S::cml_worker_auto_shutdown_enabled, g,
          "Stop idle workers (warnings flow either way)"),
      Def("cml_worker_telemetry_collection_interval_seconds",
          &S::cml_worker_telemetry_collection_interval_seconds, g,
          "Interval between activity collections"),
      Def("cml_worker_start_grace_minutes", &S::cml_worker_start_grace_minutes, g,
          "No auto-stop within this time after a start"),
  };
}

std::vector<SettingDef> ServerDefs() {
  using S = Settings;
  const std::string g = "server";
  return {
      Def("environment", &S::environment, g, "development or production"),
      Def("listen", &S::listen, g, "HOST:PORT the API listens on"),
      Def("cors_origins", &S::cors_origins, g, "Origins allowed by CORS"),
      Def("data_dir", &S::data_dir, g, "Directory for the database and tokens"),
      Def("database_url", &S::database_url, g,
          "sqlite:PATH or postgresql://...; default sqlite:<data_dir>/ccm.db"),
      Def("log_level", &S::log_level, g, "debug, info, warn, error or off"),
      Def("max_body_bytes", &S::max_body_bytes, g, "Largest request body"),
      Def("max_connections", &S::max_connections, g, "Open connections at most"),
      Def("idle_timeout_seconds", &S::idle_timeout_seconds, g, "Idle keep-alive timeout"),
      Def("read_timeout_seconds", &S::read_timeout_seconds, g, "Time to read one request"),
      Def("sse_heartbeat_seconds", &S::sse_heartbeat_seconds, g, "SSE heartbeat interval"),
      Def("sse_client_queue", &S::sse_client_queue, g, "Events queued per SSE client at most"),
      Def("sandbox", &S::sandbox, g, "Run against moto and cml-sim started by ccm"),
  };
}

std::vector<SettingDef> AuthDefs() {
  using S = Settings;
  const std::string g = "auth";
  return {
      Def("oidc_issuer", &S::oidc_issuer, g, "OIDC issuer URL (discovery)"),
      Def("oidc_audience", &S::oidc_audience, g, "Expected aud of access tokens"),
      Def("oidc_jwks_url", &S::oidc_jwks_url, g, "JWKS URL (instead of discovery)"),
      Def("oidc_client_id", &S::oidc_client_id, g, "OIDC client id of the dashboard"),
      Def("oidc_roles_claim", &S::oidc_roles_claim, g, "Dotted path of the roles claim"),
      Def("oidc_leeway_seconds", &S::oidc_leeway_seconds, g, "Clock skew allowed for exp/nbf"),
      Def("auth_disabled", &S::auth_disabled, g,
          "No authentication (development on loopback only)"),
      Def("bootstrap_admin_token", &S::bootstrap_admin_token, g,
          "API token with the admin role accepted at start", kSecret),
  };
}

std::vector<SettingDef> AutomationDefs() {
  using S = Settings;
  const std::string g = "reconciler";
  return {
      Def("ec2_sweep_interval_seconds", &S::ec2_sweep_interval_seconds, g, "EC2 sweep interval"),
      Def("metrics_interval_seconds", &S::metrics_interval_seconds, g, "CloudWatch interval"),
      Def("auto_import", &S::auto_import, g, "Import managed instances unknown to the store"),
      Def("idle_cpu_veto_percent", &S::idle_cpu_veto_percent, g,
          "CPU above this keeps a worker active"),
      Def("idle_network_veto_bytes_per_second", &S::idle_network_veto_bytes_per_second, g,
          "Network above this keeps a worker active"),
      Def("cloudwatch_namespace", &S::cloudwatch_namespace, g, "Namespace of our own metrics"),
      Def("cloudwatch_put_metrics", &S::cloudwatch_put_metrics, g, "Publish our worker metrics"),
      Def("license_registration_timeout_seconds", &S::license_registration_timeout_seconds, g,
          "Time a licence registration may take"),
      Def("webhooks", &S::webhooks, "notifications", "List of {url, events, secret}"),
      Def("cost_price_table", &S::cost_price_table, "cost",
          "{region: {instance_type: usd_per_hour}}"),
  };
}

std::vector<SettingDef> BuildSchema() {
  std::vector<SettingDef> all;
  for (auto part : {AwsDefs(), WorkerDefs(), CmlDefs(), LifecycleDefs(), ServerDefs(), AuthDefs(),
                    AutomationDefs()}) {
    for (auto& def : part) all.push_back(std::move(def));
  }
  return all;
}

}  // namespace

const std::vector<SettingDef>& Schema() {
  static const std::vector<SettingDef> schema = BuildSchema();
  return schema;
}

const SettingDef* FindSetting(std::string_view name) {
  for (const auto& def : Schema()) {
    if (def.name == name) return &def;
    for (const auto& alias : def.aliases) {
      if (alias == name) return &def;
    }
  }
  return nullptr;
}

const std::vector<std::string>& AllSettingNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& def : Schema()) {
      out.push_back(def.name);
      out.insert(out.end(), def.aliases.begin(), def.aliases.end());
    }
    return out;
  }();
  return names;
}

std::string EnvName(std::string_view name) {
  std::string out(name);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string FlagName(std::string_view name) {
  std::string out = "--" + std::string(name);
  for (char& c : out) c = c == '_' ? '-' : c;
  return out;
}

}  // namespace internal

const std::vector<std::string>& SecretSettingNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& def : internal::Schema()) {
      if (def.secret) out.push_back(def.name);
    }
    return out;
  }();
  return names;
}

}  // namespace ccm::config
