#pragma once
// ApiServer: the REST API (/api/v1), the event stream, health, metrics and /openapi.json on one
// asynchronous HTTP server (httpd). `ccm serve` builds the dependencies, then Start(listen) and,
// on SIGTERM, Stop(deadline).
//
// Per request: a W3C traceparent (the caller's when valid, else new; echoed in the answer and
// set as the current trace around all handler work, so log lines and AWS/CML calls carry it),
// routing (404 / 405 problems), CORS for settings.cors_origins only, authentication, path id
// checks, the role matrix (rbac.hpp), strict bodies, the use case on a small handler pool (io
// threads never wait for AWS or CML), an answer through the deferred Responder, security headers
// (nosniff, Cache-Control: no-store), metrics and one access log line (never the token).
// Paths outside /api/v1 and the operations routes go to Deps::fallback when set (the dashboard).
//
// Threading: Start/Stop from one controlling thread; Stop blocks (not from an io thread).
// Errors: Start fails on a bad listen address, a port in use, or auth_disabled on a non-loopback
// address (belt and braces: config validation refuses it too).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "auth/oidc_verifier.hpp"
#include "config/settings.hpp"
#include "control/event_bus.hpp"
#include "control/worker_service.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/metrics.hpp"
#include "httpd/server.hpp"
#include "store/store.hpp"

namespace ccm::api {

struct ApiServerDeps {
  config::Settings settings;
  store::Store* store = nullptr;              // required
  control::WorkerService* workers = nullptr;  // required
  control::EventBus* bus = nullptr;           // required
  auth::OidcVerifier* oidc = nullptr;         // null: no OIDC tokens accepted
  Clock* clock = nullptr;                     // null: the system clock
  metrics::Registry* registry = nullptr;      // null: metrics::Registry::Default()
  // Readiness of AWS (e.g. an STS GetCallerIdentity done at start); empty = not configured.
  std::function<Status()> aws_check;
  // Answers requests outside the API (e.g. the dashboard's static files); nullopt = 404.
  std::function<std::optional<httpd::Response>(const httpd::Request&)> fallback;
};

struct ApiServerOptions {
  int io_threads = 2;
  int handler_threads = 8;   // the pool running use cases (AWS and CML calls block)
  size_t max_queued = 2048;  // requests waiting for a handler thread; beyond: 503
  std::chrono::milliseconds bus_poll_interval{1000};  // EventBus::Poll (other processes); 0 = off
  std::chrono::milliseconds sse_tick{50};             // SSE heartbeat check and paced replay
  size_t sse_high_water_bytes = 256 * 1024;     // history is replayed while less than this waits
  size_t sse_max_buffered_bytes = 1024 * 1024;  // per stream: more unsent is an overflow
  // Expired Idempotency-Key records are deleted this often; 0 = never.
  std::chrono::milliseconds idempotency_purge_interval{600000};
  std::string cert_file;  // TLS: both set = HTTPS
  std::string key_file;
};

class ApiServer {
 public:
  explicit ApiServer(ApiServerDeps deps, ApiServerOptions options = {});
  ~ApiServer();  // Stop()
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Listens on "HOST:PORT" ("[::1]:8080"; port 0 picks one) and starts. Returns the bound port.
  Result<int> Start(const std::string& listen);
  // Graceful: stop accepting, end event streams, let in-flight requests finish until the
  // deadline, stop the handler pool. Idempotent.
  void Stop(std::chrono::milliseconds deadline = std::chrono::milliseconds(5000));

  int port() const;
  size_t sse_clients() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ccm::api
