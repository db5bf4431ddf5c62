#pragma once
// JSON forms of the worker record: the shape the API answers and worker.created carries, and the
// text the store keeps in its TEXT columns (tags, telemetry). Times are RFC 3339 strings with
// milliseconds ("2026-11-23T17:28:12.345Z") or null; enums use their wire spelling.
// *FromJson refuse a wrong shape with kInvalidArgument naming the field. Thread-safe.
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/json_fwd.hpp"
#include "domain/worker.hpp"

namespace ccm::domain {

Json ToJson(const WorkerRecord& record);
Json ToJson(const Telemetry& telemetry);
Json ToJson(const Tags& tags);

Result<WorkerRecord> WorkerRecordFromJson(const Json& json);
Result<Telemetry> TelemetryFromJson(const Json& json);
Result<Tags> TagsFromJson(const Json& json);

// Compact JSON text forms for storage.
std::string TagsToText(const Tags& tags);
Result<Tags> TagsFromText(std::string_view text);
std::string TelemetryToText(const Telemetry& telemetry);
Result<Telemetry> TelemetryFromText(std::string_view text);

}  // namespace ccm::domain
