#include "core/trace.hpp"

#include "core/ids.hpp"

namespace ccm {
namespace {

thread_local TraceContext current_trace;

bool IsLowerHex(std::string_view s, size_t len) {
  if (s.size() != len) return false;
  bool nonzero = false;
  for (char c : s) {
    bool digit = c >= '0' && c <= '9';
    bool lower = c >= 'a' && c <= 'f';
    if (!digit && !lower) return false;
    if (c != '0') nonzero = true;
  }
  return nonzero;
}

}  // namespace

std::string TraceContext::ToTraceparent() const {
  return "00-" + trace_id + "-" + span_id + (sampled ? "-01" : "-00");
}

TraceContext TraceContext::Child() const {
  TraceContext child = *this;
  child.span_id = RandomHex(8);
  return child;
}

TraceContext NewTrace() { return TraceContext{RandomHex(16), RandomHex(8), true}; }

std::optional<TraceContext> ParseTraceparent(std::string_view h) {
  // version(2)-trace(32)-span(16)-flags(2); future versions may append fields after a dash.
  if (h.size() < 55) return std::nullopt;
  std::string_view version = h.substr(0, 2);
  if (version == "ff" || !(IsLowerHex(version, 2) || version == "00")) return std::nullopt;
  if (version == "00" && h.size() != 55) return std::nullopt;
  if (h.size() > 55 && h[55] != '-') return std::nullopt;
  if (h[2] != '-' || h[35] != '-' || h[52] != '-') return std::nullopt;
  std::string_view trace = h.substr(3, 32), span = h.substr(36, 16), flags = h.substr(53, 2);
  if (!IsLowerHex(trace, 32) || !IsLowerHex(span, 16)) return std::nullopt;
  bool flags_hex = true;
  for (char c : flags) flags_hex = flags_hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!flags_hex) return std::nullopt;
  int flag_value = std::stoi(std::string(flags), nullptr, 16);
  return TraceContext{std::string(trace), std::string(span), (flag_value & 1) != 0};
}

const TraceContext& CurrentTrace() { return current_trace; }

ScopedTrace::ScopedTrace(TraceContext trace) : previous_(std::move(current_trace)) {
  current_trace = std::move(trace);
}
ScopedTrace::~ScopedTrace() { current_trace = std::move(previous_); }

}  // namespace ccm
