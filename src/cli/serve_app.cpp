#include "cli/serve_app.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <iostream>

#include "cli/serve_parts.hpp"
#include "cli/serve_signals.hpp"
#include "core/log.hpp"
#include "sandbox/banner.hpp"

namespace ccm::cli {
namespace {

constexpr char kSystemActor[] = "system:serve";

// Every SSE client and every AWS/CML connection is a descriptor: take what the system allows.
void RaiseFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int Fatal(const char* step, const Error& error) {
  log::Error("ccm serve could not start", {{"step", step}, {"error", error.ToString()}});
  std::cerr << "ccm serve: " << step << ": " << log::Redact(error.message) << "\n";
  return kServeExitStartFailed;
}

Status StartFollowUp(ServeParts& p) {
  // Long enough for an instance to boot and its CML to come up or time out (then: error).
  FollowUpOptions options;
  options.give_up_after = std::max<std::chrono::milliseconds>(
      options.give_up_after,
      config::Seconds(p.settings.cml_startup_timeout_seconds) + std::chrono::minutes(5));
  p.follow = std::make_unique<FollowUp>(*p.workers, *p.bus, options);
  return p.follow->TrackUnsettled(*p.store);
}

void WarnWhenNobodyCanSignIn(ServeParts& p) {
  const config::Settings& s = p.settings;
  if (s.auth_disabled || !s.oidc_issuer.empty() || !s.bootstrap_admin_token.empty()) return;
  auto tokens = p.store->ListApiTokens();
  if (!tokens) return;
  for (const auto& t : *tokens) {
    if (!t.revoked_at) return;
  }
  log::Warn("nobody can sign in: set bootstrap_admin_token or oidc_issuer (or run --sandbox)");
}

// The AWS identity check and the crash repair of launches a previous run left pending.
void StartBackground(ServeParts& p) {
  p.background = std::thread([&p] {
    (void)p.aws_check->Check();
    control::RequestContext ctx;
    ctx.actor = kSystemActor;
    auto report = p.workers->ResumePending(ctx);
    if (!report) {
      log::Error("resuming pending workers failed", {{"error", report.error().ToString()}});
    } else if (!report->resumed.empty() || !report->failed.empty()) {
      log::Info("pending workers resumed", {{"resumed", std::to_string(report->resumed.size())},
                                            {"failed", std::to_string(report->failed.size())}});
    }
  });
}

void Announce(const ServeParts& p) {
  const std::string host = p.settings.listen.substr(0, p.settings.listen.rfind(':'));
  const std::string base =
      "http://" + (host == "0.0.0.0" ? "127.0.0.1" : host) + ":" + std::to_string(p.port);
  log::Info("ccm serve ready", {{"url", base}, {"sandbox", p.sandbox ? "true" : "false"}});
  if (!p.sandbox) return;
  if (p.sandbox_token.created) {
    // The one and only time the token is shown (stdout, never the log).
    std::cout << "Admin API token (shown once; also in " << p.sandbox_token.path << "):\n  "
              << p.sandbox_token.token << "\n";
  }
  const std::string region = p.settings.aws_default_region;
  std::cout << sandbox::TryItBanner({base, p.sandbox_token.path, region}) << std::flush;
}

int Shutdown(ServeParts& p, int signal) {
  log::Info("shutting down", {{"signal", std::to_string(signal)}});
  WatchForForcedExit();
  p.follow->Stop();
  p.api->Stop(p.options.shutdown_grace);
  if (p.background.joinable()) p.background.join();
  p.workers->Shutdown();
  if (auto st = p.store->Flush(); !st) {
    log::Error("store flush failed", {{"error", st.error().ToString()}});
  }
  if (p.sandbox) p.sandbox->Stop();
  log::Info("ccm serve stopped");
  return kServeExitOk;
}

}  // namespace

int RunServe(const config::SettingsFlags& flags, const ServeOptions& options) {
  BlockShutdownSignals();  // before any thread exists: every thread inherits the mask
  RaiseFileLimit();
  config::LoadReport report = flags.Load();
  if (!report.ok()) {
    for (const auto& problem : report.problems) std::cerr << problem << "\n";
    return kServeExitInvalidSettings;
  }
  ServeParts p;
  p.options = options;
  p.settings = report.settings;
  log::Level level = log::Level::kInfo;
  if (log::ParseLevel(p.settings.log_level, &level)) log::SetLevel(level);
  struct Step {
    const char* name;
    Status (*run)(ServeParts&);
  };
  for (const Step& step :
       {Step{"sandbox", StartSandbox}, Step{"store", OpenServeStore}, Step{"aws", BuildAws},
        Step{"sandbox seeding", SeedSandbox}, Step{"control", BuildControl},
        Step{"follow-up", StartFollowUp}, Step{"listen", StartApi}}) {
    if (auto st = step.run(p); !st) return Fatal(step.name, st.error());
  }
  WarnWhenNobodyCanSignIn(p);
  StartBackground(p);
  Announce(p);
  return Shutdown(p, WaitForShutdownSignal());
}

}  // namespace ccm::cli
