#include "cml/cml_client.hpp"

#include <algorithm>

#include "cml/internal/client_core.hpp"
#include "cml/internal/parse.hpp"
#include "cml/internal/probe.hpp"
#include "core/log.hpp"
#include "http/multi.hpp"

namespace ccm::cml {

using internal::Call;

CmlClient::CmlClient(CmlClientOptions options)
    : core_(std::make_unique<internal::ClientCore>(std::move(options))) {}

CmlClient::~CmlClient() = default;

uint64_t CmlClient::calls() const { return core_->calls(); }
uint64_t CmlClient::logins() const { return core_->logins(); }

http::MultiStats CmlClient::probe_stats() {
  std::lock_guard lock(probe_mu_);
  return executor_ ? executor_->stats() : http::MultiStats{};
}

Result<http::Response> CmlClient::Send(const CmlTarget& target, const Call& call,
                                       const std::string& token) {
  http::Request request = core_->Prepare(target, call, token);
  Result<http::Response> result = http::Perform(request);
  core_->Observe(target, call, result);
  return result;
}

Result<std::string> CmlClient::Token(const CmlTarget& target, const std::string& stale) {
  std::string key = core_->TokenKey(target);
  if (!stale.empty()) core_->tokens().Invalidate(key, stale);
  if (auto token = core_->tokens().Get(key)) return *token;
  std::lock_guard lock(core_->tokens().LoginMutex(key));
  if (auto token = core_->tokens().Get(key)) return *token;  // another thread just logged in
  Call login = internal::LoginCall(target);
  return core_->AcceptLogin(target, login, Send(target, login, ""));
}

Result<http::Response> CmlClient::Execute(const CmlTarget& target, const Call& call) {
  if (auto valid = core_->ValidateTarget(target, call.auth); !valid) return Fail(valid.error());
  if (!call.auth) return core_->Check(target, call, Send(target, call, ""));
  auto token = Token(target, "");
  if (!token) return Fail(token.error());
  Result<http::Response> result = Send(target, call, *token);
  if (result && result->status == 401) {
    // The controller forgot the token (restart, expiry, revocation): log in once more, retry once.
    auto fresh = Token(target, *token);
    if (!fresh) return Fail(fresh.error());
    result = Send(target, call, *fresh);
  }
  return core_->Check(target, call, std::move(result));
}

Status CmlClient::EnsureLogin(const CmlTarget& target) {
  if (auto valid = core_->ValidateTarget(target, true); !valid) return valid;
  auto token = Token(target, "");
  if (!token) return Fail(token.error());
  return Ok();
}

Result<SystemInfo> CmlClient::GetSystemInformation(const CmlTarget& target) {
  Call call = internal::SystemInformationCall();
  if (auto valid = core_->ValidateTarget(target, false); !valid) return Fail(valid.error());
  return core_->AcceptSystemInformation(target, call, Send(target, call, ""));
}

namespace {

// Parses a 2xx answer with `parse`, naming worker and call on a parse failure.
template <typename Parse>
auto Parsed(Result<http::Response> answer, const CmlTarget& target, const Call& call, Parse parse)
    -> decltype(parse(std::string_view{})) {
  if (!answer) return Fail(answer.error());
  auto parsed = parse(answer->body);
  if (!parsed) return Fail(internal::WrapError(target, call, parsed.error()));
  return parsed;
}

}  // namespace

Result<SystemHealth> CmlClient::GetSystemHealth(const CmlTarget& target) {
  Call call = internal::SystemHealthCall();
  return Parsed(Execute(target, call), target, call, internal::ParseSystemHealth);
}

Result<SystemStats> CmlClient::GetSystemStats(const CmlTarget& target) {
  Call call = internal::SystemStatsCall();
  return Parsed(Execute(target, call), target, call, internal::ParseSystemStats);
}

Result<std::vector<std::string>> CmlClient::ListLabIds(const CmlTarget& target) {
  Call call = internal::LabsCall();
  return Parsed(Execute(target, call), target, call, internal::ParseLabIds);
}

Result<Lab> CmlClient::GetLab(const CmlTarget& target, std::string_view lab_id) {
  if (auto valid = internal::ValidateLabId(lab_id); !valid) return Fail(valid.error());
  Call call = internal::LabCall(lab_id);
  return Parsed(Execute(target, call), target, call,
                [&](std::string_view body) { return internal::ParseLab(body, lab_id); });
}

Status CmlClient::StartLab(const CmlTarget& target, std::string_view lab_id) {
  if (auto valid = internal::ValidateLabId(lab_id); !valid) return valid;
  auto r = Execute(target, internal::LabActionCall(lab_id, "start"));
  return r ? Ok() : Fail(r.error());
}

Status CmlClient::StopLab(const CmlTarget& target, std::string_view lab_id) {
  if (auto valid = internal::ValidateLabId(lab_id); !valid) return valid;
  auto r = Execute(target, internal::LabActionCall(lab_id, "stop"));
  return r ? Ok() : Fail(r.error());
}

Status CmlClient::WipeLab(const CmlTarget& target, std::string_view lab_id) {
  if (auto valid = internal::ValidateLabId(lab_id); !valid) return valid;
  auto r = Execute(target, internal::LabActionCall(lab_id, "wipe"));
  return r ? Ok() : Fail(r.error());
}

Status CmlClient::DeleteLab(const CmlTarget& target, std::string_view lab_id) {
  if (auto valid = internal::ValidateLabId(lab_id); !valid) return valid;
  auto r = Execute(target, internal::DeleteLabCall(lab_id));
  return r ? Ok() : Fail(r.error());
}

Result<std::string> CmlClient::DownloadLab(const CmlTarget& target, std::string_view lab_id) {
  if (auto valid = internal::ValidateLabId(lab_id); !valid) return Fail(valid.error());
  auto r = Execute(target, internal::DownloadLabCall(lab_id));
  if (!r) return Fail(r.error());
  // The spec declares a JSON string; controllers send the YAML text itself. Accept both.
  if (auto text = internal::ParseJsonString(r->body)) return *text;
  return r->body;
}

Result<std::string> CmlClient::ImportLab(const CmlTarget& target, std::string_view title,
                                         std::string_view topology) {
  if (title.empty() || title.size() > 64) {
    return InvalidArgument("title", "must be 1 to 64 characters");
  }
  if (topology.empty()) return InvalidArgument("topology", "must not be empty");
  if (topology.size() > core_->options().max_import_bytes) {
    return InvalidArgument("topology", std::to_string(topology.size()) +
                                           " bytes is over the import limit of " +
                                           std::to_string(core_->options().max_import_bytes));
  }
  Call call = internal::ImportCall(title, topology);
  return Parsed(Execute(target, call), target, call, internal::ParseImportAnswer);
}

Result<Licensing> CmlClient::GetLicensing(const CmlTarget& target) {
  Call call = internal::LicensingCall();
  return Parsed(Execute(target, call), target, call, internal::ParseLicensing);
}

Status CmlClient::RegisterLicence(const CmlTarget& target, std::string_view token,
                                  bool reregister) {
  if (token.empty()) return InvalidArgument("token", "licence token must not be empty");
  log::RegisterSecret(token);
  auto r = Execute(target, internal::RegistrationCall(token, reregister));
  return r ? Ok() : Fail(r.error());
}

Result<Deregistration> CmlClient::DeregisterLicence(const CmlTarget& target) {
  auto r = Execute(target, internal::DeregistrationCall());
  if (r) return r->status == 202 ? Deregistration::kDoneLocallyOnly : Deregistration::kDone;
  // CML answers 400 when nothing is registered: the wanted end state already holds.
  if (r.error().provider_code == "HTTP 400") return Deregistration::kAlreadyDeregistered;
  return Fail(r.error());
}

Status CmlClient::SetProductLicense(const CmlTarget& target, std::string_view product) {
  if (product.empty() || product.size() > 20) {
    return InvalidArgument("product_license", "must be 1 to 20 characters");
  }
  auto r = Execute(target, internal::ProductLicenseCall(product));
  return r ? Ok() : Fail(r.error());
}

Result<std::vector<TelemetryEvent>> CmlClient::ReadNewEvents(const CmlTarget& target) {
  Call call = internal::TelemetryEventsCall();
  auto events = Parsed(Execute(target, call), target, call, internal::ParseTelemetryEvents);
  if (!events) return Fail(events.error());
  return core_->AcceptEvents(target, std::move(*events));
}

std::vector<WorkerSnapshot> CmlClient::Probe(const std::vector<CmlTarget>& targets,
                                             const ProbeOptions& options) {
  std::lock_guard lock(probe_mu_);
  if (!executor_) {
    http::MultiOptions multi;
    multi.max_concurrent = core_->options().max_concurrency;
    executor_ = std::make_unique<http::MultiExecutor>(multi);
  }
  size_t idle = core_->options().max_idle_connections;
  if (idle == 0) idle = std::max(core_->options().max_concurrency, targets.size() * 5);
  executor_->SetMaxIdleConnections(idle);
  internal::ProbeRound round(*core_, *executor_, targets, options);
  return round.Run();
}

void CmlClient::Forget(std::string_view worker_id) {
  core_->tokens().ForgetWorker(worker_id);
  core_->watermarks().Forget(worker_id);
}

TelemetryWatermark CmlClient::Watermark(const std::string& worker_id) const {
  return core_->watermarks().Get(worker_id);
}

void CmlClient::SetWatermark(const std::string& worker_id, TelemetryWatermark watermark) {
  core_->watermarks().Set(worker_id, watermark);
}

}  // namespace ccm::cml
