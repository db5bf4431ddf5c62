// Wire spellings of the enums and event types, validation rules, orphan events.
#include "domain/status.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/json.hpp"
#include "domain/events.hpp"
#include "domain/validation.hpp"

namespace ccm::domain {
namespace {

template <typename E, size_t N, typename P>
void ExpectRoundTrip(const std::array<E, N>& all, P parse, std::set<std::string> want) {
  std::set<std::string> seen;
  for (E value : all) {
    std::string text(ToString(value));
    EXPECT_EQ(parse(text), value) << text;
    seen.insert(text);
  }
  EXPECT_EQ(seen, want);
  EXPECT_FALSE(parse("Running"));
  EXPECT_FALSE(parse(""));
}

TEST(Status, WireSpellings) {
  ExpectRoundTrip(
      kAllWorkerStatuses, ParseWorkerStatus,
      {"pending", "running", "stopping", "stopped", "shutting-down", "terminated", "unknown"});
  ExpectRoundTrip(kAllServiceStatuses, ParseServiceStatus,
                  {"unavailable", "starting", "available", "error"});
  ExpectRoundTrip(kAllLicenseStatuses, ParseLicenseStatus,
                  {"unregistered", "registered", "evaluation", "expired", "invalid"});
  ExpectRoundTrip(kAllCheckStatuses, ParseCheckStatus,
                  {"ok", "impaired", "initializing", "insufficient-data", "not-applicable"});
}

TEST(Events, WireNames) {
  std::set<std::string> names;
  for (EventType t : AllEventTypes()) {
    std::string name(ToString(t));
    EXPECT_EQ(ParseEventType(name), t);
    EXPECT_EQ(name.rfind("worker.", 0), 0u);
    names.insert(name);
  }
  EXPECT_EQ(names.size(), kEventTypeCount);
  for (const char* required :
       {"worker.created", "worker.instance_assigned", "worker.status_changed",
        "worker.service_status_changed", "worker.endpoint_changed", "worker.license_changed",
        "worker.telemetry_updated", "worker.tags_changed", "worker.idle_warning",
        "worker.auto_stopped", "worker.terminated", "worker.deleted", "worker.command_requested",
        "worker.orphan_found", "worker.idle_policy_changed"}) {
    EXPECT_TRUE(names.count(required)) << required;
  }
  EXPECT_FALSE(ParseEventType("worker.exploded"));
}

TEST(Events, OrphanFoundHasNoWorker) {
  TimePoint at{std::chrono::milliseconds(1'800'000'000'123)};
  DomainEvent e = MakeOrphanFoundEvent("i-0123456789abcdef0", "eu-west-1", "lab", "running",
                                       {"system:reconciler", at, "t1"});
  EXPECT_EQ(e.type, EventType::kOrphanFound);
  EXPECT_TRUE(e.worker_id.empty());
  EXPECT_EQ(e.occurred_at, at);
  Json data = ParseJson(e.data).value();
  EXPECT_EQ(data["aws_instance_id"], "i-0123456789abcdef0");
  EXPECT_EQ(data["region"], "eu-west-1");
  EXPECT_EQ(data["account"], "lab");
}

TEST(Validation, Shapes) {
  EXPECT_TRUE(ValidateRegion("us-east-1"));
  EXPECT_TRUE(ValidateRegion("us-gov-west-1"));
  EXPECT_TRUE(ValidateRegion("ap-southeast-4"));
  for (const char* bad :
       {"", "us", "us-east", "US-EAST-1", "us-east-1a", "us--1", "u-east-1", "us-east-1/../x"}) {
    auto st = ValidateRegion(bad);
    ASSERT_FALSE(st) << bad;
    EXPECT_EQ(st.error().field, "region");
  }
  EXPECT_TRUE(ValidateInstanceId("i-0123abcd"));
  EXPECT_TRUE(ValidateInstanceId("i-0123456789abcdef0"));
  EXPECT_FALSE(ValidateInstanceId("i-0123ABCD"));
  EXPECT_FALSE(ValidateInstanceId("i-0123abcd' OR 1=1"));
  EXPECT_TRUE(ValidateAmiId("ami-0123456789abcdef0"));
  EXPECT_FALSE(ValidateAmiId("ami-012345678"));
  EXPECT_TRUE(ValidateInstanceType("m5zn.metal"));
  EXPECT_TRUE(ValidateInstanceType("c5.2xlarge"));
  EXPECT_FALSE(ValidateInstanceType("c5"));
  EXPECT_FALSE(ValidateInstanceType("c5.2XL"));
  EXPECT_TRUE(ValidateWorkerName("Lab 1_a.b-c"));
  EXPECT_FALSE(ValidateWorkerName("-lab"));
  EXPECT_FALSE(ValidateWorkerName("lab\"1"));
  EXPECT_TRUE(ValidateTags({{"Name", "cml"}, {"k", ""}}));
  EXPECT_EQ(ValidateTags({{"AWS:x", "1"}}).error().field, "tags.AWS:x");
  EXPECT_EQ(ValidateTags({{"", "1"}}).error().field, "tags");
  EXPECT_EQ(ValidateTags({{std::string(129, 'k'), "1"}}).error().field,
            "tags." + std::string(128, 'k'));
  EXPECT_FALSE(ValidateClientToken("has space"));
  EXPECT_TRUE(ValidateClientToken("0b7c6f1e-token"));
  EXPECT_EQ(ValidateUser("", "owner").error().message,
            "owner: must be 1..256 characters without control characters");
}

}  // namespace
}  // namespace ccm::domain
