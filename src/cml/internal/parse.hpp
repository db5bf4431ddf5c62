#pragma once
// Turns CML answer bodies into cml_types. Parsers accept what the CML 2.9 spec allows (and what
// spec-driven mocks invent): unknown fields are ignored, absent optional fields keep defaults,
// a field of the wrong type counts as absent. A body that is not JSON, or JSON of the wrong
// shape (an object where a list is due), is an Error (kInternal, provider code
// "MalformedResponse") whose message does not quote the body.
#include <string>
#include <string_view>
#include <vector>

#include "cml/cml_types.hpp"

namespace ccm::cml::internal {

Result<SystemInfo> ParseSystemInformation(std::string_view body);
Result<SystemHealth> ParseSystemHealth(std::string_view body);
Result<SystemStats> ParseSystemStats(std::string_view body);
Result<std::vector<std::string>> ParseLabIds(std::string_view body);
Result<Lab> ParseLab(std::string_view body, std::string_view lab_id);
Result<Licensing> ParseLicensing(std::string_view body);
Result<std::vector<TelemetryEvent>> ParseTelemetryEvents(std::string_view body);
// A body that is one JSON string (the login token).
Result<std::string> ParseJsonString(std::string_view body);
// POST /import answer: the new lab's id.
Result<std::string> ParseImportAnswer(std::string_view body);
// CML's error body {"code":..,"description":".."}: the description, or "" when absent.
std::string ErrorDescription(std::string_view body);

Error Malformed(std::string reason);

}  // namespace ccm::cml::internal
