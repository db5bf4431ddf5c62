#include "api/render.hpp"

#include "core/json.hpp"
#include "domain/worker_json.hpp"

namespace ccm::api {
namespace {

Json TimeOrNull(const std::optional<TimePoint>& t) {
  return t ? Json(FormatTime(*t)) : Json(nullptr);
}

Json Seconds(Duration d) { return std::chrono::duration_cast<std::chrono::seconds>(d).count(); }

}  // namespace

Json WorkerJson(const domain::WorkerRecord& worker) {
  Json j = domain::ToJson(worker);
  j.erase("client_token");
  j["can_connect"] = domain::Worker::Restore(worker).CanConnect();
  return j;
}

Json EventJson(const domain::DomainEvent& e) {
  auto data = ParseJson(e.data, "data");
  return Json{{"id", e.id},
              {"type", domain::ToString(e.type)},
              {"worker_id", e.worker_id},
              {"worker_version", e.worker_version},
              {"actor", e.actor},
              {"occurred_at", FormatTime(e.occurred_at)},
              {"data", data ? *data : Json::object()},
              {"trace_id", e.trace_id}};
}

Json LabJson(const cml::Lab& lab) {
  return Json{{"id", lab.id},
              {"title", lab.title},
              {"owner", lab.owner},
              {"owner_username", lab.owner_username},
              {"state", lab.state},
              {"node_count", lab.node_count},
              {"link_count", lab.link_count},
              {"created", lab.created},
              {"modified", lab.modified}};
}

Json LicenseJson(const control::LicenseInfo& license) {
  const cml::Licensing& l = license.licensing;
  Json features = Json::array();
  for (const auto& f : l.features) {
    features.push_back(
        {{"id", f.id}, {"name", f.name}, {"status", f.status}, {"in_use", f.in_use}});
  }
  return Json{{"status", domain::ToString(license.status)},
              {"registration_status", l.registration_status},
              {"authorization_status", l.authorization_status},
              {"product_license", l.product_license},
              {"is_enterprise", l.is_enterprise},
              {"registration_expires", l.registration_expires},
              {"authorization_expires", l.authorization_expires},
              {"smart_account", l.smart_account},
              {"virtual_account", l.virtual_account},
              {"features", features}};
}

Json IdleJson(const control::IdleReport& idle) {
  const domain::IdleAssessment& a = idle.assessment;
  bool idle_now = a.idle;
  return Json{{"enabled", idle.enabled},
              {"keep_until", TimeOrNull(idle.keep_until)},
              {"auto_shutdown_enabled", idle.auto_shutdown_enabled},
              {"running", a.running},
              {"idle", idle_now},
              {"idle_since", idle_now ? Json(FormatTime(a.idle_since)) : Json(nullptr)},
              {"idle_seconds", idle_now ? Seconds(a.idle_for) : Json(0)},
              {"last_activity_at", TimeOrNull(a.last_activity_at)},
              {"last_activity_source", a.last_activity_source},
              {"warn_at", a.running ? Json(FormatTime(a.warn_at)) : Json(nullptr)},
              {"planned_stop_at", TimeOrNull(a.planned_stop_at)},
              {"warning_sent", a.warning_sent},
              {"action", domain::ToString(a.action)},
              {"reasons", a.reasons}};
}

Json MetricsJson(const control::WorkerMetrics& m) {
  Json series = Json::array();
  for (const auto& s : m.series) {
    Json points = Json::array();
    for (const auto& p : s.points) points.push_back({{"at", FormatTime(p.at)}, {"value", p.value}});
    series.push_back({{"name", s.name},
                      {"stat", s.stat},
                      {"unit", s.unit},
                      {"latest", s.latest ? Json(*s.latest) : Json(nullptr)},
                      {"points", points}});
  }
  return Json{{"worker_id", m.worker_id},           {"instance_id", m.instance_id},
              {"start", FormatTime(m.start)},       {"end", FormatTime(m.end)},
              {"period_seconds", m.period_seconds}, {"series", series}};
}

Json ConnectJson(const control::ConnectAnswer& a) {
  return Json{{"ready", a.ready},
              {"stage", a.stage},
              {"url", a.url.empty() ? Json(nullptr) : Json(a.url)},
              {"estimate_seconds", a.estimate_seconds},
              {"started", a.started},
              {"worker", WorkerJson(a.worker)}};
}

Json TokenJson(const store::ApiTokenRecord& t) {
  return Json{{"id", t.id},
              {"name", t.name},
              {"role", t.role},
              {"subject", t.subject},
              {"created_at", FormatTime(t.created_at)},
              {"expires_at", TimeOrNull(t.expires_at)},
              {"revoked_at", TimeOrNull(t.revoked_at)}};
}

Json MeJson(const auth::Identity& id) {
  return Json{{"subject", id.subject},           {"name", id.name},   {"email", id.email},
              {"role", auth::RoleName(id.role)}, {"roles", id.roles}, {"method", id.method}};
}

}  // namespace ccm::api
