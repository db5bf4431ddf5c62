#pragma once
// Unit-test fixture for the automation loops: ServiceTest (sqlite::memory: store, fakes,
// ManualClock) plus a Reconciler and an IdleDetector built from the same settings, in one
// region (the fakes do not separate regions).
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "control/automation/idle_detector.hpp"
#include "control/automation/reconciler.hpp"
#include "control/service_test_util.hpp"
#include "control/testing/fake_cml.hpp"

namespace ccm::control::automation {

using FakeCmlController = testing::FakeCml::Controller;

class AutomationTest : public ServiceTest {
 protected:
  void SetUp() override {
    settings_.aws_allowed_regions = {kRegion};
    settings_.cml_worker_start_grace_minutes = 5;
    ServiceTest::SetUp();
    BuildLoops();
  }

  // (Re)builds the service and the loops from settings_ (after a test changed them).
  void BuildLoops() {
    Build();
    ReconcilerDeps deps;
    deps.settings = settings_;
    deps.writer = &service_->writer();
    deps.clouds = clouds_.get();
    deps.cml = &cml_;
    deps.endpoints = endpoints_.get();
    deps.service = service_.get();
    deps.clock = &clock_;
    detector_.reset();
    reconciler_ = std::make_unique<Reconciler>(std::move(deps));
    detector_ = std::make_unique<IdleDetector>(*reconciler_, service_->writer(), *clouds_, clock_);
  }

  // A launched worker swept to running with its CML service available.
  domain::WorkerRecord Available(const std::string& name = "lab-1") {
    auto w = Launched(name);
    reconciler_->RunOnce();
    auto got = service_->Get(Admin(), w.id);
    EXPECT_TRUE(got.has_value());
    return got ? *got : w;
  }

  static std::vector<std::string> TypesOf(const PassReport& r) {
    std::vector<std::string> out;
    for (const auto& e : r.events) out.emplace_back(ToString(e.type));
    return out;
  }

  static int CountType(const PassReport& r, domain::EventType type) {
    return static_cast<int>(std::count_if(r.events.begin(), r.events.end(),
                                          [&](const auto& e) { return e.type == type; }));
  }

  domain::WorkerRecord Reload(const std::string& id) {
    auto got = service_->Get(Admin(), id);
    EXPECT_TRUE(got.has_value());
    return got ? *got : domain::WorkerRecord{};
  }

  std::unique_ptr<Reconciler> reconciler_;
  std::unique_ptr<IdleDetector> detector_;
};

}  // namespace ccm::control::automation
