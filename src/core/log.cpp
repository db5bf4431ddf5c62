#include "core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <shared_mutex>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/trace.hpp"

namespace ccm::log {
namespace {

struct State {
  std::shared_mutex secrets_mu;
  std::vector<std::string> secrets;  // longest first
  std::mutex capture_mu;
  std::function<void(std::string_view)> capture;
  std::atomic<Level> level{Level::kInfo};
  std::shared_ptr<spdlog::logger> logger;

  State() {
    logger = std::make_shared<spdlog::logger>(
        "ccm", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_pattern("%v");
    logger->set_level(spdlog::level::trace);
    logger->flush_on(spdlog::level::trace);
  }
};

State& GetState() {
  static State* state = new State();  // never destroyed: logging may happen during exit
  return *state;
}

const char* LevelName(Level l) {
  switch (l) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
    case Level::kOff: return "off";
  }
  return "info";
}

spdlog::level::level_enum ToSpd(Level l) {
  switch (l) {
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
    case Level::kOff: return spdlog::level::off;
  }
  return spdlog::level::info;
}

}  // namespace

bool ParseLevel(std::string_view text, Level* out) {
  if (text == "debug" || text == "trace") *out = Level::kDebug;
  else if (text == "info") *out = Level::kInfo;
  else if (text == "warn" || text == "warning") *out = Level::kWarn;
  else if (text == "error") *out = Level::kError;
  else if (text == "off") *out = Level::kOff;
  else return false;
  return true;
}

void SetLevel(Level level) { GetState().level = level; }
Level GetLevel() { return GetState().level; }

void RegisterSecret(std::string_view value) {
  if (value.size() < 4) return;
  State& s = GetState();
  std::unique_lock lock(s.secrets_mu);
  std::string v(value);
  if (std::find(s.secrets.begin(), s.secrets.end(), v) != s.secrets.end()) return;
  s.secrets.push_back(std::move(v));
  // Also the JSON-escaped form, in case a secret reaches a line through an already-encoded body.
  std::string escaped = Json(std::string(value)).dump();
  escaped = escaped.substr(1, escaped.size() - 2);
  if (escaped != value) s.secrets.push_back(std::move(escaped));
  std::sort(s.secrets.begin(), s.secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Redact(std::string_view text) {
  State& s = GetState();
  std::string out(text);
  std::shared_lock lock(s.secrets_mu);
  for (const std::string& secret : s.secrets) {
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), "***");
      pos += 3;
    }
  }
  return out;
}

void SetCapture(std::function<void(std::string_view)> capture) {
  State& s = GetState();
  std::lock_guard lock(s.capture_mu);
  s.capture = std::move(capture);
}

void Write(Level level, std::string_view msg, const Fields& fields) {
  State& s = GetState();
  if (level < s.level.load() || level == Level::kOff) return;
  Json line = Json::object();
  line["ts"] = FormatTime(SystemClock::Instance().Now());
  line["level"] = LevelName(level);
  line["msg"] = Redact(msg);
  const TraceContext& trace = CurrentTrace();
  if (!trace.empty()) line["trace_id"] = trace.trace_id;
  for (const auto& [key, value] : fields) line[key] = Redact(value);
  std::string text = Redact(line.dump(-1, ' ', false, Json::error_handler_t::replace));
  s.logger->log(ToSpd(level), "{}", text);
  std::lock_guard lock(s.capture_mu);
  if (s.capture) s.capture(text);
}

}  // namespace ccm::log
