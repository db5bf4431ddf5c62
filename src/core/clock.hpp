#pragma once
// Time source injected everywhere time is read or waited on. SystemClock is the real one;
// ManualClock is for tests: Now() only moves when Advance()/Set() is called, and SleepFor()
// advances the clock instead of blocking. Both are thread-safe.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace ccm {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::system_clock::duration;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  virtual void SleepFor(Duration d) = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
  void SleepFor(Duration d) override;
  static SystemClock& Instance();
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{std::chrono::seconds{1'700'000'000}});
  TimePoint Now() const override;
  void SleepFor(Duration d) override;  // advances, never blocks
  void Advance(Duration d);
  void Set(TimePoint t);

 private:
  mutable std::mutex mu_;
  TimePoint now_;
};

// RFC 3339 / ISO 8601 in UTC with millisecond precision: "2026-11-23T17:28:12.345Z".
std::string FormatTime(TimePoint t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff][Z|+hh:mm]" and a space instead of 'T'.
std::optional<TimePoint> ParseTime(std::string_view text);
// Seconds since the epoch, as a double.
double ToUnixSeconds(TimePoint t);
TimePoint FromUnixSeconds(double seconds);

}  // namespace ccm
