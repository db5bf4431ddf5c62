// Routes that reach the worker's CML controller: labs and the licence.
#include "api/handlers.hpp"
#include "api/render.hpp"
#include "core/log.hpp"

namespace ccm::api {

Answer Handlers::ListLabs(Call& call) {
  auto labs = d_.workers->ListLabs(call.ctx, call.id());
  if (!labs) return Failed(labs.error());
  Json items = Json::array();
  for (const auto& lab : *labs) items.push_back(LabJson(lab));
  return JsonAnswer(200, {{"items", items}});
}

Answer Handlers::LabAction(Call& call, control::LabAction action) {
  auto st = d_.workers->ControlLab(call.ctx, call.id(), call.params.at("lab_id"), action);
  if (!st) return Failed(st.error());
  return httpd::Response::Empty(204);
}

Answer Handlers::GetLicense(Call& call) {
  auto license = d_.workers->GetLicense(call.ctx, call.id());
  if (!license) return Failed(license.error());
  return JsonAnswer(200, LicenseJson(*license));
}

Answer Handlers::RegisterLicense(Call& call) {
  control::RegisterLicenseRequest req;
  req.token = GetString(call.body, "token").value_or("");
  log::RegisterSecret(req.token);
  req.reregister = GetBool(call.body, "reregister").value_or(false);
  auto license = d_.workers->RegisterLicense(call.ctx, call.id(), req);
  if (!license) return Failed(license.error());
  return JsonAnswer(200, LicenseJson(*license));
}

Answer Handlers::ReleaseLicense(Call& call) {
  auto outcome = d_.workers->ReleaseLicense(call.ctx, call.id());
  if (!outcome) return Failed(outcome.error());
  return JsonAnswer(200, {{"outcome", cml::DeregistrationName(outcome->outcome)},
                          {"license", LicenseJson(outcome->license)}});
}

}  // namespace ccm::api
