#pragma once
// EndpointResolver: where a worker's CML controller answers, and how to reach it.
//
// Resolve() gives the worker's HTTPS endpoint from what EC2 reports:
//  - direct (real AWS): "https://<public ip, else private ip>" plus ":<cml_https_port>" when the
//    port is not 443; "" when the instance has no address (or the worker is terminated).
//  - sandbox: one simulated controller per worker, created through the cml-sim control API
//    (POST <control_url>/control/controllers) the first time the worker has an instance, and
//    remembered: a worker whose record already holds an endpoint keeps it (the endpoint is
//    persisted as the worker's https_endpoint by the caller), concurrent calls for one worker
//    create one controller. "" for a worker without an instance or terminated.
// Errors: sandbox allocation failures are kUnavailable naming the control URL (no secrets).
// Threading: thread-safe.
//
// MakeCmlTarget builds the cml::CmlTarget of a worker: endpoint = the record's https_endpoint,
// api_base = endpoint + cml_api_base_path, username/password = cml_api_username /
// cml_api_password (the password is registered as a secret), TLS verify = cml_tls_verify with
// cml_tls_ca_file as the CA bundle.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "cml/cml_types.hpp"
#include "config/settings.hpp"
#include "core/error.hpp"
#include "domain/worker.hpp"

namespace ccm::control {

class EndpointResolver {
 public:
  virtual ~EndpointResolver() = default;
  virtual Result<std::string> Resolve(const domain::WorkerRecord& worker,
                                      std::string_view public_ip, std::string_view private_ip) = 0;
};

// "https://<ip>[:port]" as described above.
std::string DirectEndpoint(std::string_view public_ip, std::string_view private_ip,
                           int64_t https_port);

std::unique_ptr<EndpointResolver> MakeDirectEndpointResolver(int64_t https_port);

// What each new simulated controller is created with (cml-sim control API fields).
struct SandboxControllerOptions {
  double ready_after_seconds = 0;
  int latency_ms = 0;
  double license_delay_seconds = 0;
};

// control_url: cml-sim's control endpoint, e.g. "http://127.0.0.1:41001" (loopback, plain HTTP).
std::unique_ptr<EndpointResolver> MakeSandboxEndpointResolver(
    std::string control_url, SandboxControllerOptions options = {});

cml::CmlTarget MakeCmlTarget(const config::Settings& settings, const domain::WorkerRecord& worker);

}  // namespace ccm::control
