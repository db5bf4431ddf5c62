#pragma once
// ApiServer's state (internal to src/api): shared by api_server.cpp (set-up, start/stop, the io
// thread's first look at each request) and pipeline.cpp (authentication, RBAC, bodies and
// handlers on the handler pool; decorating, logging and counting every answer).
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "api/api_server.hpp"
#include "api/authenticator.hpp"
#include "api/call.hpp"
#include "api/handlers.hpp"
#include "api/router.hpp"
#include "api/sse.hpp"
#include "api/task_pool.hpp"

namespace ccm::api {

using SteadyTime = std::chrono::steady_clock::time_point;

struct ApiServer::Impl {
  Impl(ApiServerDeps deps, ApiServerOptions options);
  ~Impl();

  // io thread: trace, CORS and OPTIONS, routing; then hands the call to the pool.
  void OnRequest(httpd::Request request, httpd::Responder responder);
  // handler pool: authentication, ids, visibility, roles, body, the handler; then Finish.
  void Process(Call& call, SteadyTime start);
  // Answers (a problem is rendered), adds the common headers, counts and logs.
  void Finish(Call& call, Answer answer, SteadyTime start);
  void Fallback(Call& call, SteadyTime start);

  httpd::HeaderList CommonHeaders(const httpd::Request& request, const TraceContext& trace) const;
  std::optional<std::string> AllowedOrigin(const httpd::Request& request) const;
  httpd::Response Preflight(const httpd::Request& request, const std::vector<std::string>& methods);
  tl::expected<void, Problem> CheckParams(const Call& call) const;
  tl::expected<void, Problem> Authorize(Call& call);
  void ScheduleTick();
  void SchedulePoll();
  void SchedulePurge();

  ApiServerDeps deps;
  ApiServerOptions options;
  Clock* clock;
  metrics::Registry* registry;
  Router router;
  metrics::Family<metrics::Counter>& requests;
  metrics::Family<metrics::Histogram>& durations;
  metrics::Gauge& sse_gauge;

  std::unique_ptr<httpd::Server> server;  // declared first: destroyed last
  std::unique_ptr<TaskPool> pool;
  std::unique_ptr<Authenticator> authenticator;
  std::unique_ptr<EventStreams> streams;
  std::unique_ptr<Handlers> handlers;

  std::set<std::string> cors_origins;
  bool cors_any = false;
  int port = 0;
  std::atomic<bool> started{false};
  std::atomic<bool> stopping{false};
  std::mutex timer_mu;
  httpd::Timer tick_timer;   // guarded by timer_mu
  httpd::Timer poll_timer;   // guarded by timer_mu
  httpd::Timer purge_timer;  // guarded by timer_mu
};

}  // namespace ccm::api
