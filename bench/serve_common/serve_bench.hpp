#pragma once
// Shared pieces of the `ccm serve` benchmarks. Figures only; nothing here asserts.
//  - SeedStore: a store at <data_dir>/ccm.db with N running workers whose CML is available (as
//    the reconciler would have left them: addresses, endpoint, tags, telemetry) and an admin API
//    token (stored hashed, like every token).
//  - CcmProcess: `ccm serve` started with an environment that can never reach real AWS.
//  - RssKiB: VmRSS of a process; Percentile of a sample.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "tests/support/process.hpp"

namespace ccm::bench {

struct Seeded {
  std::string token;  // an admin API token valid in the seeded store
  std::vector<std::string> worker_ids;
};

Result<Seeded> SeedStore(const std::string& data_dir, int workers);

// ccm: the path given, else the build directory's ccm.
std::string CcmPath(const std::string& given);

// HOME=home, no AWS credentials or metadata, every AWS endpoint `aws_endpoint` (a loopback URL),
// an AMI for the default region, a bootstrap token nobody uses.
std::map<std::string, std::string> ServeEnvironment(const std::string& home,
                                                    const std::string& aws_endpoint);

class CcmProcess {
 public:
  // `ccm serve --listen 127.0.0.1:PORT --data-dir DATA ARGS...`; output to <data>.log.
  std::string Start(const std::string& ccm, const std::string& data_dir,
                    const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env);
  // Polls GET path until it answers `status`; the time it took from Start, or -1 on timeout.
  double WaitFor(const std::string& path, long status, std::chrono::milliseconds timeout);
  pid_t pid() const { return process_.pid(); }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log_path() const { return log_path_; }
  int Stop() { return process_.Stop(std::chrono::milliseconds(20000)); }

 private:
  testing::ChildProcess process_;
  int port_ = 0;
  std::string log_path_;
  std::chrono::steady_clock::time_point started_;
};

int64_t RssKiB(pid_t pid);
double Percentile(std::vector<double> sample, double p);  // p in [0,100]
void RaiseFileLimit();

}  // namespace ccm::bench
