#pragma once
// The route handlers (internal to src/api). Each translates a Call into a use case of the
// WorkerService (or a store read for tokens and audit) and renders the result; none holds a
// business rule. Handle() dispatches on the route id: a switch without default, so a route
// added to the table without a handler does not compile (-Wswitch -Werror).
// Handlers run on handler-pool threads and may block. Thread-safe.
#include <functional>

#include "api/call.hpp"
#include "api/router.hpp"
#include "api/sse.hpp"
#include "api/worker_json_cache.hpp"
#include "config/settings.hpp"
#include "control/worker_service.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "store/store.hpp"

namespace ccm::api {

struct HandlerDeps {
  const config::Settings* settings = nullptr;
  store::Store* store = nullptr;
  control::WorkerService* workers = nullptr;
  EventStreams* streams = nullptr;
  Clock* clock = nullptr;
  metrics::Registry* registry = nullptr;
  std::function<Status()> aws_check;
};

class Handlers {
 public:
  explicit Handlers(HandlerDeps deps) : d_(std::move(deps)) {}
  Answer Handle(Call& call);

 private:
  // Workers (handlers_workers.cpp)
  Answer ListWorkers(Call& call);
  Answer CreateWorker(Call& call);
  Answer ImportWorkers(Call& call);
  Answer GetWorker(Call& call);
  Answer DeleteWorker(Call& call);
  Answer StartWorker(Call& call);
  Answer StopWorker(Call& call);
  Answer SetAccess(Call& call);
  // Tags, refresh, monitoring, metrics, connect, idle (handlers_worker_ops.cpp)
  Answer GetTags(Call& call);
  Answer ReplaceTags(Call& call);
  Answer MergeTags(Call& call);
  Answer Refresh(Call& call);
  Answer Monitoring(Call& call);
  Answer WorkerMetrics(Call& call);
  Answer Connect(Call& call);
  Answer GetIdle(Call& call);
  Answer SetIdle(Call& call);
  // CML labs and licence (handlers_cml.cpp)
  Answer ListLabs(Call& call);
  Answer LabAction(Call& call, control::LabAction action);
  Answer GetLicense(Call& call);
  Answer RegisterLicense(Call& call);
  Answer ReleaseLicense(Call& call);
  // Events, audit, settings, identity, tokens (handlers_admin.cpp)
  Answer Events(Call& call);
  Answer Audit(Call& call);
  Answer Settings(Call& call);
  Answer Me(Call& call);
  Answer ListTokens(Call& call);
  Answer CreateToken(Call& call);
  Answer RevokeToken(Call& call);
  // Operations (handlers_ops.cpp)
  Answer Healthz(Call& call);
  Answer Readyz(Call& call);
  Answer Metrics(Call& call);
  Answer OpenApi(Call& call);

  HandlerDeps d_;
  WorkerJsonCache worker_json_;
};

}  // namespace ccm::api
