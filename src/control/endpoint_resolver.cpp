#include "control/endpoint_resolver.hpp"

#include "core/json.hpp"
#include "core/log.hpp"
#include "http/http_client.hpp"

namespace ccm::control {
namespace {

bool HasLiveInstance(const domain::WorkerRecord& w) {
  return !w.aws_instance_id.empty() && w.status != domain::WorkerStatus::kTerminated;
}

class DirectResolver final : public EndpointResolver {
 public:
  explicit DirectResolver(int64_t port) : port_(port) {}
  Result<std::string> Resolve(const domain::WorkerRecord& worker, std::string_view public_ip,
                              std::string_view private_ip) override {
    if (worker.status == domain::WorkerStatus::kTerminated) return std::string();
    return DirectEndpoint(public_ip, private_ip, port_);
  }

 private:
  int64_t port_;
};

class SandboxResolver final : public EndpointResolver {
 public:
  SandboxResolver(std::string control_url, SandboxControllerOptions options)
      : control_url_(std::move(control_url)), options_(options) {}

  Result<std::string> Resolve(const domain::WorkerRecord& worker, std::string_view,
                              std::string_view) override {
    if (!HasLiveInstance(worker)) return std::string();
    std::lock_guard lock(mu_);
    auto it = endpoints_.find(worker.id);
    if (it != endpoints_.end()) return it->second;
    if (!worker.https_endpoint.empty()) {
      endpoints_[worker.id] = worker.https_endpoint;
      return worker.https_endpoint;
    }
    // Held across the call: one controller per worker even when two refreshes race.
    auto url = Allocate(worker.id);
    if (!url) return Fail(url.error());
    endpoints_[worker.id] = *url;
    return *url;
  }

 private:
  Result<std::string> Allocate(const std::string& worker_id) {
    http::Request req;
    req.method = "POST";
    req.url = control_url_ + "/control/controllers";
    req.headers = {{"Content-Type", "application/json"}};
    req.body = Json({{"ready_after_seconds", options_.ready_after_seconds},
                     {"latency_ms", options_.latency_ms},
                     {"license_delay_seconds", options_.license_delay_seconds}})
                   .dump();
    req.timeout = std::chrono::seconds(10);
    auto res = http::Perform(req);
    if (!res) {
      return MakeError(Code::kUnavailable, "cml-sim control endpoint " + control_url_ +
                                               " did not answer: " + res.error().message);
    }
    auto body = ParseJson(res->body, "cml-sim answer");
    std::optional<std::string> url;
    if (body) url = GetString(*body, "url");
    if (res->status != 201 || !url || url->empty()) {
      return MakeError(Code::kUnavailable, "cml-sim control endpoint " + control_url_ +
                                               " refused a new controller (HTTP " +
                                               std::to_string(res->status) + ")");
    }
    log::Info("sandbox controller allocated", {{"worker_id", worker_id}, {"endpoint", *url}});
    return *url;
  }

  std::string control_url_;
  SandboxControllerOptions options_;
  std::mutex mu_;
  std::map<std::string, std::string> endpoints_;  // worker id -> endpoint; guarded by mu_
};

}  // namespace

std::string DirectEndpoint(std::string_view public_ip, std::string_view private_ip,
                           int64_t https_port) {
  std::string_view host = public_ip.empty() ? private_ip : public_ip;
  if (host.empty()) return "";
  std::string out = "https://" + std::string(host);
  if (https_port != 443) out += ":" + std::to_string(https_port);
  return out;
}

std::unique_ptr<EndpointResolver> MakeDirectEndpointResolver(int64_t https_port) {
  return std::make_unique<DirectResolver>(https_port);
}

std::unique_ptr<EndpointResolver> MakeSandboxEndpointResolver(std::string control_url,
                                                              SandboxControllerOptions options) {
  while (!control_url.empty() && control_url.back() == '/') control_url.pop_back();
  return std::make_unique<SandboxResolver>(std::move(control_url), options);
}

cml::CmlTarget MakeCmlTarget(const config::Settings& s, const domain::WorkerRecord& worker) {
  cml::CmlTarget t;
  t.worker_id = worker.id;
  t.endpoint = worker.https_endpoint;
  if (!t.endpoint.empty()) t.api_base = t.endpoint + s.cml_api_base_path;
  t.username = s.cml_api_username;
  t.password = s.cml_api_password;
  log::RegisterSecret(t.password);
  t.tls.verify = s.cml_tls_verify;
  t.tls.ca_file = s.cml_tls_ca_file;
  return t;
}

}  // namespace ccm::control
