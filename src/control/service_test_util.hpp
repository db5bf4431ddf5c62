#pragma once
// Unit-test fixture for control: a real sqlite::memory: store, an EventBus recording everything
// it publishes, FakeEc2 / FakeCloudWatch / FakeCml behind the interfaces, the direct endpoint
// resolver and a ManualClock; a WorkerService assembled from them.
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <vector>

#include "control/testing/fake_clouds.hpp"
#include "control/testing/fake_cml.hpp"
#include "control/worker_service.hpp"
#include "store/store.hpp"

namespace ccm::control {

class ServiceTest : public ::testing::Test {
 protected:
  static constexpr char kRegion[] = "us-east-1";
  static constexpr char kAmi[] = "ami-0123456789abcdef0";

  void SetUp() override {
    settings_.cml_worker_ami_config[kRegion].ami_id = kAmi;
    settings_.cml_worker_ami_config[kRegion].ami_name = "CML-2.9.0";
    settings_.cml_worker_ami_config[kRegion].cml_version = "2.9.0";
    settings_.cml_api_username = "admin";
    settings_.cml_api_password = "sim-password-1";
    settings_.cml_startup_timeout_seconds = 600;
    Build();
  }

  void TearDown() override {
    if (service_) service_->Shutdown();
    if (sub_ && bus_) bus_->Unsubscribe(sub_);
  }

  // (Re)builds the service on the same store: what a process restart looks like.
  void Build() {
    if (service_) service_->Shutdown();
    service_.reset();
    if (!store_) {
      auto opened = store::OpenStore("sqlite::memory:");
      ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
      store_ = std::move(*opened);
      bus_ = std::make_unique<EventBus>(store_.get());
      sub_ = bus_->Subscribe({}, [this](const domain::DomainEvent& e) {
        std::lock_guard lock(mu_);
        published_.push_back(e);
      });
    }
    clouds_ = std::make_unique<testing::FakeClouds>(settings_, ec2_, cloudwatch_);
    endpoints_ = MakeDirectEndpointResolver(settings_.cml_https_port);
    WorkerServiceDeps deps;
    deps.settings = settings_;
    deps.store = store_.get();
    deps.bus = bus_.get();
    deps.clouds = clouds_.get();
    deps.cml = &cml_;
    deps.endpoints = endpoints_.get();
    deps.clock = &clock_;
    service_ = std::make_unique<WorkerService>(std::move(deps));
  }

  RequestContext Admin() const { return {"alice", "4bf92f3577b34da6a3ce929d0e0e4736", ""}; }

  CreateWorkerRequest Request(const std::string& name = "lab-1") const {
    CreateWorkerRequest r;
    r.name = name;
    r.region = kRegion;
    return r;
  }

  // Creates a worker and waits for its launch.
  domain::WorkerRecord Launched(const std::string& name = "lab-1") {
    auto created = service_->Create(Admin(), Request(name));
    EXPECT_TRUE(created.has_value()) << created.error().ToString();
    service_->Drain();
    auto got = service_->Get(Admin(), created ? created->id : "");
    EXPECT_TRUE(got.has_value());
    return got ? *got : domain::WorkerRecord{};
  }

  // A launched worker refreshed to running with its CML available.
  domain::WorkerRecord Running(const std::string& name = "lab-1") {
    auto w = Launched(name);
    auto refreshed = service_->Refresh(Admin(), w.id);
    EXPECT_TRUE(refreshed.has_value()) << refreshed.error().ToString();
    return refreshed ? *refreshed : w;
  }

  std::vector<domain::DomainEvent> Log(const std::string& worker_id = "") {
    store::EventFilter f;
    if (!worker_id.empty()) f.worker_ids = {worker_id};
    auto events = store_->ReadEventsAfter(0, f, 10000);
    EXPECT_TRUE(events.has_value());
    return events ? *events : std::vector<domain::DomainEvent>{};
  }

  std::vector<std::string> Types(const std::vector<domain::DomainEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.emplace_back(ToString(e.type));
    return out;
  }

  std::vector<domain::DomainEvent> published() {
    std::lock_guard lock(mu_);
    return published_;
  }

  config::Settings settings_;
  ManualClock clock_;
  testing::CallLog calls_;
  testing::FakeEc2 ec2_{clock_, &calls_};
  testing::FakeCloudWatch cloudwatch_{&calls_};
  testing::FakeCml cml_{&calls_};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<EventBus> bus_;
  EventBus::SubscriptionId sub_ = 0;
  std::unique_ptr<testing::FakeClouds> clouds_;
  std::unique_ptr<EndpointResolver> endpoints_;
  std::unique_ptr<WorkerService> service_;
  std::mutex mu_;
  std::vector<domain::DomainEvent> published_;
};

}  // namespace ccm::control
