#pragma once
// Sandbox mode (`ccm serve --sandbox`): the whole product on one machine without AWS or CML.
//
// Sandbox::Start runs two helper processes on free loopback ports, owned by this process
// (sandbox/child.hpp: own process group, SIGKILL when ccm dies):
//   - moto_server (on PATH): EC2, CloudWatch and STS. Its state lives only as long as it runs.
//   - cml-sim (next to this executable, else on PATH), with TLS and a short licence delay; it
//     starts with no controller: the sandbox EndpointResolver asks its control API for one per
//     worker (control/endpoint_resolver.hpp).
// Logs and the simulator's certificate go to <data_dir>/sandbox/.
// Apply() points the settings at them: every AWS endpoint at moto with dummy keys (ambient AWS
// credentials and profiles are ignored: sandbox never reaches real AWS), the CML credentials at
// the simulator's admin user (a random password, registered as a secret), the simulator's CA,
// and no automatic licence registration.
// SeedAmis() registers one image "CML-2.9.0-sandbox" per allowed region (RegisterImage) and
// records it in cml_worker_ami_config.
//
// Start must be called from the main thread (see child.hpp about PR_SET_PDEATHSIG).
// Errors: kNotFound when a program is missing (naming it and how to install it), kUnavailable
// when a peer does not come up in time (naming its log file). Not thread-safe.
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "aws/query_transport.hpp"
#include "config/settings.hpp"
#include "core/error.hpp"
#include "sandbox/child.hpp"

namespace ccm::sandbox {

inline constexpr char kSandboxAmiName[] = "CML-2.9.0-sandbox";
inline constexpr char kSandboxCmlVersion[] = "2.9.0";

struct SandboxOptions {
  std::string data_dir;
  std::string moto_program = "moto_server";
  std::string cml_sim_program;  // "" = cml-sim beside /proc/self/exe, else on PATH
  double license_delay_seconds = 3;
  std::chrono::milliseconds start_timeout{60000};
};

struct SandboxPeers {
  std::string moto_endpoint;    // "http://127.0.0.1:PORT"
  std::string cml_control_url;  // "http://127.0.0.1:PORT"
  std::string cml_ca_file;      // the simulator's self-signed certificate (its own CA)
  std::string cml_username;
  std::string cml_password;  // a secret
  std::string log_dir;
};

// What Sandbox::Apply does, for given peers.
void ApplyPeers(const SandboxPeers& peers, config::Settings& settings);

class Sandbox {
 public:
  static Result<std::unique_ptr<Sandbox>> Start(const SandboxOptions& options);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  const SandboxPeers& peers() const { return peers_; }
  void Apply(config::Settings& settings) const { ApplyPeers(peers_, settings); }
  Status SeedAmis(aws::QueryTransport& transport, config::Settings& settings) const;
  std::vector<pid_t> pids() const;
  // Stops both helpers (SIGTERM, then SIGKILL). Idempotent.
  void Stop();

 private:
  Sandbox() = default;
  Status StartMoto(const SandboxOptions& options);
  Status StartCmlSim(const std::string& program, const SandboxOptions& options);
  Status ReadReadyLine(const std::string& line);

  SandboxPeers peers_;
  std::unique_ptr<SupervisedChild> moto_;
  std::unique_ptr<SupervisedChild> cml_sim_;
};

// Every region a worker may be created in: aws_allowed_regions and each account's regions.
std::vector<std::string> SandboxRegions(const config::Settings& settings);

// The cml-sim executable: `configured` when set, else beside the running executable, else PATH.
std::string FindCmlSim(const std::string& configured);

}  // namespace ccm::sandbox
