#include "aws/cloudwatch_xml.hpp"

#include <charconv>
#include <pugixml.hpp>

namespace ccm::aws::cloudwatch {
namespace {

Result<double> ParseNumber(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return MakeError(Code::kInternal, "GetMetricData value is not a number: " + std::string(text));
  }
  return value;
}

Result<MetricDataResult> ParseResult(const pugi::xml_node& member) {
  MetricDataResult r;
  r.id = member.child("Id").text().as_string();
  r.status_code = member.child("StatusCode").text().as_string();
  for (auto ts : member.child("Timestamps").children("member")) {
    auto t = ParseTime(ts.text().as_string());
    if (!t) {
      return MakeError(Code::kInternal,
                       std::string("GetMetricData timestamp unreadable: ") + ts.text().as_string());
    }
    r.timestamps.push_back(*t);
  }
  for (auto v : member.child("Values").children("member")) {
    auto value = ParseNumber(v.text().as_string());
    if (!value) return Fail(value.error());
    r.values.push_back(*value);
  }
  if (r.timestamps.size() != r.values.size()) {
    return MakeError(Code::kInternal, "GetMetricData result " + r.id +
                                          " has different numbers of timestamps and values");
  }
  return r;
}

}  // namespace

Result<MetricDataPage> ParseGetMetricData(std::string_view xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return MakeError(Code::kInternal,
                     std::string("CloudWatch answer is not XML: ") + parsed.description());
  }
  pugi::xml_node result = doc.child("GetMetricDataResponse").child("GetMetricDataResult");
  if (!result) {
    return MakeError(Code::kInternal, "CloudWatch answer has no <GetMetricDataResult> element");
  }
  MetricDataPage page;
  for (auto member : result.child("MetricDataResults").children("member")) {
    auto r = ParseResult(member);
    if (!r) return Fail(r.error());
    page.results.push_back(std::move(*r));
  }
  for (auto message : result.child("Messages").children("member")) {
    page.messages.push_back(std::string(message.child("Code").text().as_string()) + ": " +
                            message.child("Value").text().as_string());
  }
  page.next_token = result.child("NextToken").text().as_string();
  return page;
}

std::string FormatNumber(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return ec == std::errc() ? std::string(buffer, end) : std::string("0");
}

}  // namespace ccm::aws::cloudwatch
