#pragma once
// cml-sim: many simulated CML controllers in one process, one listener (port) per controller,
// plus a plain-HTTP control endpoint that scripts scenarios (see tools/cml-sim/README.md).
// Latency is applied with server timers, never by sleeping a thread, so hundreds of controllers
// answer concurrently on a couple of io threads.
//
// Threading: all public methods are thread-safe. Start() binds every port and returns once the
// simulator serves; Stop() (also run by the destructor) stops serving.
// Errors: Start/AddController return Result with the reason (port in use, bad cert dir...).
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "httpd/server.hpp"
#include "tools/cml-sim/controller.hpp"

namespace ccm::cmlsim {

struct SimulatorOptions {
  std::string host = "127.0.0.1";
  int controllers = 1;
  int base_port = 0;     // controller i listens on base_port + i; 0 = any free port
  int control_port = 0;  // 0 = any free port
  bool tls = false;
  std::string cert_dir;  // where --tls writes its certificate; "" = a new temp dir
  std::chrono::milliseconds latency{0};
  std::chrono::milliseconds ready_after{0};
  std::chrono::milliseconds license_delay{0};
  std::string admin_user = "admin";
  std::string admin_password = "admin";
  std::chrono::seconds token_ttl{8 * 3600};
  std::string api_base = "/api/v0";  // "" serves the API at the root
  int threads = 2;
  size_t max_body_bytes = 1024 * 1024;  // request body limit (import size limit), 413 beyond
};

struct ControllerInfo {
  std::string id;
  std::string url;  // scheme://host:port (the API is under url + api_base)
  int port = 0;
};

// Settings of a controller created at run time (POST /control/controllers).
struct NewControllerOptions {
  std::optional<std::chrono::milliseconds> ready_after;
  std::optional<std::chrono::milliseconds> latency;
  std::optional<std::chrono::milliseconds> license_delay;
  int port = 0;
};

class Simulator {
 public:
  explicit Simulator(SimulatorOptions options, Clock& clock = SystemClock::Instance());
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  Status Start();
  void Stop();

  // {"control_url":..., "controllers":[{"id","url"}...], "api_base":..., "ca_file"? }
  std::string ReadyLine() const;
  std::string control_url() const;
  std::string ca_file() const { return cert_file_; }
  std::vector<ControllerInfo> Controllers() const;
  std::shared_ptr<Controller> Find(const std::string& id) const;
  Result<ControllerInfo> AddController(const NewControllerOptions& options);
  void SetGlobalLatency(std::chrono::milliseconds latency) { global_latency_ms_ = latency.count(); }
  std::chrono::milliseconds GlobalLatency() const {
    return std::chrono::milliseconds(global_latency_ms_.load());
  }

 private:
  struct Entry {
    std::shared_ptr<Controller> controller;
    ControllerInfo info;
  };
  void ServeApi(const std::shared_ptr<Controller>& controller, httpd::Request request,
                const httpd::Responder& responder);
  // control_api.cpp
  void ServeControl(httpd::Request request, const httpd::Responder& responder);
  httpd::Response Control(const httpd::Request& request);
  httpd::Response ControlController(const std::string& id, const std::string& action,
                                    const std::string& body);
  httpd::Response ControllerAction(Controller& c, const std::string& action,
                                   const std::string& body);
  std::string Url(int port) const;

  SimulatorOptions options_;
  Clock& clock_;
  std::unique_ptr<httpd::Server> server_;
  std::string cert_file_;
  std::string key_file_;
  int control_port_ = 0;
  std::atomic<int64_t> global_latency_ms_{0};
  mutable std::mutex mu_;
  std::vector<Entry> controllers_;  // guarded by mu_
  int next_index_ = 0;              // guarded by mu_
};

}  // namespace ccm::cmlsim
