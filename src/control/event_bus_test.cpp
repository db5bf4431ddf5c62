#include "control/event_bus.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "core/ids.hpp"
#include "domain/worker.hpp"
#include "store/store.hpp"

namespace ccm::control {
namespace {

using domain::DomainEvent;
using domain::EventType;

DomainEvent Event(int64_t id, std::string worker, EventType type = EventType::kStatusChanged) {
  DomainEvent e;
  e.id = id;
  e.worker_id = std::move(worker);
  e.type = type;
  return e;
}

struct Recorder {
  std::vector<int64_t> ids;
  EventBus::Callback callback() {
    return [this](const DomainEvent& e) { ids.push_back(e.id); };
  }
};

TEST(EventFilterTest, MatchesWorkersAndTypes) {
  EventFilter any;
  EXPECT_TRUE(any.Matches(Event(1, "a")));
  EventFilter f{{"a", "b"}, {EventType::kCreated}};
  EXPECT_TRUE(f.Matches(Event(1, "a", EventType::kCreated)));
  EXPECT_FALSE(f.Matches(Event(1, "c", EventType::kCreated)));
  EXPECT_FALSE(f.Matches(Event(1, "a", EventType::kStatusChanged)));
}

TEST(EventBusTest, DeliversToMatchingSubscribersInOrder) {
  EventBus bus;
  Recorder all, only_b, created;
  bus.Subscribe({}, all.callback());
  bus.Subscribe({{"b"}, {}}, only_b.callback());
  bus.Subscribe({{}, {EventType::kCreated}}, created.callback());
  bus.Publish({Event(1, "a", EventType::kCreated), Event(2, "b"), Event(3, "b")});
  EXPECT_EQ(all.ids, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(only_b.ids, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(created.ids, (std::vector<int64_t>{1}));
  EXPECT_EQ(bus.last_published_id(), 3);
}

TEST(EventBusTest, PublishesEachIdOnceAndDropsUnstoredEvents) {
  EventBus bus;
  Recorder r;
  bus.Subscribe({}, r.callback());
  bus.Publish({Event(5, "a"), Event(0, "a")});
  bus.Publish({Event(5, "a"), Event(4, "a")});  // 4 arrives late from another thread: delivered
  EXPECT_EQ(r.ids, (std::vector<int64_t>{5, 4}));
}

TEST(EventBusTest, UnsubscribeStopsDeliveryAlsoFromInsideTheCallback) {
  EventBus bus;
  Recorder later;
  EventBus::SubscriptionId self = 0;
  int calls = 0;
  self = bus.Subscribe({}, [&](const DomainEvent&) {
    ++calls;
    bus.Unsubscribe(self);
  });
  auto other = bus.Subscribe({}, later.callback());
  bus.Publish({Event(1, "a"), Event(2, "a")});
  EXPECT_EQ(calls, 1);
  bus.Unsubscribe(other);
  bus.Publish({Event(3, "a")});
  EXPECT_EQ(later.ids, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(bus.subscriber_count(), 0u);
}

TEST(EventBusTest, ConcurrentPublishersDeliverEveryEventOnce) {
  EventBus bus;
  std::mutex mu;
  std::vector<int64_t> seen;
  bus.Subscribe({}, [&](const DomainEvent& e) {
    std::lock_guard lock(mu);
    seen.push_back(e.id);
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&bus] {
      for (int64_t i = 1; i <= 500; ++i) bus.Publish({Event(i, "a")});
    });
  }
  for (auto& t : threads) t.join();
  std::sort(seen.begin(), seen.end());
  ASSERT_EQ(seen.size(), 500u);
  for (int64_t i = 1; i <= 500; ++i) EXPECT_EQ(seen[i - 1], i);
}

domain::Worker NewWorker(const std::string& name) {
  domain::NewWorker spec;
  spec.id = NewUuid();
  spec.name = name;
  spec.region = "us-east-1";
  spec.instance_type = "c5.2xlarge";
  return *domain::Worker::Create(spec, {"other-process", TimePoint{}, ""});
}

TEST(EventBusTest, PollPublishesWhatAnotherWriterAppendedOnlyOnce) {
  auto store = store::OpenStore("sqlite::memory:");
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  auto before = (*store)->CreateWorker(NewWorker("old"));
  ASSERT_TRUE(before.has_value());
  EventBus bus(store->get());
  Recorder r;
  bus.Subscribe({}, r.callback());
  ASSERT_EQ(bus.Poll().value_or(-1), 0);  // starts at the log's end: history is not replayed
  // Written by "another process" (straight into the store, not through this bus).
  auto other = (*store)->CreateWorker(NewWorker("other"));
  ASSERT_TRUE(other.has_value());
  // Written here and published here, before the poll reads it too.
  auto mine = (*store)->CreateWorker(NewWorker("mine"));
  ASSERT_TRUE(mine.has_value());
  bus.Publish(mine->events);
  auto polled = bus.Poll();
  ASSERT_TRUE(polled.has_value()) << polled.error().ToString();
  EXPECT_EQ(*polled, 1);
  EXPECT_EQ(r.ids, (std::vector<int64_t>{mine->events[0].id, other->events[0].id}));
  EXPECT_EQ(bus.Poll().value_or(-1), 0);
}

}  // namespace
}  // namespace ccm::control
