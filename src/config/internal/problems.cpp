#include "config/internal/problems.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "config/internal/checks.hpp"
#include "config/internal/suggest.hpp"

namespace ccm::config::internal {

std::string FormatNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", value);
  return buffer;
}

std::string Quote(const std::string& text) {
  return "\"" + (text.size() > 60 ? text.substr(0, 60) + "..." : text) + "\"";
}

void Problems::Add(const std::string& setting, const std::string& reason) {
  out_->push_back(setting + ": " + reason);
}

void Problems::Positive(const std::string& setting, double value) {
  if (!(value > 0)) Add(setting, "must be greater than 0, got " + FormatNumber(value));
}

void Problems::NonNegative(const std::string& setting, double value) {
  if (!(value >= 0)) Add(setting, "must not be negative, got " + FormatNumber(value));
}

void Problems::Range(const std::string& setting, int64_t value, int64_t low, int64_t high) {
  if (value < low || value > high) {
    Add(setting, "must be between " + std::to_string(low) + " and " + std::to_string(high) +
                     ", got " + std::to_string(value));
  }
}

void Problems::Port(const std::string& setting, int64_t value) {
  if (value < 1 || value > 65535) {
    Add(setting, "port out of range (1-65535): " + std::to_string(value));
  }
}

void Problems::Region(const std::string& setting, const std::string& region) {
  if (IsKnownRegion(region)) return;
  Add(setting, "unknown region " + Quote(region) + DidYouMean(region, KnownRegions()));
}

void Problems::HttpUrl(const std::string& setting, const std::string& url) {
  if (url.empty() || ParseHttpUrl(url)) return;
  Add(setting, "not an http(s) URL: " + Quote(url));
}

void Problems::NotEmpty(const std::string& setting, const std::string& value) {
  if (value.empty()) Add(setting, "must not be empty");
}

void Problems::AllowedType(const std::string& setting, const std::string& type, const Settings& s) {
  const auto& allowed = s.cml_worker_allowed_instance_types;
  if (std::find(allowed.begin(), allowed.end(), type) != allowed.end()) return;
  std::string list;
  for (const auto& t : allowed) list += (list.empty() ? "" : ", ") + t;
  Add(setting, "instance type " + Quote(type) + " is not in cml_worker_allowed_instance_types (" +
                   list + ")");
}

}  // namespace ccm::config::internal
