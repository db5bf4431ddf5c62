#pragma once
// Internal to the CloudWatch client: the Query-protocol answers of CloudWatch (Version
// 2010-08-01) parsed into plain structs, and number formatting for requests. A body that is not
// XML or has the wrong root element is kInternal. Pure functions, thread-safe.
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace ccm::aws::cloudwatch {

inline constexpr char kVersion[] = "2010-08-01";

struct MetricDataResult {
  std::string id;
  std::string status_code;  // Complete | PartialData | InternalError | Forbidden
  std::vector<TimePoint> timestamps;
  std::vector<double> values;
};

struct MetricDataPage {
  std::vector<MetricDataResult> results;
  std::string next_token;
  std::vector<std::string> messages;  // GetMetricDataResult/Messages: codes and texts
};

Result<MetricDataPage> ParseGetMetricData(std::string_view xml);

// Shortest text that reads back as the same double ("42.5", "1e-07").
std::string FormatNumber(double value);

}  // namespace ccm::aws::cloudwatch
