#pragma once
// JSON-lines logging on spdlog. Every line is one JSON object:
//   {"ts":"...Z","level":"info","msg":"...","trace_id":"...", <fields>}
// Secret values registered with RegisterSecret() are replaced by "***" in the message and every
// field before any sink sees the line. Thread-safe.
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ccm::log {

enum class Level { kDebug, kInfo, kWarn, kError, kOff };

using Fields = std::vector<std::pair<std::string, std::string>>;

// Parses "debug", "info", "warn"/"warning", "error", "off"; nullopt-like false on failure.
bool ParseLevel(std::string_view text, Level* out);
void SetLevel(Level level);
Level GetLevel();

// Values shorter than 4 characters are ignored (they would redact ordinary words).
void RegisterSecret(std::string_view value);
// Replaces every registered secret in text by "***".
std::string Redact(std::string_view text);

// Test hook: every line (after redaction) is also handed to this function; pass {} to remove.
void SetCapture(std::function<void(std::string_view line)> capture);

void Write(Level level, std::string_view msg, const Fields& fields = {});
inline void Debug(std::string_view msg, const Fields& f = {}) { Write(Level::kDebug, msg, f); }
inline void Info(std::string_view msg, const Fields& f = {}) { Write(Level::kInfo, msg, f); }
inline void Warn(std::string_view msg, const Fields& f = {}) { Write(Level::kWarn, msg, f); }
inline void Error(std::string_view msg, const Fields& f = {}) { Write(Level::kError, msg, f); }

}  // namespace ccm::log
