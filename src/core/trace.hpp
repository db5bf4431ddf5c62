#pragma once
// W3C Trace Context (traceparent) parsing and generation, and the trace of the work the current
// thread is doing (thread-local), so every log line and every outbound call can carry it.
#include <optional>
#include <string>
#include <string_view>

namespace ccm {

struct TraceContext {
  std::string trace_id;  // 32 lower-case hex, not all zero
  std::string span_id;   // 16 lower-case hex, not all zero
  bool sampled = true;

  // "00-<trace_id>-<span_id>-01"
  std::string ToTraceparent() const;
  // Same trace, a fresh span id: what an outbound call made for this request carries.
  TraceContext Child() const;
  bool empty() const { return trace_id.empty(); }
};

TraceContext NewTrace();
// Returns nullopt for anything the W3C spec says to ignore (bad version ff, wrong lengths,
// upper-case hex, all-zero ids).
std::optional<TraceContext> ParseTraceparent(std::string_view header);

// The trace of the current thread's work, empty when none.
const TraceContext& CurrentTrace();

// Sets the current thread's trace for its lifetime, restoring the previous one after.
class ScopedTrace {
 public:
  explicit ScopedTrace(TraceContext trace);
  ~ScopedTrace();
  ScopedTrace(const ScopedTrace&) = delete;
  ScopedTrace& operator=(const ScopedTrace&) = delete;

 private:
  TraceContext previous_;
};

}  // namespace ccm
