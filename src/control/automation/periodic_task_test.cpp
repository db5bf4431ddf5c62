#include "control/automation/periodic_task.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/metrics.hpp"

namespace ccm::control::automation {
namespace {

using std::chrono::seconds;

TEST(PeriodicTaskTest, PlansNextRunWithinIntervalPlusJitter) {
  ManualClock clock;
  int runs = 0;
  PeriodicTask task(
      {"test-plan", seconds(60), 0.1, seconds(600)},
      [&] {
        ++runs;
        return Ok();
      },
      clock);
  const TimePoint start = clock.Now();
  ASSERT_TRUE(task.RunOnce().has_value());
  EXPECT_EQ(runs, 1);
  EXPECT_GE(task.next_run_at(), start + seconds(60));
  EXPECT_LE(task.next_run_at(), start + seconds(66));
  EXPECT_EQ(task.runs(), 1);
}

TEST(PeriodicTaskTest, BacksOffOnFailureAndResetsOnSuccess) {
  ManualClock clock;
  bool fail = true;
  PeriodicTask task(
      {"test-backoff", seconds(10), 0.0, seconds(60)},
      [&]() -> Status {
        if (fail) return MakeError(Code::kUnavailable, "down");
        return Ok();
      },
      clock);
  const TimePoint t = clock.Now();
  EXPECT_FALSE(task.RunOnce().has_value());
  EXPECT_EQ(task.next_run_at(), t + seconds(20));
  EXPECT_FALSE(task.RunOnce().has_value());
  EXPECT_EQ(task.next_run_at(), t + seconds(40));
  EXPECT_FALSE(task.RunOnce().has_value());
  EXPECT_EQ(task.next_run_at(), t + seconds(60));  // capped
  EXPECT_FALSE(task.RunOnce().has_value());
  EXPECT_EQ(task.next_run_at(), t + seconds(60));
  EXPECT_EQ(task.consecutive_failures(), 4);
  fail = false;
  EXPECT_TRUE(task.RunOnce().has_value());
  EXPECT_EQ(task.consecutive_failures(), 0);
  EXPECT_EQ(task.next_run_at(), t + seconds(10));
  const std::string text = metrics::Registry::Default().Render();
  EXPECT_NE(text.find("ccm_loop_errors_total{loop=\"test-backoff\"} 4"), std::string::npos);
  EXPECT_NE(text.find("ccm_loop_duration_seconds_count{loop=\"test-backoff\"} 5"),
            std::string::npos);
}

TEST(PeriodicTaskTest, ThreadRunsAtStartAndOnTrigger) {
  ManualClock clock;
  std::atomic<int> runs{0};
  PeriodicTask task(
      {"test-thread", seconds(3600), 0.0, seconds(3600)},
      [&] {
        ++runs;
        return Ok();
      },
      clock);
  task.Start();
  for (int i = 0; i < 500 && runs.load() < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(runs.load(), 1);
  task.Trigger();
  for (int i = 0; i < 500 && runs.load() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(runs.load(), 2);
  clock.Advance(seconds(3600));
  for (int i = 0; i < 500 && runs.load() < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(runs.load(), 3);
  task.Stop();
}

}  // namespace
}  // namespace ccm::control::automation
