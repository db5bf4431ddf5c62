// Operations routes (health, readiness, metrics, OpenAPI) and the dispatch table.
#include "api/handlers.hpp"
#include "api/openapi.hpp"
#include "config/validate.hpp"
#include "core/log.hpp"

namespace ccm::api {

Answer Handlers::Healthz(Call&) { return JsonAnswer(200, {{"status", "ok"}}); }

Answer Handlers::Readyz(Call&) {
  Json checks = Json::object();
  bool ready = true;
  auto record = [&](const char* name, const Status& st) {
    checks[name] = st ? "ok" : log::Redact(st.error().message);
    ready = ready && st.has_value();
  };
  record("store", d_.store->Ping());
  auto problems = config::Validate(*d_.settings);
  record("settings",
         problems.empty() ? Ok() : Status(MakeError(Code::kFailedPrecondition, problems.front())));
  if (d_.aws_check) {
    record("aws", d_.aws_check());
  } else {
    checks["aws"] = "not configured";
  }
  return JsonAnswer(ready ? 200 : 503,
                    {{"status", ready ? "ready" : "not ready"}, {"checks", checks}});
}

Answer Handlers::Metrics(Call&) {
  return httpd::Response{
      200, {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}}, d_.registry->Render()};
}

Answer Handlers::OpenApi(Call&) {
  return httpd::Response{200, {{"Content-Type", kJsonContentType}}, OpenApiText()};
}

Answer Handlers::Handle(Call& call) {
  switch (call.route->id) {
    case RouteId::kHealthz:
      return Healthz(call);
    case RouteId::kReadyz:
      return Readyz(call);
    case RouteId::kMetrics:
      return Metrics(call);
    case RouteId::kOpenApi:
      return OpenApi(call);
    case RouteId::kListWorkers:
      return ListWorkers(call);
    case RouteId::kCreateWorker:
      return CreateWorker(call);
    case RouteId::kImportWorkers:
      return ImportWorkers(call);
    case RouteId::kGetWorker:
      return GetWorker(call);
    case RouteId::kDeleteWorker:
      return DeleteWorker(call);
    case RouteId::kStartWorker:
      return StartWorker(call);
    case RouteId::kStopWorker:
      return StopWorker(call);
    case RouteId::kGetTags:
      return GetTags(call);
    case RouteId::kReplaceTags:
      return ReplaceTags(call);
    case RouteId::kMergeTags:
      return MergeTags(call);
    case RouteId::kRefresh:
      return Refresh(call);
    case RouteId::kMonitoring:
      return Monitoring(call);
    case RouteId::kWorkerMetrics:
      return WorkerMetrics(call);
    case RouteId::kListLabs:
      return ListLabs(call);
    case RouteId::kStartLab:
      return LabAction(call, control::LabAction::kStart);
    case RouteId::kStopLab:
      return LabAction(call, control::LabAction::kStop);
    case RouteId::kWipeLab:
      return LabAction(call, control::LabAction::kWipe);
    case RouteId::kGetLicense:
      return GetLicense(call);
    case RouteId::kRegisterLicense:
      return RegisterLicense(call);
    case RouteId::kReleaseLicense:
      return ReleaseLicense(call);
    case RouteId::kConnect:
      return Connect(call);
    case RouteId::kGetIdle:
      return GetIdle(call);
    case RouteId::kSetIdle:
      return SetIdle(call);
    case RouteId::kSetAccess:
      return SetAccess(call);
    case RouteId::kEvents:
      return Events(call);
    case RouteId::kAudit:
      return Audit(call);
    case RouteId::kSettings:
      return Settings(call);
    case RouteId::kMe:
      return Me(call);
    case RouteId::kListTokens:
      return ListTokens(call);
    case RouteId::kCreateToken:
      return CreateToken(call);
    case RouteId::kRevokeToken:
      return RevokeToken(call);
  }
  return Failed(Internal());
}

}  // namespace ccm::api
