// Per-worker routes: tags, refresh, monitoring, metrics, connect, idle policy.
#include "api/handlers.hpp"
#include "api/render.hpp"
#include "domain/worker_json.hpp"

namespace ccm::api {
namespace {

Answer TagsAnswer(const domain::Tags& tags) {
  return JsonAnswer(200, {{"tags", domain::ToJson(tags)}});
}

domain::Tags TagsOf(const Json& object) {
  domain::Tags tags;
  for (const auto& [k, v] : object.items()) tags[k] = v.get<std::string>();
  return tags;
}

}  // namespace

Answer Handlers::GetTags(Call& call) {
  auto tags = d_.workers->GetTags(call.ctx, call.id());
  if (!tags) return Failed(tags.error());
  return TagsAnswer(*tags);
}

Answer Handlers::ReplaceTags(Call& call) {
  auto worker = d_.workers->ReplaceTags(call.ctx, call.id(), TagsOf(call.body["tags"]));
  if (!worker) return Failed(worker.error());
  return TagsAnswer(worker->tags);
}

Answer Handlers::MergeTags(Call& call) {
  control::TagPatch patch;
  for (const auto& [k, v] : call.body["tags"].items()) {
    patch[k] = v.is_null() ? std::nullopt : std::optional<std::string>(v.get<std::string>());
  }
  auto worker = d_.workers->MergeTags(call.ctx, call.id(), patch);
  if (!worker) return Failed(worker.error());
  return TagsAnswer(worker->tags);
}

Answer Handlers::Refresh(Call& call) {
  auto worker = d_.workers->Refresh(call.ctx, call.id());
  if (!worker) return Failed(worker.error());
  return JsonAnswer(200, WorkerJson(*worker));
}

Answer Handlers::Monitoring(Call& call) {
  bool enabled = call.body["enabled"].get<bool>();
  auto worker = d_.workers->SetMonitoring(call.ctx, call.id(), enabled);
  if (!worker) return Failed(worker.error());
  return JsonAnswer(200, WorkerJson(*worker));
}

Answer Handlers::WorkerMetrics(Call& call) {
  auto metrics = d_.workers->Metrics(call.ctx, call.id());
  if (!metrics) return Failed(metrics.error());
  return JsonAnswer(200, MetricsJson(*metrics));
}

Answer Handlers::Connect(Call& call) {
  control::ConnectRequest req;
  // Whether this caller may start the worker is the start route's rule, from the one table.
  req.may_start = Decide(Route(RouteId::kStartWorker), &call.identity, true) == Decision::kAllow;
  auto answer = d_.workers->Connect(call.ctx, call.id(), req);
  if (!answer) return Failed(answer.error());
  return JsonAnswer(200, ConnectJson(*answer));
}

Answer Handlers::GetIdle(Call& call) {
  auto idle = d_.workers->GetIdle(call.ctx, call.id());
  if (!idle) return Failed(idle.error());
  return JsonAnswer(200, IdleJson(*idle));
}

Answer Handlers::SetIdle(Call& call) {
  control::IdleUpdate update;
  update.enabled = GetBool(call.body, "enabled");
  if (auto it = call.body.find("keep_until"); it != call.body.end()) {
    update.set_keep_until = true;
    if (it->is_string()) update.keep_until = ParseTime(it->get<std::string>());
  }
  auto idle = d_.workers->SetIdle(call.ctx, call.id(), update);
  if (!idle) return Failed(idle.error());
  return JsonAnswer(200, IdleJson(*idle));
}

}  // namespace ccm::api
