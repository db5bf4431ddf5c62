#pragma once
// Shared fixture of the cml integration tests: one cml-sim per test suite (plain HTTP, two
// controllers), reset before each test, and a fresh CmlClient per test.
#include <gtest/gtest.h>

#include <memory>

#include "cml/cml_client.hpp"
#include "tests/support/cml_sim.hpp"

namespace ccm::cml {

class SimTest : public ::testing::Test {
 protected:
  // Not "admin": a password equal to a user name would be redacted wherever the name appears.
  static constexpr char kAdminPassword[] = "Sim-Adm1n-Passw0rd";

  static void SetUpTestSuite() {
    sim_ = new testing::CmlSim();
    testing::CmlSimOptions options;
    options.controllers = 2;
    options.extra_args = {"--admin-password", kAdminPassword};
    start_error_ = sim_->Start(options);
  }
  static void TearDownTestSuite() {
    delete sim_;
    sim_ = nullptr;
  }
  void SetUp() override {
    ASSERT_EQ(start_error_, "") << "the CML simulator is required";
    auto reset = sim_->Control("POST", "/control/reset");
    ASSERT_TRUE(reset && reset->status == 200) << "cml-sim reset failed";
    client_ = std::make_unique<CmlClient>(options_);
  }

  CmlTarget Target(int controller = 0, std::string user = "admin") const {
    CmlTarget t;
    t.worker_id = "w" + std::to_string(controller);
    t.endpoint = sim_->controllers().at(controller).url;
    t.username = user;
    t.password = user == "admin" ? kAdminPassword : user;  // the simulator's person: student
    return t;
  }
  std::string Id(int controller = 0) const { return sim_->controllers().at(controller).id; }
  int64_t Counter(const std::string& key, int controller = 0) const {
    return sim_->StateNumber(Id(controller), key);
  }
  void Scenario(const std::string& action, const std::string& body = "{}",
                int controller = 0) const {
    auto r = sim_->Control("POST", "/control/controllers/" + Id(controller) + "/" + action, body);
    ASSERT_TRUE(r) << r.error().ToString();
    ASSERT_EQ(r->status, 200) << action << ": " << r->body;
  }

  static testing::CmlSim* sim_;
  static std::string start_error_;
  CmlClientOptions options_;
  std::unique_ptr<CmlClient> client_;
};

}  // namespace ccm::cml
