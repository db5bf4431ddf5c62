#pragma once
// The parts `ccm serve` assembles (cli/serve_app.hpp), in construction order: members are
// destroyed in reverse, so each part outlives everything built on it. Internal to src/cli.
#include <memory>
#include <string>
#include <thread>

#include "api/api_server.hpp"
#include "auth/oidc_verifier.hpp"
#include "cli/aws_context.hpp"
#include "cli/serve_app.hpp"
#include "cli/serve_aws.hpp"
#include "cli/serve_follow.hpp"
#include "cml/cml_client.hpp"
#include "config/settings.hpp"
#include "control/cloud_clients.hpp"
#include "control/endpoint_resolver.hpp"
#include "control/event_bus.hpp"
#include "control/worker_service.hpp"
#include "core/error.hpp"
#include "sandbox/admin_token.hpp"
#include "sandbox/sandbox.hpp"
#include "store/store.hpp"

namespace ccm::cli {

struct ServeParts {
  ServeOptions options;
  config::Settings settings;
  std::unique_ptr<sandbox::Sandbox> sandbox;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<AwsContext> aws;
  std::unique_ptr<AwsIdentityCheck> aws_check;
  std::unique_ptr<control::CloudClients> clouds;
  std::unique_ptr<control::EndpointResolver> endpoints;
  std::unique_ptr<cml::CmlClient> cml;
  std::unique_ptr<control::EventBus> bus;
  std::unique_ptr<control::WorkerService> workers;
  std::unique_ptr<auth::OidcVerifier> oidc;
  std::unique_ptr<api::ApiServer> api;
  std::unique_ptr<FollowUp> follow;
  std::thread background;  // the AWS check and ResumePending at start
  sandbox::SandboxToken sandbox_token;
  int port = 0;
};

// serve_assembly.cpp: each step builds its parts or says why it cannot.
Status StartSandbox(ServeParts& p);
Status OpenServeStore(ServeParts& p);
Status BuildAws(ServeParts& p);
Status SeedSandbox(ServeParts& p);
Status BuildControl(ServeParts& p);
Status StartApi(ServeParts& p);

}  // namespace ccm::cli
