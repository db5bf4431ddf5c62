#pragma once
// Test peers for the CML client: the CML simulator (tools/cml-sim), Prism serving or proxying the
// CML 2.9 OpenAPI spec, and a canned HTTP server for answers neither can produce (oversized or
// malformed bodies, scripted statuses). Each is started by the test on a free loopback port and
// stopped with its object. Start() returns "" or the reason the peer could not start; tests FAIL
// on a non-empty reason (never skip).
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "http/http_client.hpp"
#include "tests/support/process.hpp"

namespace ccm::testing {

struct CmlSimOptions {
  int controllers = 1;
  bool tls = false;
  int latency_ms = 0;
  double ready_after_seconds = 0;
  double license_delay_seconds = 0;
  std::string api_base;  // empty: the simulator's default (/api/v0)
  std::vector<std::string> extra_args;
};

struct SimController {
  std::string id;   // "c0"
  std::string url;  // "http://127.0.0.1:PORT" (the endpoint; the API is under /api/v0)
};

// tools/cml-sim, found as $CCM_BUILD_DIR/cml-sim. Its stdout's first JSON line says where it is.
class CmlSim {
 public:
  std::string Start(const CmlSimOptions& options = {});
  void Stop() { process_.Stop(); }

  const std::string& control_url() const { return control_url_; }
  const std::vector<SimController>& controllers() const { return controllers_; }
  const std::string& ca_file() const { return ca_file_; }
  const std::string& log_path() const { return log_path_; }
  pid_t pid() const { return process_.pid(); }

  // A call on the control API, e.g. Control("POST", "/control/controllers/c0/...", "{...}").
  Result<http::Response> Control(const std::string& method, const std::string& path,
                                 const std::string& json_body = "") const;
  // One number from GET /control/controllers/{id}/state, e.g. "logins" or "calls"; -1 if absent.
  int64_t StateNumber(const std::string& controller_id, const std::string& key) const;
  // The same from GET /control/state (summed over controllers).
  int64_t GlobalNumber(const std::string& key) const;

 private:
  ChildProcess process_;
  std::string control_url_;
  std::string ca_file_;
  std::string log_path_;
  std::vector<SimController> controllers_;
};

// Path of the cml-sim executable ($CCM_BUILD_DIR/cml-sim), "" when it is not built.
std::string CmlSimProgram();

// `prism mock|proxy` with the CML 2.9 spec from $CCM_SHARED_DIR/specs.
class Prism {
 public:
  // mode_args: {"mock"} or {"proxy", "--errors", "http://127.0.0.1:PORT/api/v0"}.
  std::string Start(const std::vector<std::string>& mode_args = {"mock"});
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& log_path() const { return log_path_; }

 private:
  int port_ = 0;
  std::string log_path_;
  ChildProcess process_;
};

// Prism's executable (tests/node/node_modules/.bin/prism under $CCM_SOURCE_DIR), "" when absent.
std::string PrismProgram();

// A tiny HTTP/1.1 server on loopback, thread per connection, answering every request with what
// the handler returns. For answers no real peer gives: huge or malformed bodies, scripted codes.
class CannedHttpServer {
 public:
  struct Answer {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::chrono::milliseconds delay{0};
  };
  struct Seen {
    std::string method;
    std::string target;  // path and query
    std::string authorization;
    std::string body;
  };
  using Handler = std::function<Answer(const Seen& request)>;

  explicit CannedHttpServer(Handler handler);
  ~CannedHttpServer();
  CannedHttpServer(const CannedHttpServer&) = delete;
  CannedHttpServer& operator=(const CannedHttpServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<Seen> requests() const;

 private:
  void AcceptLoop();
  void Serve(int fd);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::vector<int> fds_;              // guarded by mu_
  std::vector<std::thread> workers_;  // guarded by mu_
  std::vector<Seen> seen_;            // guarded by mu_
};

}  // namespace ccm::testing
