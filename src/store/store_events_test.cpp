// The event log: ordering, atomicity with worker writes, SSE reads, audit paging, append-only.
// GCC 12 warns about members left out of designated initializers (GCC bug 96868); leaving
// them at their defaults is the point of the filter structs.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "core/json.hpp"
#include "store/store.hpp"
#include "store/store_test_util.hpp"
#include "tests/support/process.hpp"

namespace ccm::store {
namespace {

using namespace std::chrono_literals;
using domain::DomainEvent;
using domain::EventType;
using domain::Worker;
using domain::WorkerStatus;
using testing::Ctx;
using testing::Stored;

// Two workers with a few changes each, interleaved; returns every event in commit order.
std::vector<DomainEvent> Seed(Store& store, std::string* a_id, std::string* b_id) {
  std::vector<DomainEvent> all;
  auto keep = [&](Result<Committed> c) {
    EXPECT_TRUE(c) << (c ? "" : c.error().ToString());
    for (auto& e : c->events) all.push_back(e);
    return c->worker;
  };
  Worker a = keep(store.CreateWorker(testing::MakeWorker({.name = "a"})));
  Worker b = keep(store.CreateWorker(testing::MakeWorker({.name = "b", .owner = "bob"})));
  EXPECT_TRUE(a.AssignInstance("i-0123456789abcdef0", std::nullopt, Ctx(1min)));
  a = keep(store.UpdateWorker(a));
  b.ReplaceTags({{"k", "v"}}, Ctx(2min, "user:bob"));
  b = keep(store.UpdateWorker(b));
  a.ObserveState(WorkerStatus::kRunning, Ctx(3min, "system:reconciler"));
  a = keep(store.UpdateWorker(a));
  auto orphan = store.AppendEvents({domain::MakeOrphanFoundEvent(
      "i-0fedcba9876543210", "us-east-1", "", "running", Ctx(4min, "system:reconciler"))});
  EXPECT_TRUE(orphan);
  for (auto& e : *orphan) all.push_back(e);
  *a_id = a.id();
  *b_id = b.id();
  return all;
}

TEST(EventLog, IdsStrictlyIncreaseInCommitOrderWithoutHoles) {
  auto store = testing::OpenMemory();
  EXPECT_EQ(*store->LatestEventId(), 0);
  std::string a, b;
  std::vector<DomainEvent> all = Seed(*store, &a, &b);
  ASSERT_EQ(all.size(), 7u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].id, static_cast<int64_t>(i + 1));
  EXPECT_EQ(*store->LatestEventId(), 7);
  auto read = store->ReadEventsAfter(0, {}, 100);
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, all) << "what was written is what is read, field for field";
  EXPECT_EQ(all.back().type, EventType::kOrphanFound);
  EXPECT_EQ(all.back().worker_id, "");
  EXPECT_EQ(all.back().worker_version, 0);
  EXPECT_EQ(all[0].trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(EventLog, ReadAfterResumesAndFilters) {
  auto store = testing::OpenMemory();
  std::string a, b;
  std::vector<DomainEvent> all = Seed(*store, &a, &b);
  auto after3 = store->ReadEventsAfter(3, {}, 100);
  ASSERT_EQ(after3->size(), 4u);
  EXPECT_EQ(after3->front().id, 4);
  EXPECT_EQ(store->ReadEventsAfter(0, {}, 2)->back().id, 2) << "limit, oldest first";
  EXPECT_TRUE(store->ReadEventsAfter(7, {}, 100)->empty());
  auto only_b = store->ReadEventsAfter(0, {.worker_ids = {b}}, 100);
  ASSERT_EQ(only_b->size(), 2u);
  for (const auto& e : *only_b) EXPECT_EQ(e.worker_id, b);
  auto status = store->ReadEventsAfter(
      0, {.types = {EventType::kStatusChanged, EventType::kOrphanFound}}, 100);
  ASSERT_EQ(status->size(), 2u);
  EXPECT_EQ((*status)[0].type, EventType::kStatusChanged);
  auto both = store->ReadEventsAfter(0, {{a}, {EventType::kCreated}}, 100);
  ASSERT_EQ(both->size(), 1u);
  EXPECT_EQ(both->front().id, 1);
  EXPECT_EQ(store->ReadEventsAfter(0, {}, 0).error().field, "limit");
  std::vector<std::string> many(501, "x");
  EXPECT_EQ(store->ReadEventsAfter(0, {.worker_ids = many}, 10).error().field, "worker_ids");
}

TEST(EventLog, AuditIsNewestFirstWithFiltersAndPaging) {
  auto store = testing::OpenMemory();
  std::string a, b;
  std::vector<DomainEvent> all = Seed(*store, &a, &b);
  auto page1 = store->Audit({.limit = 3});
  ASSERT_TRUE(page1) << page1.error().ToString();
  EXPECT_EQ(page1->total, 7);
  ASSERT_EQ(page1->events.size(), 3u);
  EXPECT_EQ(page1->events[0].id, 7);
  EXPECT_EQ(page1->events[2].id, 5);
  auto page2 = store->Audit({.limit = 3, .cursor = page1->next_cursor});
  EXPECT_EQ(page2->events[0].id, 4);
  auto page3 = store->Audit({.limit = 3, .cursor = page2->next_cursor});
  ASSERT_EQ(page3->events.size(), 1u);
  EXPECT_EQ(page3->next_cursor, "");

  EXPECT_EQ(store->Audit({.worker_id = a})->total, 4);
  EXPECT_EQ(store->Audit({.actor = "user:bob"})->total, 1);
  EXPECT_EQ(store->Audit({.actor = "system:reconciler"})->total, 3);
  EXPECT_EQ(store->Audit({.types = {EventType::kCreated}})->total, 2);
  auto window = store->Audit({.since = testing::kT0 + 2min, .until = testing::kT0 + 4min});
  ASSERT_EQ(window->total, 3) << "tags at 2 min, status and service status at 3 min";
  for (const auto& e : window->events) {
    EXPECT_GE(e.occurred_at, testing::kT0 + 2min);
    EXPECT_LT(e.occurred_at, testing::kT0 + 4min);
  }
  EXPECT_EQ(store->Audit({.cursor = "abc"}).error().field, "cursor");
  EXPECT_EQ(store->Audit({.limit = 0}).error().field, "limit");
}

TEST(EventLog, OnlyTelemetryIsPruned) {
  auto store = testing::OpenMemory();
  Worker w = Stored(*store, {});
  for (int minute = 1; minute <= 5; ++minute) {
    domain::Telemetry t;
    t.cpu_utilization = minute;
    ASSERT_TRUE(w.UpdateTelemetry(t, Ctx(std::chrono::minutes(minute))));
    w = store->UpdateWorker(w)->worker;
  }
  ASSERT_TRUE(w.ReplaceTags({{"a", "b"}}, Ctx(6min)));
  w = store->UpdateWorker(w)->worker;
  auto pruned = store->PruneTelemetryEvents(testing::kT0 + 3min);
  ASSERT_TRUE(pruned) << pruned.error().ToString();
  EXPECT_EQ(*pruned, 2) << "readings at 1 and 2 minutes";
  auto left = store->ReadEventsAfter(0, {}, 100);
  ASSERT_EQ(left->size(), 5u);
  EXPECT_EQ(left->front().type, EventType::kCreated) << "older, but not telemetry: kept";
  EXPECT_EQ(*store->LatestEventId(), 7);
  EXPECT_EQ(*store->PruneTelemetryEvents(testing::kT0 + 3min), 0);
}

TEST(EventLog, AppendOnlyEvenForSql) {
  std::string dir = ::ccm::testing::MakeTempDir("store-append-only");
  std::string url = "sqlite:" + dir + "/ccm.db";
  {
    auto store = OpenStore(url);
    ASSERT_TRUE(store);
    Stored(**store, {});
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir + "/ccm.db").c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  EXPECT_NE(sqlite3_exec(db, "UPDATE events SET actor = 'mallory'", nullptr, nullptr, &message),
            SQLITE_OK);
  EXPECT_STREQ(message, "the event log is append-only");
  sqlite3_free(message);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM events", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenStore(url);
  EXPECT_EQ((*store)->ReadEventsAfter(0, {}, 10)->front().actor, "user:alice");
}

}  // namespace
}  // namespace ccm::store
