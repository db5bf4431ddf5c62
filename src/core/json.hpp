#pragma once
// JSON helpers on nlohmann::json (ordered keys, so answers read in the order they were built).
// Include this only in .cpp files; headers use core/json_fwd.hpp.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/error.hpp"

namespace ccm {

using Json = nlohmann::ordered_json;

// Parses text; a syntax error becomes kInvalidArgument naming `what` and the byte offset.
Result<Json> ParseJson(std::string_view text, std::string_view what = "body");

// Typed field access that never throws: nullopt when absent or of another type.
std::optional<std::string> GetString(const Json& j, std::string_view key);
std::optional<double> GetNumber(const Json& j, std::string_view key);
std::optional<int64_t> GetInt(const Json& j, std::string_view key);
std::optional<bool> GetBool(const Json& j, std::string_view key);

}  // namespace ccm
