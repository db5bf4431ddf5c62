// The role matrix walk: every route x (no token, admin, operator, owning user, assigned user,
// other user), each in a fresh world where the call can succeed, against the answer the one
// table (rbac.cpp) predicts: a success status, 401, 403 or 404.
#include <gtest/gtest.h>

#include "api/api_test_fixture.hpp"
#include "api/rbac.hpp"
#include "api/sse_test_client.hpp"

namespace ccm::api {
namespace {

using testing::ApiTest;

struct Caller {
  std::string name;
  std::string token;
  std::optional<auth::Identity> identity;
  bool sees = false;  // owns or is assigned to the worker the call is about
};

struct Prepared {
  std::string path;
  std::string body;
};

class RbacMatrixTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    dan_ = MakeToken("dan", "user", "dan");
  }

  auth::Identity Id(const std::string& subject, auth::Role role) {
    return auth::Identity{subject, subject, "", role, {std::string(auth::RoleName(role))}, "token"};
  }

  std::vector<Caller> Callers() {
    return {{"no token", "", std::nullopt, false},
            {"admin", admin_, Id("carol", auth::Role::kAdmin), false},
            {"operator", operator_, Id("olga", auth::Role::kOperator), false},
            {"owner (user)", alice_, Id("alice", auth::Role::kUser), true},
            {"assigned (user)", dan_, Id("dan", auth::Role::kUser), true},
            {"other user", bob_, Id("bob", auth::Role::kUser), false}};
  }

  // A fresh world in which `route` can succeed for a caller allowed to call it.
  Prepared Prepare(const RouteSpec& route) {
    const bool needs_stopped = route.id == RouteId::kStartWorker;
    domain::WorkerRecord w = needs_stopped ? StoppedWorker("m-" + std::to_string(++n_))
                                           : RunningWorker("m-" + std::to_string(++n_));
    control::AccessUpdate access;
    access.assigned_users = std::vector<std::string>{"dan"};
    EXPECT_TRUE(service_->SetAccess(System(), w.id, access).has_value());
    std::string path = route.pattern;
    auto put = [&path](const std::string& param, const std::string& value) {
      size_t pos = path.find(param);
      if (pos != std::string::npos) path.replace(pos, param.size(), value);
    };
    put("{id}", w.id);
    put("{lab_id}", route.id == RouteId::kStopLab ? "lab-a" : "lab-b");
    Prepared p{path, ""};
    switch (route.id) {
      case RouteId::kCreateWorker:
        p.body = Json{{"name", "new-" + std::to_string(n_)}, {"region", testing::kRegion}}.dump();
        break;
      case RouteId::kImportWorkers: {
        aws::Instance i;
        i.instance_type = "c5.2xlarge";
        i.image_id = testing::kAmi;
        i.public_ip = "198.51.100.9";
        p.body = Json{{"region", testing::kRegion}, {"instance_id", ec2_.AddInstance(i)}}.dump();
        break;
      }
      case RouteId::kStopWorker:
        p.body = R"({"release_license":false})";
        break;
      case RouteId::kReplaceTags:
        p.body = R"({"tags":{"team":"netops"}})";
        break;
      case RouteId::kMergeTags:
        p.body = R"({"tags":{"team":"labs","gone":null}})";
        break;
      case RouteId::kMonitoring:
        p.body = R"({"enabled":true})";
        break;
      case RouteId::kRegisterLicense:
        p.body = R"({"token":"licence-token-abcdef"})";
        break;
      case RouteId::kReleaseLicense: {
        control::RegisterLicenseRequest reg{"licence-token-abcdef", false};
        EXPECT_TRUE(service_->RegisterLicense(System(), w.id, reg).has_value());
        break;
      }
      case RouteId::kSetIdle:
        p.body = R"({"enabled":false,"keep_until":null})";
        break;
      case RouteId::kSetAccess:
        p.body = R"({"assigned_users":["dan","erin"]})";
        break;
      case RouteId::kCreateToken:
        p.body = Json{{"name", "t-" + std::to_string(n_)}, {"role", "user"}}.dump();
        break;
      case RouteId::kRevokeToken: {
        store::ApiTokenRecord rec;
        rec.id = NewUuid();
        rec.name = "r-" + std::to_string(n_);
        rec.role = "user";
        rec.subject = "x";
        rec.token_hash = auth::HashApiToken(rec.id);
        rec.created_at = clock_.Now();
        EXPECT_TRUE(store_->InsertApiToken(rec).has_value());
        put("{token_id}", rec.id);
        p.path = path;
        break;
      }
      default:
        break;
    }
    return p;
  }

  int Call(const RouteSpec& route, const Prepared& p, const std::string& token) {
    if (route.id == RouteId::kEvents) {  // a stream: only its status line
      testing::RawClient c(port_);
      c.Get(p.path, token);
      return c.Status();
    }
    return static_cast<int>(Send(route.method, p.path, token, p.body).status);
  }

  std::string dan_;
  int n_ = 0;
};

TEST_F(RbacMatrixTest, EveryRouteRoleAndOwnershipGetsWhatTheTableSays) {
  int checked = 0;
  for (const auto& route : RouteTable()) {
    for (const auto& caller : Callers()) {
      Prepared p = Prepare(route);
      int status = Call(route, p, caller.token);
      const auth::Identity* id = caller.identity ? &*caller.identity : nullptr;
      std::string where = route.method + " " + route.pattern + " as " + caller.name;
      switch (Decide(route, id, caller.sees)) {
        case Decision::kAllow:
          EXPECT_NE(std::find(route.success.begin(), route.success.end(), status),
                    route.success.end())
              << where << " -> " << status;
          break;
        case Decision::kUnauthenticated:
          EXPECT_EQ(status, 401) << where;
          break;
        case Decision::kForbidden:
          EXPECT_EQ(status, 403) << where;
          break;
        case Decision::kHidden:
          EXPECT_EQ(status, 404) << where;
          break;
      }
      checked++;
    }
  }
  EXPECT_EQ(checked, static_cast<int>(RouteTable().size() * Callers().size()));
}

TEST_F(RbacMatrixTest, UsersListOnlyTheWorkersTheyOwnOrAreAssignedTo) {
  auto mine = RunningWorker("mine", "alice");
  auto theirs = RunningWorker("theirs", "bob");
  control::AccessUpdate access;
  access.assigned_users = std::vector<std::string>{"alice"};
  auto shared = RunningWorker("shared", "bob");
  ASSERT_TRUE(service_->SetAccess(System(), shared.id, access).has_value());
  auto ids = [](const Json& list) {
    std::set<std::string> out;
    for (const auto& w : list["items"]) out.insert(w["id"].get<std::string>());
    return out;
  };
  EXPECT_EQ(ids(Get("/api/v1/workers", alice_).json()),
            (std::set<std::string>{mine.id, shared.id}));
  EXPECT_EQ(ids(Get("/api/v1/workers", bob_).json()),
            (std::set<std::string>{theirs.id, shared.id}));
  EXPECT_EQ(ids(Get("/api/v1/workers?owner=bob", alice_).json()), std::set<std::string>{});
  EXPECT_EQ(ids(Get("/api/v1/workers", operator_).json()).size(), 3u);
  EXPECT_EQ(Get("/api/v1/workers/" + theirs.id, alice_).status, 404);
  EXPECT_EQ(Get("/api/v1/workers/" + shared.id, alice_).status, 200);
}

}  // namespace
}  // namespace ccm::api
