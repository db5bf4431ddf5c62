// Workers in the SQLite store: CRUD, lookups, filters, paging, optimistic concurrency.
// GCC 12 warns about members left out of designated initializers (GCC bug 96868); leaving
// them at their defaults is the point of the filter structs.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <gtest/gtest.h>

#include <set>

#include "store/store.hpp"
#include "store/store_test_util.hpp"

namespace ccm::store {
namespace {

using namespace std::chrono_literals;
using domain::EventType;
using domain::Worker;
using domain::WorkerStatus;
using testing::Ctx;
using testing::MakeWorker;
using testing::N;
using testing::Stored;
using testing::WorkerSpec;

TEST(StoreWorkers, CreateGetAndLookups) {
  auto store = testing::OpenMemory();
  Worker w = MakeWorker(
      {.name = "lab-1", .instance_id = "i-0123456789abcdef0", .client_token = "token-1"});
  ASSERT_TRUE(w.SetAccess("alice", {"carol", "bob"}, Ctx(1s)));
  domain::WorkerRecord expected = w.record();
  auto committed = store->CreateWorker(w);
  ASSERT_TRUE(committed) << committed.error().ToString();
  expected.version = 1;
  EXPECT_EQ(committed->worker.record(), expected);
  EXPECT_FALSE(committed->worker.HasPendingEvents());
  ASSERT_EQ(committed->events.size(), 2u);
  EXPECT_EQ(committed->events[0].type, EventType::kCreated);
  EXPECT_EQ(committed->events[0].worker_version, 1);
  EXPECT_LT(committed->events[0].id, committed->events[1].id);

  auto got = store->GetWorker(expected.id);
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(got->record(), expected) << "every field survives the round trip";
  EXPECT_EQ(store->FindWorkerByInstanceId("i-0123456789abcdef0")->id(), expected.id);
  EXPECT_EQ(store->FindWorkerByClientToken("token-1")->id(), expected.id);

  EXPECT_EQ(store->GetWorker("nope").error().code, Code::kNotFound);
  EXPECT_EQ(store->GetWorker("nope").error().message, "no worker with id 'nope'");
  EXPECT_EQ(store->FindWorkerByInstanceId("i-00000000").error().code, Code::kNotFound);
  EXPECT_EQ(store->FindWorkerByClientToken("x' OR '1'='1").error().code, Code::kNotFound);
}

TEST(StoreWorkers, CreateRefusesDuplicatesAndWritesNothing) {
  auto store = testing::OpenMemory();
  Worker first = Stored(*store, {.instance_id = "i-0123456789abcdef0", .client_token = "ct"});
  int64_t latest = *store->LatestEventId();
  auto dup_instance = store->CreateWorker(MakeWorker({.instance_id = "i-0123456789abcdef0"}));
  ASSERT_FALSE(dup_instance);
  EXPECT_EQ(dup_instance.error().code, Code::kAlreadyExists);
  EXPECT_EQ(dup_instance.error().field, "aws_instance_id");
  auto dup_token = store->CreateWorker(MakeWorker({.client_token = "ct"}));
  EXPECT_EQ(dup_token.error().field, "client_token");
  domain::WorkerRecord again = first.record();
  again.version = 0;
  again.aws_instance_id = "";
  again.client_token = "";
  Worker copy = Worker::Restore(again);
  auto no_events = store->CreateWorker(copy);
  EXPECT_EQ(no_events.error().code, Code::kFailedPrecondition);
  EXPECT_EQ(*store->LatestEventId(), latest) << "refused creates append no events";
  EXPECT_EQ(store->ListWorkers({}, {})->total, 1);
}

TEST(StoreWorkers, UpdateIncrementsVersionAndAppendsEvents) {
  auto store = testing::OpenMemory();
  Worker w = Stored(*store, {.instance_id = "i-0123456789abcdef0"});
  ASSERT_TRUE(w.RequestCommand(domain::WorkerCommand::kStart, Ctx(1min)));
  w.ObserveState(WorkerStatus::kRunning, Ctx(2min, "system:reconciler"));
  auto committed = store->UpdateWorker(w);
  ASSERT_TRUE(committed) << committed.error().ToString();
  EXPECT_EQ(committed->worker.version(), 2);
  ASSERT_EQ(committed->events.size(), 3u);  // command, status, service status
  for (const auto& e : committed->events) EXPECT_EQ(e.worker_version, 2);
  EXPECT_EQ(store->GetWorker(w.id())->record(), committed->worker.record());
  EXPECT_EQ(store->GetWorker(w.id())->status(), WorkerStatus::kRunning);
}

TEST(StoreWorkers, StaleVersionIsAbortedAndWritesNothing) {
  auto store = testing::OpenMemory();
  Worker w = Stored(*store, {});
  Worker a = *store->GetWorker(w.id());
  Worker b = *store->GetWorker(w.id());
  ASSERT_TRUE(a.ReplaceTags({{"who", "a"}}, Ctx(1min)));
  ASSERT_TRUE(b.ReplaceTags({{"who", "b"}}, Ctx(1min)));
  ASSERT_TRUE(store->UpdateWorker(a));
  int64_t latest = *store->LatestEventId();
  auto stale = store->UpdateWorker(b);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, Code::kAborted);
  EXPECT_NE(stale.error().message.find("read it again"), std::string::npos);
  EXPECT_EQ(*store->LatestEventId(), latest) << "a failed update appends no events";
  EXPECT_EQ(store->GetWorker(w.id())->record().tags.at("who"), "a");
  EXPECT_EQ(store->GetWorker(w.id())->version(), 2);

  Worker unchanged = *store->GetWorker(w.id());
  auto same = store->UpdateWorker(unchanged);
  ASSERT_TRUE(same);
  EXPECT_TRUE(same->events.empty());
  EXPECT_EQ(same->worker.version(), 2) << "no events: nothing written, no version bump";
  EXPECT_EQ(store->UpdateWorker(b).error().code, Code::kAborted);
  Worker b_unchanged = Worker::Restore(b.record());
  EXPECT_EQ(store->UpdateWorker(b_unchanged).error().code, Code::kAborted)
      << "stale even without changes";
  domain::WorkerRecord ghost = w.record();
  ghost.id = "00000000-0000-4000-8000-000000000000";
  Worker g = Worker::Restore(ghost);
  ASSERT_TRUE(g.ReplaceTags({{"x", "y"}}, Ctx(2min)));
  EXPECT_EQ(store->UpdateWorker(g).error().code, Code::kNotFound);
}

TEST(StoreWorkers, UpdateRefusesAnInstanceIdOfAnotherWorker) {
  auto store = testing::OpenMemory();
  Stored(*store, {.instance_id = "i-0123456789abcdef0"});
  Worker w = Stored(*store, {});
  ASSERT_TRUE(w.AssignInstance("i-0123456789abcdef0", std::nullopt, Ctx(1min)));
  int64_t latest = *store->LatestEventId();
  auto dup = store->UpdateWorker(w);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Code::kAlreadyExists);
  EXPECT_EQ(*store->LatestEventId(), latest);
  EXPECT_EQ(store->GetWorker(w.id())->record().aws_instance_id, "");
}

TEST(StoreWorkers, PurgeDeletesTheRowAndKeepsTheLog) {
  auto store = testing::OpenMemory();
  Worker w = Stored(*store, {.instance_id = "i-0123456789abcdef0"});
  Worker not_purged = w;
  EXPECT_EQ(store->DeleteWorker(not_purged).error().code, Code::kFailedPrecondition);
  w.ObserveGone(Ctx(1h, "system:reconciler"));
  Committed terminated = *store->UpdateWorker(w);
  Worker stale = terminated.worker;
  Worker t = terminated.worker;
  ASSERT_TRUE(t.RequestPurge(Ctx(2h, "user:admin")));
  auto events = store->DeleteWorker(t);
  ASSERT_TRUE(events) << events.error().ToString();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].type, EventType::kDeleted);
  EXPECT_EQ(store->GetWorker(w.id()).error().code, Code::kNotFound);
  auto history = store->Audit({.worker_id = w.id()});
  ASSERT_TRUE(history);
  EXPECT_EQ(history->events.front().type, EventType::kDeleted);
  EXPECT_GT(history->total, 3);
  ASSERT_TRUE(stale.RequestPurge(Ctx(3h)));
  EXPECT_EQ(store->DeleteWorker(stale).error().code, Code::kNotFound);
}

TEST(StoreWorkers, EveryFilter) {
  auto store = testing::OpenMemory();
  Stored(*store, {.name = "a", .region = "us-east-1", .owner = "alice", .account = ""});
  Stored(*store, {.name = "b", .region = "us-west-2", .owner = "bob", .account = "lab"});
  Worker c = Stored(
      *store,
      {.name = "c", .region = "us-east-1", .owner = "bob", .instance_id = "i-0123456789abcdef0"});
  ASSERT_TRUE(c.SetAccess("bob", {"alice"}, Ctx(1min)));
  c = store->UpdateWorker(c)->worker;
  Worker d = Stored(
      *store,
      {.name = "d", .region = "eu-west-1", .owner = "carol", .instance_id = "i-0123456789abcdef1"});
  d.ObserveGone(Ctx(1min));
  d = store->UpdateWorker(d)->worker;

  auto names = [&](const WorkerFilter& f) {
    std::set<std::string> out;
    auto page = store->ListWorkers(f, {});
    EXPECT_TRUE(page) << page.error().ToString();
    for (const auto& w : page->workers) out.insert(w.name());
    EXPECT_EQ(page->total, static_cast<int64_t>(out.size()));
    return out;
  };
  using Names = std::set<std::string>;
  EXPECT_EQ(names({}), (Names{"a", "b", "c"})) << "terminated left out by default";
  EXPECT_EQ(names({.include_terminated = true}), (Names{"a", "b", "c", "d"}));
  EXPECT_EQ(names({.region = "us-east-1"}), (Names{"a", "c"}));
  EXPECT_EQ(names({.account = std::string("lab")}), (Names{"b"}));
  EXPECT_EQ(names({.account = std::string("")}), (Names{"a", "c"}));
  EXPECT_EQ(names({.statuses = {WorkerStatus::kStopped}}), (Names{"c"}));
  EXPECT_EQ(names({.statuses = {WorkerStatus::kTerminated}}), (Names{"d"}))
      << "asking for terminated includes it";
  EXPECT_EQ(names({.statuses = {WorkerStatus::kPending, WorkerStatus::kStopped}}),
            (Names{"a", "b", "c"}));
  EXPECT_EQ(names({.user = "alice"}), (Names{"a", "c"})) << "owner or assigned";
  EXPECT_EQ(names({.user = "bob"}), (Names{"b", "c"}));
  EXPECT_EQ(names({.user = "carol", .include_terminated = true}), (Names{"d"}));
  EXPECT_EQ(names({.region = "us-east-1", .user = "bob"}), (Names{"c"}));
  EXPECT_EQ(names({.user = "' OR 1=1 --"}), Names{});
}

TEST(StoreWorkers, PagingIsStableAndComplete) {
  auto store = testing::OpenMemory();
  std::vector<std::string> want;
  for (int i = 0; i < 23; ++i) {
    // Several workers per millisecond: the id breaks ties.
    Worker w = Stored(*store, {.name = N(i), .created = std::chrono::milliseconds(i / 3)});
    want.push_back(w.id());
  }
  std::vector<std::string> got;
  PageRequest page{5, ""};
  int pages = 0;
  while (true) {
    auto batch = store->ListWorkers({}, page);
    ASSERT_TRUE(batch) << batch.error().ToString();
    EXPECT_EQ(batch->total, pages < 2 ? 23 : 24) << "the total counts what exists now";
    EXPECT_LE(batch->workers.size(), 5u);
    for (const auto& w : batch->workers) got.push_back(w.id());
    ++pages;
    // A change between pages does not disturb the order.
    if (pages == 2) Stored(*store, {.name = "late", .created = 1h});
    if (batch->next_cursor.empty()) break;
    page.cursor = batch->next_cursor;
  }
  ASSERT_EQ(got.size(), 24u);
  std::vector<std::string> first23(got.begin(), got.begin() + 23);
  std::vector<std::string> sorted = want;
  for (size_t i = 0; i < 23; i += 3) {
    // Within one millisecond the order is by id.
    std::sort(sorted.begin() + i, sorted.begin() + std::min<size_t>(i + 3, 23));
  }
  EXPECT_EQ(first23, sorted);
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), 24u) << "no duplicates";
  auto all = ListAllWorkers(*store, {});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 24u);
}

TEST(StoreWorkers, BadPagingInputNamesTheField) {
  auto store = testing::OpenMemory();
  EXPECT_EQ(store->ListWorkers({}, {0, ""}).error().field, "limit");
  EXPECT_EQ(store->ListWorkers({}, {kMaxPageSize + 1, ""}).error().field, "limit");
  EXPECT_EQ(store->ListWorkers({}, {10, "garbage"}).error().field, "cursor");
  EXPECT_TRUE(store->ListWorkers({}, {10, "12.x'; DROP TABLE workers; --"}))
      << "a well-formed cursor with odd text is only a bound value";
  EXPECT_TRUE(store->ListWorkers({}, {10, ""}));
}

}  // namespace
}  // namespace ccm::store
