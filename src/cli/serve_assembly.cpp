// The assembly steps of `ccm serve` (see cli/serve_app.hpp for the order and why).
#include <filesystem>

#include "cli/serve_parts.hpp"
#include "config/validate.hpp"
#include "core/log.hpp"

namespace ccm::cli {
namespace {

// Simulated controllers in sandbox mode come up after a short boot, as a real CML does (so the
// "starting" stage is visible), and register licences quickly.
constexpr double kSandboxControllerBootSeconds = 3;
constexpr double kSandboxLicenseDelaySeconds = 3;

Status ProblemsToStatus(const std::vector<std::string>& problems) {
  if (problems.empty()) return Ok();
  std::string text;
  for (const auto& p : problems) text += (text.empty() ? "" : "\n") + p;
  return MakeError(Code::kInvalidArgument, text);
}

cml::CmlClientOptions CmlOptions(const config::Settings& s) {
  cml::CmlClientOptions o;
  o.connect_timeout = config::Seconds(s.cml_connect_timeout_seconds);
  o.timeout = config::Seconds(s.cml_request_timeout_seconds);
  o.max_response_bytes = static_cast<size_t>(s.cml_max_response_bytes);
  o.max_concurrency = static_cast<size_t>(s.cml_probe_concurrency);
  return o;
}

std::unique_ptr<control::EndpointResolver> MakeResolver(const ServeParts& p) {
  if (p.sandbox) {
    control::SandboxControllerOptions o;
    o.ready_after_seconds = kSandboxControllerBootSeconds;
    o.license_delay_seconds = kSandboxLicenseDelaySeconds;
    return control::MakeSandboxEndpointResolver(p.sandbox->peers().cml_control_url, o);
  }
  if (!p.options.cml_sim_url.empty()) {
    log::Warn("CML endpoints are simulated controllers", {{"cml_sim_url", p.options.cml_sim_url}});
    return control::MakeSandboxEndpointResolver(p.options.cml_sim_url);
  }
  return control::MakeDirectEndpointResolver(p.settings.cml_https_port);
}

}  // namespace

Status StartSandbox(ServeParts& p) {
  if (!p.settings.sandbox) return Ok();
  std::error_code ec;
  std::filesystem::create_directories(p.settings.data_dir, ec);
  if (ec) return MakeError(Code::kInternal, "data_dir: cannot create: " + ec.message());
  sandbox::SandboxOptions options;
  options.data_dir = p.settings.data_dir;
  options.license_delay_seconds = kSandboxLicenseDelaySeconds;
  auto started = sandbox::Sandbox::Start(options);
  if (!started) return Fail(started.error());
  p.sandbox = std::move(*started);
  p.sandbox->Apply(p.settings);
  log::Info("sandbox mode: AWS is a local moto_server, CML endpoints are simulated controllers",
            {{"aws_endpoint_url", p.settings.aws_endpoint_url},
             {"cml_control_url", p.sandbox->peers().cml_control_url}});
  return ProblemsToStatus(config::Validate(p.settings));
}

Status OpenServeStore(ServeParts& p) {
  auto store = store::OpenStore(p.settings.database_url);
  if (!store) return Fail(store.error());
  p.store = std::move(*store);
  log::Info("store open", {{"store", p.store->Describe()}});
  return Ok();
}

Status BuildAws(ServeParts& p) {
  Clock& clock = SystemClock::Instance();
  p.aws = MakeAwsContext(p.settings, clock);
  p.aws_check =
      std::make_unique<AwsIdentityCheck>(*p.aws->transport, p.settings.aws_default_region, clock);
  return Ok();
}

Status SeedSandbox(ServeParts& p) {
  if (!p.sandbox) return Ok();
  if (auto st = p.sandbox->SeedAmis(*p.aws->transport, p.settings); !st) return st;
  auto token =
      sandbox::EnsureSandboxAdminToken(*p.store, p.settings.data_dir, SystemClock::Instance());
  if (!token) return Fail(token.error());
  p.sandbox_token = std::move(*token);
  return Ok();
}

Status BuildControl(ServeParts& p) {
  p.clouds = control::MakeCloudClientsWithTransport(
      p.settings, std::make_unique<SharedTransport>(*p.aws->transport));
  p.endpoints = MakeResolver(p);
  p.cml = std::make_unique<cml::CmlClient>(CmlOptions(p.settings));
  p.bus = std::make_unique<control::EventBus>(p.store.get());
  control::WorkerServiceDeps deps;
  deps.settings = p.settings;
  deps.store = p.store.get();
  deps.bus = p.bus.get();
  deps.clouds = p.clouds.get();
  deps.cml = p.cml.get();
  deps.endpoints = p.endpoints.get();
  deps.clock = &SystemClock::Instance();
  p.workers = std::make_unique<control::WorkerService>(std::move(deps));
  return Ok();
}

Status StartApi(ServeParts& p) {
  const config::Settings& s = p.settings;
  if (!s.oidc_issuer.empty()) {
    auth::OidcOptions o;
    o.issuer = s.oidc_issuer;
    o.audience = s.oidc_audience;
    o.jwks_url = s.oidc_jwks_url;
    o.roles_claim = s.oidc_roles_claim;
    o.leeway = std::chrono::seconds(static_cast<int64_t>(s.oidc_leeway_seconds));
    p.oidc = std::make_unique<auth::OidcVerifier>(o, SystemClock::Instance(), auth::HttpFetcher());
  }
  api::ApiServerDeps deps;
  deps.settings = s;
  deps.store = p.store.get();
  deps.workers = p.workers.get();
  deps.bus = p.bus.get();
  deps.oidc = p.oidc.get();
  AwsIdentityCheck* check = p.aws_check.get();
  deps.aws_check = [check] { return check->Check(); };
  p.api = std::make_unique<api::ApiServer>(std::move(deps));
  auto port = p.api->Start(s.listen);
  if (!port) return Fail(port.error());
  p.port = *port;
  return Ok();
}

}  // namespace ccm::cli
