#include "core/clock.hpp"

#include <date/date.h>

#include <cstdio>
#include <sstream>
#include <thread>

namespace ccm {

TimePoint SystemClock::Now() const { return std::chrono::system_clock::now(); }
void SystemClock::SleepFor(Duration d) { std::this_thread::sleep_for(d); }
SystemClock& SystemClock::Instance() {
  static SystemClock clock;
  return clock;
}

ManualClock::ManualClock(TimePoint start) : now_(start) {}
TimePoint ManualClock::Now() const {
  std::lock_guard lock(mu_);
  return now_;
}
void ManualClock::SleepFor(Duration d) { Advance(d); }
void ManualClock::Advance(Duration d) {
  std::lock_guard lock(mu_);
  now_ += d;
}
void ManualClock::Set(TimePoint t) {
  std::lock_guard lock(mu_);
  now_ = t;
}

std::string FormatTime(TimePoint t) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::milliseconds>(t));
}

std::optional<TimePoint> ParseTime(std::string_view text) {
  std::string s(text);
  if (s.size() >= 11 && s[10] == ' ') s[10] = 'T';
  std::chrono::minutes offset{0};
  if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) {
    s.pop_back();
  } else if (s.size() >= 25 && (s[s.size() - 6] == '+' || s[s.size() - 6] == '-') &&
             s[s.size() - 3] == ':') {
    std::string off = s.substr(s.size() - 6);
    int hh = 0, mm = 0;
    if (std::sscanf(off.c_str() + 1, "%2d:%2d", &hh, &mm) != 2) return std::nullopt;
    offset = std::chrono::minutes(hh * 60 + mm) * (off[0] == '-' ? -1 : 1);
    s.resize(s.size() - 6);
  }
  std::istringstream in(s);
  date::sys_time<std::chrono::microseconds> tp;
  in >> date::parse("%FT%T", tp);
  if (in.fail()) return std::nullopt;
  return std::chrono::time_point_cast<Duration>(tp - offset);
}

double ToUnixSeconds(TimePoint t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

TimePoint FromUnixSeconds(double seconds) {
  return TimePoint{std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds))};
}

}  // namespace ccm
