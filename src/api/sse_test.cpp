// GET /api/v1/events: ids, types and JSON data; Last-Event-ID resume without loss (also while
// events keep coming); filters; a user's view; overflow closing a client that stops reading;
// heartbeats; streams closed by Stop.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "api/api_test_fixture.hpp"
#include "api/sse_test_client.hpp"

namespace ccm::api {
namespace {

using namespace std::chrono_literals;
using testing::ApiTest;
using testing::ParseSse;
using testing::RawClient;
using testing::Reply;
using testing::SseEvent;

class SseTest : public ApiTest {
 protected:
  // Opens a stream and waits until it is live (the retry line is the first thing written).
  std::unique_ptr<RawClient> Open(const std::string& path, const std::string& token,
                                  const std::string& extra = "", int rcvbuf = 0) {
    auto c = std::make_unique<RawClient>(port_, rcvbuf);
    EXPECT_TRUE(c->connected());
    c->Get(path, token, extra);
    c->ReadUntil("retry: 3000");
    EXPECT_EQ(c->Status(), 200) << c->buffer();
    return c;
  }

  // Reads until an event with this id arrived (or the timeout); returns every event so far.
  std::vector<SseEvent> ReadUntilId(RawClient& c, int64_t id, std::chrono::milliseconds t = 5s) {
    c.ReadUntil("id: " + std::to_string(id) + "\n", t);
    return ParseSse(testing::Dechunk(c.buffer()));
  }

  std::vector<int64_t> LogIds(const std::string& worker_id = "", int64_t after = 0) {
    store::EventFilter f;
    if (!worker_id.empty()) f.worker_ids = {worker_id};
    auto events = store_->ReadEventsAfter(after, f, 10000);
    EXPECT_TRUE(events.has_value());
    std::vector<int64_t> ids;
    for (const auto& e : *events) ids.push_back(e.id);
    return ids;
  }

  static std::vector<int64_t> Ids(const std::vector<SseEvent>& events) {
    std::vector<int64_t> ids;
    for (const auto& e : events) ids.push_back(e.id);
    return ids;
  }

  void ChangeTags(const std::string& id, int n) {
    control::TagPatch patch{{"n", std::to_string(n)}};
    EXPECT_TRUE(service_->MergeTags(System(), id, patch).has_value());
  }
};

TEST_F(SseTest, EventsArriveWithIdTypeAndJsonData) {
  auto c = Open("/api/v1/events", admin_);
  EXPECT_NE(c->buffer().find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(c->buffer().find("traceparent: 00-"), std::string::npos);
  auto w = RunningWorker();
  auto ids = LogIds(w.id);
  ASSERT_FALSE(ids.empty());
  auto events = ReadUntilId(*c, ids.back());
  EXPECT_EQ(Ids(events), ids);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().event, "worker.created");
  auto data = ParseJson(events.front().data);
  ASSERT_TRUE(data.has_value()) << events.front().data;
  EXPECT_EQ((*data)["id"], events.front().id);
  EXPECT_EQ((*data)["type"], "worker.created");
  EXPECT_EQ((*data)["worker_id"], w.id);
  EXPECT_EQ((*data)["actor"], "carol");
  EXPECT_TRUE((*data)["data"].is_object());
}

TEST_F(SseTest, LastEventIdResumesFromTheLog) {
  auto w = RunningWorker();
  auto ids = LogIds();
  ASSERT_GE(ids.size(), 3u);
  int64_t resume = ids[1];
  auto c = Open("/api/v1/events", operator_, "Last-Event-ID: " + std::to_string(resume) + "\r\n");
  auto events = ReadUntilId(*c, ids.back());
  EXPECT_EQ(Ids(events), std::vector<int64_t>(ids.begin() + 2, ids.end()));
  ChangeTags(w.id, 1);
  auto more = LogIds("", ids.back());
  ASSERT_EQ(more.size(), 1u);
  events = ReadUntilId(*c, more.back());
  EXPECT_EQ(events.back().id, more.back());
  EXPECT_EQ(events.back().event, "worker.tags_changed");
  // The query parameter works the same.
  auto q = Open("/api/v1/events?last_event_id=" + std::to_string(resume), operator_);
  EXPECT_EQ(Ids(ReadUntilId(*q, more.back())).size(), ids.size() - 2 + 1);
}

TEST_F(SseTest, ReconnectingWithLastEventIdLosesNothingWhileEventsKeepComing) {
  auto w = RunningWorker();
  int64_t start = LatestEventId();
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int n = 0; n < 300 && !done; ++n) {
      ChangeTags(w.id, n);
      std::this_thread::sleep_for(2ms);
    }
    done = true;
  });
  std::vector<int64_t> received;
  int64_t last = start;
  for (int round = 0; round < 4; ++round) {
    auto c = Open("/api/v1/events", admin_, "Last-Event-ID: " + std::to_string(last) + "\r\n");
    c->ReadUntil("\x01never", 150ms);
    for (const auto& e : ParseSse(testing::Dechunk(c->buffer()))) {
      received.push_back(e.id);
      last = e.id;
    }
  }
  writer.join();
  auto c = Open("/api/v1/events", admin_, "Last-Event-ID: " + std::to_string(last) + "\r\n");
  auto expected = LogIds("", start);
  for (const auto& e : ReadUntilId(*c, expected.back())) received.push_back(e.id);
  EXPECT_EQ(received, expected);
}

TEST_F(SseTest, FiltersByWorkerAndType) {
  auto a = RunningWorker("a");
  auto b = RunningWorker("b");
  auto c = Open("/api/v1/events?worker_id=" + a.id + "&type=worker.tags_changed", admin_);
  ChangeTags(b.id, 1);
  ChangeTags(a.id, 2);
  auto last = LogIds(a.id).back();
  auto events = ReadUntilId(*c, last);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, last);
  EXPECT_EQ(events[0].event, "worker.tags_changed");
  auto both = Open("/api/v1/events?worker_id=" + a.id + "," + b.id, admin_);
  ChangeTags(b.id, 3);
  ChangeTags(a.id, 4);
  EXPECT_EQ(ReadUntilId(*both, LogIds(a.id).back()).size(), 2u);
}

TEST_F(SseTest, UsersReceiveOnlyTheirWorkersEvents) {
  auto mine = RunningWorker("mine", "alice");
  auto theirs = RunningWorker("theirs", "bob");
  auto c = Open("/api/v1/events", alice_);
  ChangeTags(theirs.id, 1);
  ChangeTags(mine.id, 2);
  auto events = ReadUntilId(*c, LogIds(mine.id).back());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, LogIds(mine.id).back());
  // Being assigned to bob's worker shows its events from then on.
  control::AccessUpdate access;
  access.assigned_users = std::vector<std::string>{"alice"};
  ASSERT_TRUE(service_->SetAccess(System(), theirs.id, access).has_value());
  ChangeTags(theirs.id, 3);
  events = ReadUntilId(*c, LogIds(theirs.id).back());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].event, "worker.access_changed");
  EXPECT_EQ(events[2].event, "worker.tags_changed");
  // A new worker created for alice shows up too.
  auto created = RunningWorker("new", "alice");
  events = ReadUntilId(*c, LogIds(created.id).back());
  EXPECT_EQ(events.back().id, LogIds(created.id).back());
}

class SseOverflowTest : public SseTest {
 protected:
  void Configure(config::Settings& s, ApiServerOptions& o) override {
    s.sse_client_queue = 64;
    o.sse_high_water_bytes = 16 * 1024;
  }
};

TEST_F(SseOverflowTest, ClientThatStopsReadingGetsOverflowAndIsClosed) {
  auto slow = Open("/api/v1/events", admin_, "", 4096);
  auto fast = Open("/api/v1/events", admin_);
  ASSERT_EQ(server_->sse_clients(), 2u);
  const int kEvents = 4000;
  int64_t base = LatestEventId() + 1000;
  std::vector<SseEvent> fast_events;
  std::thread reader([&] { fast_events = ReadUntilId(*fast, base + kEvents - 1, 30s); });
  // 8 MB in bursts a reader can keep up with; far more than the slow client's kernel buffers,
  // the 16 KiB high-water mark and 64 queued events can hold.
  std::string payload(2000, 'x');
  for (int i = 0; i < kEvents; ++i) {
    domain::DomainEvent e;
    e.id = base + i;
    e.type = domain::EventType::kTelemetryUpdated;
    e.worker_id = NewUuid();
    e.actor = "system:test";
    e.occurred_at = clock_.Now();
    e.data = Json{{"pad", payload}}.dump();
    bus_->Publish({e});
    if (i % 4 == 3) std::this_thread::sleep_for(1ms);
  }
  reader.join();
  EXPECT_EQ(fast_events.size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(fast_events.back().event, "worker.telemetry_updated");
  slow->ReadToEnd(20s);
  EXPECT_TRUE(slow->eof());
  auto events = ParseSse(testing::Dechunk(slow->buffer()));
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.back().event, "overflow");
  EXPECT_EQ(events.back().id, 0);
  auto data = ParseJson(events.back().data);
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ((*data)["last_event_id"], events[events.size() - 2].id);
  EXPECT_LT(events.size(), static_cast<size_t>(kEvents));
  for (int i = 0; i < 50 && server_->sse_clients() != 1; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(server_->sse_clients(), 1u);
}

TEST_F(SseOverflowTest, LongHistoryIsReplayedPacedWithoutOverflow) {
  std::vector<domain::DomainEvent> history;
  for (int i = 0; i < 1500; ++i) {
    domain::DomainEvent e;
    e.type = domain::EventType::kOrphanFound;
    e.actor = "system:test";
    e.occurred_at = clock_.Now();
    e.data = Json{{"pad", std::string(2000, 'h')}}.dump();
    history.push_back(std::move(e));
  }
  auto appended = store_->AppendEvents(history);
  ASSERT_TRUE(appended.has_value()) << appended.error().ToString();
  auto c = Open("/api/v1/events", admin_, "Last-Event-ID: 0\r\n");
  auto events = ReadUntilId(*c, appended->back().id, 30s);
  ASSERT_EQ(events.size(), 1500u);
  EXPECT_EQ(events.front().id, appended->front().id);
  EXPECT_EQ(events.back().event, "worker.orphan_found");
}

class SseHeartbeatTest : public SseTest {
 protected:
  void Configure(config::Settings& s, ApiServerOptions&) override { s.sse_heartbeat_seconds = 0.2; }
};

TEST_F(SseHeartbeatTest, PingCommentsKeepTheStreamAlive) {
  auto c = Open("/api/v1/events", alice_);
  auto start = std::chrono::steady_clock::now();
  c->ReadUntil(": ping\n\n", 3s);
  EXPECT_NE(testing::Dechunk(c->buffer()).find(": ping\n\n"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  Reply metrics = Get("/metrics", "");
  EXPECT_NE(metrics.body.find("ccm_sse_clients 1"), std::string::npos) << metrics.body;
}

TEST_F(SseTest, StopEndsOpenStreams) {
  auto c = Open("/api/v1/events", admin_);
  server_->Stop(std::chrono::milliseconds(2000));
  c->ReadToEnd(3s);
  EXPECT_TRUE(c->eof());
  EXPECT_EQ(server_->sse_clients(), 0u);
}

}  // namespace
}  // namespace ccm::api
