// Worker collection and lifecycle routes.
#include "api/handlers.hpp"
#include "api/idempotency.hpp"
#include "api/query.hpp"
#include "api/render.hpp"

namespace ccm::api {
namespace {

std::string Str(const Json& body, const char* key) { return GetString(body, key).value_or(""); }

std::vector<std::string> StrList(const Json& body, const char* key) {
  std::vector<std::string> out;
  if (auto it = body.find(key); it != body.end()) {
    for (const auto& v : *it) out.push_back(v.get<std::string>());
  }
  return out;
}

domain::Tags TagMap(const Json& body, const char* key) {
  domain::Tags tags;
  if (auto it = body.find(key); it != body.end()) {
    for (const auto& [k, v] : it->items()) tags[k] = v.get<std::string>();
  }
  return tags;
}

Answer WorkerAnswer(int status, const Result<domain::WorkerRecord>& worker) {
  if (!worker) return Failed(worker.error());
  return JsonAnswer(status, WorkerJson(*worker));
}

tl::expected<control::ListQuery, Problem> ParseListQuery(const Call& call) {
  control::ListQuery q;
  const auto& req = call.request;
  q.region = req.Query("region").value_or("");
  if (!q.region.empty()) {
    if (auto st = domain::ValidateRegion(q.region); !st) return Failed(st.error());
  }
  for (const auto& s : QueryValues(req.target, "status")) {
    auto status = domain::ParseWorkerStatus(s);
    if (!status) return Failed(BadRequest("status", "unknown status '" + s + "'"));
    q.statuses.push_back(*status);
  }
  q.owner = req.Query("owner").value_or("");
  auto terminated = QueryBool(req, "include_terminated", false);
  if (!terminated) return Failed(terminated.error());
  q.include_terminated = *terminated;
  auto limit = QueryInt(req, "limit", 100, 1, control::WorkerService::kMaxListLimit);
  if (!limit) return Failed(limit.error());
  q.limit = static_cast<int>(*limit);
  q.cursor = req.Query("cursor").value_or("");
  return q;
}

}  // namespace

Answer Handlers::ListWorkers(Call& call) {
  auto query = ParseListQuery(call);
  if (!query) return Failed(query.error());
  // A user asking for someone else's workers sees none of them (not an error: a filter).
  if (call.is_user() && !query->owner.empty() && query->owner != call.identity.subject) {
    return JsonAnswer(200, {{"items", Json::array()}, {"next_cursor", nullptr}, {"total", 0}});
  }
  auto list = d_.workers->List(call.ctx, *query);
  if (!list) return Failed(list.error());
  // Assembled from cached per-worker texts: no JSON tree per worker per request.
  std::string body = "{\"items\":[";
  for (size_t i = 0; i < list->items.size(); ++i) {
    if (i > 0) body += ',';
    body += *worker_json_.Render(list->items[i]);
  }
  body += "],\"next_cursor\":";
  body += list->next_cursor.empty() ? "null" : Json(list->next_cursor).dump();
  body += ",\"total\":" + std::to_string(list->total) + "}";
  return httpd::Response{200, {{"Content-Type", kJsonContentType}}, std::move(body)};
}

Answer Handlers::CreateWorker(Call& call) {
  return WithIdempotency(*d_.store, *d_.clock, call, [&]() -> Answer {
    control::CreateWorkerRequest req;
    req.name = Str(call.body, "name");
    req.region = Str(call.body, "region");
    req.instance_type = Str(call.body, "instance_type");
    req.ami_id = Str(call.body, "ami_id");
    req.ami_name = Str(call.body, "ami_name");
    req.account = Str(call.body, "account");
    req.owner = Str(call.body, "owner");
    req.tags = TagMap(call.body, "tags");
    auto worker = d_.workers->Create(call.ctx, req);
    if (!worker) return Failed(worker.error());
    auto answer = JsonAnswer(202, WorkerJson(*worker));
    answer->headers.emplace_back("Location", "/api/v1/workers/" + worker->id);
    return answer;
  });
}

Answer Handlers::ImportWorkers(Call& call) {
  return WithIdempotency(*d_.store, *d_.clock, call, [&]() -> Answer {
    control::ImportRequest req;
    req.region = Str(call.body, "region");
    req.instance_id = Str(call.body, "instance_id");
    req.instance_ids = StrList(call.body, "instance_ids");
    req.ami_name = Str(call.body, "ami_name");
    for (const auto& [k, v] : TagMap(call.body, "tags")) req.tags[k] = v;
    req.account = Str(call.body, "account");
    req.owner = Str(call.body, "owner");
    auto result = d_.workers->Import(call.ctx, req);
    if (!result) return Failed(result.error());
    Json imported = Json::array(), known = Json::array();
    for (const auto& w : result->imported) imported.push_back(WorkerJson(w));
    for (const auto& k : result->already_known) {
      known.push_back({{"instance_id", k.instance_id}, {"worker_id", k.worker_id}});
    }
    return JsonAnswer(200, {{"imported", imported}, {"already_known", known}});
  });
}

Answer Handlers::GetWorker(Call& call) {
  return WorkerAnswer(200, d_.workers->Get(call.ctx, call.id()));
}

Answer Handlers::DeleteWorker(Call& call) {
  auto purge = QueryBool(call.request, "purge", false);
  if (!purge) return Failed(purge.error());
  auto outcome = d_.workers->Terminate(call.ctx, call.id(), control::TerminateRequest{*purge});
  if (!outcome) return Failed(outcome.error());
  if (outcome->purged || !outcome->worker) return httpd::Response::Empty(204);
  return JsonAnswer(202, WorkerJson(*outcome->worker));
}

Answer Handlers::StartWorker(Call& call) {
  return WorkerAnswer(202, d_.workers->Start(call.ctx, call.id()));
}

Answer Handlers::StopWorker(Call& call) {
  control::StopRequest req;
  req.release_license = GetBool(call.body, "release_license").value_or(false);
  req.hibernate = GetBool(call.body, "hibernate").value_or(false);
  return WorkerAnswer(202, d_.workers->Stop(call.ctx, call.id(), req));
}

Answer Handlers::SetAccess(Call& call) {
  control::AccessUpdate update;
  if (call.body.contains("owner")) update.owner = Str(call.body, "owner");
  if (call.body.contains("assigned_users"))
    update.assigned_users = StrList(call.body, "assigned_users");
  return WorkerAnswer(200, d_.workers->SetAccess(call.ctx, call.id(), update));
}

}  // namespace ccm::api
