#pragma once
// Internal: collects validation problems, one line "<setting>: <reason>" each, and the checks the
// validators share. Every check adds at most one line and never stops the others.
#include <cstdint>
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace ccm::config::internal {

// "30", "0.5", "1e+06": short and exact enough for messages.
std::string FormatNumber(double value);
// "\"text\"" cut at 60 characters.
std::string Quote(const std::string& text);

class Problems {
 public:
  explicit Problems(std::vector<std::string>* out) : out_(out) {}

  void Add(const std::string& setting, const std::string& reason);

  void Positive(const std::string& setting, double value);     // > 0
  void NonNegative(const std::string& setting, double value);  // >= 0
  void Range(const std::string& setting, int64_t value, int64_t low, int64_t high);
  void Port(const std::string& setting, int64_t value);  // 1-65535
  void Region(const std::string& setting, const std::string& region);
  // Only when non-empty: an http(s) URL.
  void HttpUrl(const std::string& setting, const std::string& url);
  void NotEmpty(const std::string& setting, const std::string& value);
  // The instance type is in cml_worker_allowed_instance_types.
  void AllowedType(const std::string& setting, const std::string& type, const Settings& s);

 private:
  std::vector<std::string>* out_;
};

void ValidateAws(const Settings& s, Problems* p);
void ValidateWorkerImages(const Settings& s, Problems* p);
void ValidateWorkerNetwork(const Settings& s, Problems* p);
void ValidateWorker(const Settings& s, Problems* p);
void ValidateCml(const Settings& s, Problems* p);
void ValidateServer(const Settings& s, Problems* p);
void ValidateAuth(const Settings& s, Problems* p);
void ValidateAutomation(const Settings& s, Problems* p);

}  // namespace ccm::config::internal
