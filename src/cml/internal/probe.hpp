#pragma once
// One probe round over many workers on one thread (http::MultiExecutor). Per worker the steps
// chain as answers arrive: system_information; when ready and credentials are set, a login only
// if no valid token is cached; then health, stats, labs, licensing (and telemetry) at once; then
// each lab's detail. A 401 drops the token, logs in once (shared by the worker's waiting steps)
// and retries the step once. Errors stay in the worker's snapshot.
// Threading: a round runs on the calling thread; the executor must not be used elsewhere
// meanwhile.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "cml/internal/client_core.hpp"

namespace ccm::http {
class MultiExecutor;
}

namespace ccm::cml::internal {

class ProbeRound {
 public:
  ProbeRound(ClientCore& core, http::MultiExecutor& executor, const std::vector<CmlTarget>& targets,
             const ProbeOptions& options);
  std::vector<WorkerSnapshot> Run();

 private:
  using Answer = std::function<void(Result<http::Response>)>;
  using TokenWaiter = std::function<void(const Result<std::string>&)>;
  struct Worker {
    const CmlTarget* target = nullptr;
    std::string key;  // token cache key
    WorkerSnapshot snapshot;
    std::string token;
    bool login_in_flight = false;
    std::vector<TokenWaiter> waiting;
    std::vector<bool> lab_gone;  // labs deleted between the list and their detail
    std::chrono::steady_clock::time_point started, last_answer;
  };

  void Send(Worker& w, const Call& call, const std::string& token, Answer done);
  void WithToken(Worker& w, TokenWaiter then);
  void Authed(Worker& w, const Call& call, Answer done, bool retried = false);
  void StartSystemInformation(Worker& w);
  void StartSteps(Worker& w);
  void StartLabs(Worker& w);
  void AddError(Worker& w, Error error);

  ClientCore& core_;
  http::MultiExecutor& executor_;
  const ProbeOptions options_;
  std::vector<Worker> workers_;
};

}  // namespace ccm::cml::internal
