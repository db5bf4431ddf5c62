// Smart licensing: registration completes (or fails) after the configured delay, deregistration,
// product licence, and the licence-expiry scenario.
#include <regex>

#include "core/json.hpp"
#include "tools/cml-sim/controller.hpp"
#include "tools/cml-sim/internal/call.hpp"

namespace ccm::cmlsim {

using internal::JsonAnswer;
using internal::NoContent;
using internal::TimeOrNull;

namespace {

constexpr char kSsms[] = "https://smartreceiver.cisco.com/licservice/license";
constexpr char kNodeFeature[] =
    "regid.2019-10.com.cisco.CML_NODE_COUNT,1.0_2607650b-6ca8-46d5-81e5-e6688b7383c4";
constexpr char kBaseFeature[] =
    "regid.2019-10.com.cisco.CML_ENT_BASE,1.0_5b5a7b1f-ad56-4e7b-8a4d-4c4a1e8b4f77";

Json NullTimes() {
  return Json{{"succeeded", nullptr}, {"attempted", nullptr}, {"scheduled", nullptr},
              {"status", nullptr},    {"failure", nullptr},   {"success", nullptr}};
}

}  // namespace

void Controller::AdvanceLicensing(TimePoint now) {
  Licensing& l = data_.licensing;
  if (l.registration != "IN_PROGRESS" || !l.completes_at || now < *l.completes_at) return;
  TimePoint done = *l.completes_at;
  l.completes_at.reset();
  if (data_.scenario.fail_registration) {
    l.registration = "FAILED";
    l.failure = "Failed to register with Smart Software Manager: invalid token";
  } else {
    l.registration = "COMPLETED";
    l.authorization = "IN_COMPLIANCE";
    l.register_succeeded = done;
    l.registration_expires = done + std::chrono::hours(24 * 365);
    l.authorization_expires = done + std::chrono::hours(24 * 90);
  }
  AddEvent("license_info", Json{{"registration", l.registration},
                                {"authorization", l.authorization},
                                {"product_license", l.product_license}});
}

namespace {

Json RegisterTime(const Licensing& l) {
  Json t = NullTimes();
  t["attempted"] = TimeOrNull(l.register_attempted);
  t["succeeded"] = TimeOrNull(l.register_succeeded);
  if (l.registration == "COMPLETED") {
    t["status"] = "SUCCEEDED";
    t["success"] = "SUCCEEDED";
  } else if (l.registration == "FAILED") {
    t["status"] = "FAILED";
    t["failure"] = l.failure.value_or("failed");
  } else if (l.registration == "IN_PROGRESS") {
    t["status"] = "PENDING";
  }
  return t;
}

Json Feature(const char* id, const char* name, int64_t in_use, const std::string& status, int min,
             int max) {
  return Json{{"id", id},         {"name", name},          {"version", "1.0"},
              {"in_use", in_use}, {"status", status},      {"min", min},
              {"max", max},       {"minEndDate", nullptr}, {"maxEndDate", nullptr}};
}

}  // namespace

Answer Controller::GetLicensing(Call&) {
  const Licensing& l = data_.licensing;
  bool registered = l.registration == "COMPLETED";
  int64_t running = 0;
  for (const Lab& lab : data_.labs) {
    for (const Node& n : lab.nodes) running += n.state == "BOOTED" ? 1 : 0;
  }
  std::string status = registered ? (running > 0 ? "IN_USE" : "NOT_IN_USE") : "INIT";
  Json features =
      Json::array({Feature(kBaseFeature, "CML - Enterprise License", 1, status, 1, 1),
                   Feature(kNodeFeature, "CML - Expansion Nodes", running, status, 0, 300)});
  Json body{{"udi", Json{{"hostname", config_.hostname}, {"product_uuid", data_.compute_id}}},
            {"registration",
             Json{{"status", l.registration},
                  {"smart_account", registered ? Json("Simulated Smart Account") : Json(nullptr)},
                  {"virtual_account", registered ? Json("Default") : Json(nullptr)},
                  {"register_time", RegisterTime(l)},
                  {"renew_time", NullTimes()},
                  {"expires", TimeOrNull(l.registration_expires)}}},
            {"authorization", Json{{"status", l.authorization},
                                   {"renew_time", NullTimes()},
                                   {"expires", TimeOrNull(l.authorization_expires)}}},
            {"reservation_mode", false},
            {"features", features},
            {"product_license", Json{{"active", l.product_license},
                                     {"is_enterprise", l.product_license == "CML_Enterprise"}}},
            {"transport", Json{{"proxy", Json{{"server", nullptr}, {"port", nullptr}}},
                               {"ssms", kSsms},
                               {"default_ssms", kSsms}}}};
  return JsonAnswer(200, body);
}

Answer Controller::PostRegistration(Call& call) {
  static const std::regex kToken("^[a-zA-Z0-9+/%=-]{1,256}$");
  auto body = Json::parse(call.api.body, nullptr, false);
  auto token = GetString(body, "token");
  bool reregister = GetBool(body, "reregister").value_or(false);
  if (!token || !std::regex_match(*token, kToken)) {
    return ErrorAnswer(400, "token: must be a Smart Licensing token (1-256 characters)");
  }
  Licensing& l = data_.licensing;
  if (l.registration == "IN_PROGRESS") return ErrorAnswer(409, "Registration is in progress.");
  if (l.registration == "COMPLETED" && !reregister) {
    return ErrorAnswer(400, "The product is already registered; set reregister to renew it.");
  }
  l.registration = "IN_PROGRESS";
  l.register_attempted = call.now;
  l.completes_at = call.now + data_.scenario.license_delay;
  l.failure.reset();
  l.registered_by = call.user->id;
  Json d = UserRef(*call.user);
  d["action"] = "register";
  AddEvent("license_info", d);
  AdvanceLicensing(call.now);
  return NoContent();
}

Answer Controller::DeleteDeregistration(Call& call) {
  Licensing& l = data_.licensing;
  if (l.registration == "IN_PROGRESS") return ErrorAnswer(409, "Registration is in progress.");
  if (l.registration == "NOT_REGISTERED") {
    return ErrorAnswer(400, "The product has already been deregistered.");
  }
  std::string product = l.product_license;
  l = Licensing{};
  l.product_license = product;
  Json d = UserRef(*call.user);
  d["action"] = "deregister";
  AddEvent("license_info", d);
  if (data_.scenario.deregister_local_only) return Answer{202, "", ""};
  return NoContent();
}

Answer Controller::PutProductLicense(Call& call) {
  static const std::regex kProduct("^\\w{1,20}$");
  auto body = Json::parse(call.api.body, nullptr, false);
  // `prism proxy` forwards a JSON string body without its quotes: accept the bare word too.
  if (body.is_discarded()) body = call.api.body;
  if (!body.is_string() || !std::regex_match(body.get<std::string>(), kProduct)) {
    return ErrorAnswer(400, "body: must be a product license name such as \"CML_Enterprise\"");
  }
  Licensing& l = data_.licensing;
  if (l.registration == "COMPLETED" || l.registration == "IN_PROGRESS") {
    return ErrorAnswer(400, "Deregister before changing the product license.");
  }
  l.product_license = body.get<std::string>();
  return NoContent();
}

void Controller::ExpireLicense() {
  std::lock_guard<std::mutex> lock(mu_);
  Licensing& l = data_.licensing;
  l.authorization = "OUT_OF_COMPLIANCE";
  l.authorization_expires = clock_.Now() - std::chrono::seconds(1);
  AddEvent("license_info", Json{{"registration", l.registration},
                                {"authorization", l.authorization},
                                {"product_license", l.product_license}});
}

void Controller::SetLicensingScenario(std::optional<bool> deregister_local_only,
                                      std::optional<bool> fail_registration,
                                      std::optional<std::chrono::milliseconds> delay) {
  std::lock_guard<std::mutex> lock(mu_);
  Scenario& s = data_.scenario;
  if (deregister_local_only) s.deregister_local_only = *deregister_local_only;
  if (fail_registration) s.fail_registration = *fail_registration;
  if (delay) s.license_delay = *delay;
}

}  // namespace ccm::cmlsim
