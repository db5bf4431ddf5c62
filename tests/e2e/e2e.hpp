#pragma once
// End-to-end test harness: the real `ccm serve` process ($CCM_BUILD_DIR/ccm) driven over HTTP,
// with its peers started by the test on free loopback ports:
//   - Api: JSON calls with a bearer token (a transport failure fails the test).
//   - SseClient: a raw-socket Server-Sent Events reader (chunked decoding, Last-Event-ID).
//   - CcmServe: the process itself (SIGTERM to it alone, SIGKILL, its log).
//   - World: moto checking SigV4 (an IAM user's keys given to ccm as AWS_ACCESS_KEY_ID /
//     AWS_SECRET_ACCESS_KEY), a registered AMI, cml-sim with TLS, and `ccm serve` pointed at
//     both (--cml-sim-url) with a bootstrap admin token.
// Peers that cannot start are reported as a non-empty reason: tests FAIL with it, never skip.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/ec2_client.hpp"
#include "aws/query_transport.hpp"
#include "aws/testing/moto_iam.hpp"
#include "core/json.hpp"
#include "http/http_client.hpp"
#include "tests/support/cml_sim.hpp"
#include "tests/support/process.hpp"

namespace ccm::e2e {

struct Reply {
  long status = 0;
  http::Headers headers;
  std::string body;
  Json json;  // null when the body is not JSON
  std::string Header(const std::string& lower_name) const;
};

class Api {
 public:
  Api(std::string base_url, std::string token) : base_(std::move(base_url)), token_(token) {}
  Reply Call(const std::string& method, const std::string& path, const std::string& body = "",
             const http::Headers& extra = {},
             std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;
  Reply Get(const std::string& path) const { return Call("GET", path); }
  Reply Post(const std::string& path, const Json& body = Json::object()) const {
    return Call("POST", path, body.dump());
  }
  const std::string& base() const { return base_; }

 private:
  std::string base_;
  std::string token_;
};

// Polls `done` every 100 ms until it holds or the timeout passes; returns whether it held.
bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);

// GET /api/v1/workers/{id} until `done` holds for the worker JSON; the last one seen either way.
Json WaitForWorker(const Api& api, const std::string& id,
                   const std::function<bool(const Json&)>& done,
                   std::chrono::milliseconds timeout = std::chrono::seconds(60));
bool IsRunningAndAvailable(const Json& worker);
// POST /api/v1/workers {name, region} -> the 202 answer's worker (fails the test otherwise).
Json CreateWorker(const Api& api, const std::string& name, const std::string& region = "us-east-1");

std::string CcmProgram();

// Environment for a ccm process that must never reach real AWS: no ambient credentials or
// profiles (HOME = home), instance metadata off, every AWS endpoint a closed loopback port.
std::map<std::string, std::string> IsolatedAwsEnvironment(const std::string& home);

class CcmServe {
 public:
  // Runs `ccm serve --listen 127.0.0.1:PORT --data-dir DATA_DIR ARGS...` with env added, and
  // waits until /healthz answers. Output (stdout and stderr) goes to <data_dir>/../ccm-N.log.
  std::string Start(const std::string& data_dir, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env,
                    std::chrono::milliseconds timeout = std::chrono::seconds(90));
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return process_.pid(); }
  bool Running() { return process_.Running(); }
  const std::string& log_path() const { return log_path_; }
  std::string Log() const { return testing::ReadFile(log_path_); }
  // SIGTERM to ccm alone (not its group); the waitpid status, or -1 when it did not exit in time.
  int Terminate(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  void Kill9() { process_.Kill9(); }

 private:
  testing::ChildProcess process_;
  int port_ = 0;
  std::string log_path_;
};

// Process ids whose parent is `pid` (from /proc).
std::vector<pid_t> ChildrenOf(pid_t pid);
// True when the process is gone or a zombie, within the timeout.
bool ProcessEnds(pid_t pid, std::chrono::milliseconds timeout);

struct SseEvent {
  std::string id;
  std::string type;  // "message" when the event has no `event:` line
  std::string data;
};

class SseClient {
 public:
  SseClient() = default;
  ~SseClient() { Close(); }
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  // Sends the GET and reads the answer's head; "" when the stream is open (200), else why not.
  std::string Open(int port, const std::string& path, const std::string& token,
                   const std::string& last_event_id = "");
  // The next event (comments skipped); nullopt on timeout or when the stream ended.
  std::optional<SseEvent> Next(std::chrono::milliseconds timeout);
  bool ended() const { return ended_; }
  int status() const { return status_; }
  void Close();

 private:
  bool Fill(std::chrono::milliseconds timeout);  // reads more body bytes into text_
  bool DecodeChunks();

  int fd_ = -1;
  int status_ = 0;
  bool ended_ = false;
  std::string raw_;   // bytes after the head, still chunk-encoded
  std::string text_;  // decoded body not yet parsed into events
};

class World {
 public:
  static constexpr char kRegion[] = "us-east-1";

  // Starts moto (SigV4 on), registers an AMI, starts cml-sim (TLS) and ccm serve.
  std::string Start();
  // Another `ccm serve` on the same peers (own data dir unless given).
  std::string StartCcm(CcmServe& ccm, const std::string& data_dir,
                       const std::vector<std::string>& extra_args = {}) const;
  std::map<std::string, std::string> CcmEnvironment() const;

  Api admin() const { return Api(ccm.url(), admin_token); }
  aws::Ec2Client& ec2() { return *ec2_; }
  // The instance as moto has it now.
  std::optional<aws::Instance> Instance(const std::string& instance_id);
  // An instance launched straight in moto (no ccm tags), as someone outside ccm would; its id.
  Result<std::string> LaunchOutsideCcm(const std::map<std::string, std::string>& tags);

  aws::testing::MotoWithAuth moto;
  testing::CmlSim sim;
  CcmServe ccm;
  std::string ami_id;
  std::string admin_token;
  std::string dir;

 private:
  std::unique_ptr<aws::QueryTransport> transport_;
  std::unique_ptr<aws::Ec2Client> ec2_;
};

}  // namespace ccm::e2e
