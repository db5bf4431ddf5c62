// Validation of the CML service, licence and lifecycle settings.
#include <filesystem>

#include "config/internal/problems.hpp"

namespace ccm::config::internal {
namespace {

void ValidateLifecycle(const Settings& s, Problems* p) {
  p->Positive("cml_worker_idle_threshold_minutes", s.cml_worker_idle_threshold_minutes);
  p->Positive("cml_worker_max_idle_before_warning_minutes",
              s.cml_worker_max_idle_before_warning_minutes);
  if (s.cml_worker_max_idle_before_warning_minutes >= s.cml_worker_idle_threshold_minutes) {
    p->Add("cml_worker_max_idle_before_warning_minutes",
           "must be less than cml_worker_idle_threshold_minutes (" +
               FormatNumber(s.cml_worker_max_idle_before_warning_minutes) +
               " >= " + FormatNumber(s.cml_worker_idle_threshold_minutes) + ")");
  }
  p->Positive("cml_worker_telemetry_collection_interval_seconds",
              s.cml_worker_telemetry_collection_interval_seconds);
  p->NonNegative("cml_worker_start_grace_minutes", s.cml_worker_start_grace_minutes);
}

}  // namespace

void ValidateCml(const Settings& s, Problems* p) {
  p->Port("cml_https_port", s.cml_https_port);
  p->Port("cml_api_port", s.cml_api_port);
  if (!s.cml_api_username.empty() && s.cml_api_password.empty()) {
    p->Add("cml_api_password", "required when cml_api_username is set");
  }
  if (s.cml_api_username.empty() && !s.cml_api_password.empty()) {
    p->Add("cml_api_username", "required when cml_api_password is set");
  }
  std::error_code ec;
  if (!s.cml_tls_ca_file.empty() && !std::filesystem::is_regular_file(s.cml_tls_ca_file, ec)) {
    p->Add("cml_tls_ca_file", "no such file: " + Quote(s.cml_tls_ca_file));
  }
  p->Positive("cml_health_check_interval_seconds", s.cml_health_check_interval_seconds);
  p->Positive("cml_startup_timeout_seconds", s.cml_startup_timeout_seconds);
  p->Positive("cml_connect_timeout_seconds", s.cml_connect_timeout_seconds);
  p->Positive("cml_request_timeout_seconds", s.cml_request_timeout_seconds);
  p->Range("cml_max_response_bytes", s.cml_max_response_bytes, 1024, int64_t{1} << 32);
  p->Range("cml_probe_concurrency", s.cml_probe_concurrency, 1, 4096);
  if (s.cml_api_base_path.empty() || s.cml_api_base_path.front() != '/') {
    p->Add("cml_api_base_path", "must start with '/': " + Quote(s.cml_api_base_path));
  }
  ValidateLifecycle(s, p);
}

}  // namespace ccm::config::internal
