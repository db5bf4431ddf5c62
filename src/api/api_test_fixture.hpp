#pragma once
// Unit-test fixture for the API: a real ApiServer on a free loopback port over a sqlite::memory:
// store, the real EventBus and WorkerService (over control's FakeEc2 / FakeCloudWatch / FakeCml),
// an OIDC verifier fed by an in-process JWKS, and API tokens for each role:
//   admin "carol", operator "olga", user "alice" (owns the fixture's workers), user "bob".
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "api/api_server.hpp"
#include "api/test_jwt.hpp"
#include "auth/api_token.hpp"
#include "control/testing/fake_clouds.hpp"
#include "control/testing/fake_cml.hpp"
#include "control/worker_service.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "http/http_client.hpp"
#include "store/store.hpp"

namespace ccm::api::testing {

inline constexpr char kRegion[] = "us-east-1";
inline constexpr char kAmi[] = "ami-0123456789abcdef0";
inline constexpr char kBootstrap[] = "bootstrap-admin-token-0123456789";
inline constexpr char kOrigin[] = "https://dash.example.test";
inline constexpr char kIssuer[] = "https://idp.example.test/realms/labs";

struct Reply {
  long status = 0;
  http::Headers headers;
  std::string body;
  std::string Header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return "";
  }
  Json json() const {
    auto j = ParseJson(body);
    return j ? *j : Json();
  }
};

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override { Build(); }
  void TearDown() override { Teardown(); }

  // Lets a test change settings or options before Build().
  virtual void Configure(config::Settings& settings, ApiServerOptions& options) {
    (void)settings;
    (void)options;
  }

  void Build() {
    settings_.cml_worker_ami_config[kRegion].ami_id = kAmi;
    settings_.cml_worker_ami_config[kRegion].ami_name = "CML-2.9.0";
    settings_.cml_worker_ami_config[kRegion].cml_version = "2.9.0";
    settings_.cml_api_username = "admin";
    settings_.cml_api_password = "sim-password-1";
    settings_.bootstrap_admin_token = kBootstrap;
    settings_.cors_origins = {kOrigin};
    settings_.oidc_issuer = kIssuer;
    settings_.oidc_audience = "ccm";
    ApiServerOptions options;
    options.handler_threads = 4;
    options.bus_poll_interval = std::chrono::milliseconds(0);
    Configure(settings_, options);
    auto opened = store::OpenStore("sqlite::memory:");
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    store_ = std::move(*opened);
    bus_ = std::make_unique<control::EventBus>(store_.get());
    clouds_ = std::make_unique<control::testing::FakeClouds>(settings_, ec2_, cloudwatch_);
    endpoints_ = control::MakeDirectEndpointResolver(settings_.cml_https_port);
    control::WorkerServiceDeps deps;
    deps.settings = settings_;
    deps.store = store_.get();
    deps.bus = bus_.get();
    deps.clouds = clouds_.get();
    deps.cml = &cml_;
    deps.endpoints = endpoints_.get();
    deps.clock = &clock_;
    service_ = std::make_unique<control::WorkerService>(std::move(deps));
    auth::OidcOptions oidc;
    oidc.issuer = kIssuer;
    oidc.audience = "ccm";
    oidc.jwks_url = "https://idp.example.test/jwks";
    oidc.roles_claim = "realm_access.roles";
    oidc_ = std::make_unique<auth::OidcVerifier>(
        oidc, clock_, [this](const std::string&) { return Result<std::string>(jwks_.Jwks()); });
    ApiServerDeps api;
    api.settings = settings_;
    api.store = store_.get();
    api.workers = service_.get();
    api.bus = bus_.get();
    api.oidc = oidc_.get();
    api.clock = &clock_;
    api.registry = &registry_;
    api.aws_check = aws_check_;
    api.fallback = fallback_;
    server_ = std::make_unique<ApiServer>(std::move(api), options);
    auto port = server_->Start("127.0.0.1:0");
    ASSERT_TRUE(port.has_value()) << port.error().ToString();
    port_ = *port;
    admin_ = MakeToken("ci-admin", "admin", "carol");
    operator_ = MakeToken("ci-operator", "operator", "olga");
    alice_ = MakeToken("alice", "user", "alice");
    bob_ = MakeToken("bob", "user", "bob");
  }

  void Teardown() {
    if (server_) server_->Stop();
    if (service_) service_->Shutdown();
  }

  // An API token straight into the store (the token routes are tested on their own).
  std::string MakeToken(const std::string& name, const std::string& role,
                        const std::string& subject,
                        std::optional<TimePoint> expires_at = std::nullopt) {
    std::string token = auth::GenerateApiToken();
    store::ApiTokenRecord rec;
    rec.id = NewUuid();
    rec.name = name;
    rec.role = role;
    rec.subject = subject;
    rec.token_hash = auth::HashApiToken(token);
    rec.created_at = clock_.Now();
    rec.expires_at = expires_at;
    EXPECT_TRUE(store_->InsertApiToken(rec).has_value());
    return token;
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  Reply Send(const std::string& method, const std::string& path, const std::string& token = "",
             const std::string& body = "", http::Headers headers = {}) {
    http::Request req;
    req.method = method;
    req.url = Url(path);
    req.timeout = std::chrono::milliseconds(10000);
    req.headers = std::move(headers);
    if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
    if (!body.empty()) {
      bool has_type = false;
      for (const auto& [k, v] : req.headers) has_type = has_type || k == "Content-Type";
      if (!has_type) req.headers.emplace_back("Content-Type", "application/json");
      req.body = body;
    }
    auto res = http::Perform(req);
    EXPECT_TRUE(res.has_value()) << method << " " << path << ": "
                                 << (res ? "" : res.error().ToString());
    if (!res) return {};
    return Reply{res->status, res->headers, res->body};
  }

  Reply Get(const std::string& path, const std::string& token) { return Send("GET", path, token); }
  Reply Post(const std::string& path, const std::string& token, const Json& body) {
    return Send("POST", path, token, body.dump());
  }

  control::RequestContext System() const { return {"carol", "", ""}; }

  // A worker owned by alice (assigned: none), launched and refreshed to running with CML up.
  domain::WorkerRecord RunningWorker(const std::string& name = "lab-1",
                                     const std::string& owner = "alice") {
    control::CreateWorkerRequest req;
    req.name = name;
    req.region = kRegion;
    req.owner = owner;
    auto created = service_->Create(System(), req);
    EXPECT_TRUE(created.has_value()) << created.error().ToString();
    service_->Drain();
    auto refreshed = service_->Refresh(System(), created->id);
    EXPECT_TRUE(refreshed.has_value()) << refreshed.error().ToString();
    return refreshed ? *refreshed : *created;
  }

  domain::WorkerRecord StoppedWorker(const std::string& name = "lab-1",
                                     const std::string& owner = "alice") {
    auto w = RunningWorker(name, owner);
    auto stopped = service_->Stop(System(), w.id, {});
    EXPECT_TRUE(stopped.has_value()) << stopped.error().ToString();
    auto refreshed = service_->Refresh(System(), w.id);
    EXPECT_TRUE(refreshed.has_value());
    return refreshed ? *refreshed : w;
  }

  int64_t WorkerCount() {
    store::WorkerFilter f;
    f.include_terminated = true;
    auto all = store::ListAllWorkers(*store_, f);
    EXPECT_TRUE(all.has_value());
    return all ? static_cast<int64_t>(all->size()) : -1;
  }

  int64_t LatestEventId() {
    auto id = store_->LatestEventId();
    EXPECT_TRUE(id.has_value());
    return id ? *id : -1;
  }

  config::Settings settings_;
  ManualClock clock_;
  metrics::Registry registry_;
  control::testing::FakeEc2 ec2_{clock_};
  control::testing::FakeCloudWatch cloudwatch_;
  control::testing::FakeCml cml_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<control::EventBus> bus_;
  std::unique_ptr<control::testing::FakeClouds> clouds_;
  std::unique_ptr<control::EndpointResolver> endpoints_;
  std::unique_ptr<control::WorkerService> service_;
  TestKeys jwks_;
  std::unique_ptr<auth::OidcVerifier> oidc_;
  std::unique_ptr<ApiServer> server_;
  std::function<Status()> aws_check_;  // set in Configure() to have /readyz check AWS
  std::function<std::optional<httpd::Response>(const httpd::Request&)> fallback_;  // dashboard
  int port_ = 0;
  std::string admin_, operator_, alice_, bob_;
};

}  // namespace ccm::api::testing
