#pragma once
// Internal: raw layer values <-> typed setting values.
// A raw value is JSON: YAML scalars and environment/flag scalars arrive as strings and are parsed
// here according to the field's type, so "30", 30 and "0.5" all decode to a double. Decoding
// never throws; a mismatch adds one problem line "<path>: <reason> (<origin>)" and returns false,
// leaving *out unchanged. Include only in .cpp files (it includes nlohmann/json).
#include <map>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "core/json.hpp"

namespace ccm::config::internal {

struct DecodeContext {
  std::string origin;  // e.g. "in ./ccm.yaml", "from environment variable CML_X"
  std::vector<std::string>* problems = nullptr;

  void Fail(const std::string& path, const std::string& reason) const;
};

// "a map", "a list", "true", "\"abc\"" ... for messages (strings are cut at 40 characters).
std::string Describe(const Json& raw);

bool Decode(const Json& raw, std::string* out, const std::string& path, const DecodeContext& ctx);
bool Decode(const Json& raw, bool* out, const std::string& path, const DecodeContext& ctx);
bool Decode(const Json& raw, int64_t* out, const std::string& path, const DecodeContext& ctx);
bool Decode(const Json& raw, double* out, const std::string& path, const DecodeContext& ctx);
bool Decode(const Json& raw, StringList* out, const std::string& path, const DecodeContext& ctx);
bool Decode(const Json& raw, AwsAccount* out, const std::string& path, const DecodeContext& ctx);
bool Decode(const Json& raw, AmiConfig* out, const std::string& path, const DecodeContext& ctx);
bool Decode(const Json& raw, RegionNetwork* out, const std::string& path, const DecodeContext& ctx);
bool Decode(const Json& raw, Webhook* out, const std::string& path, const DecodeContext& ctx);
bool Decode(const Json& raw, std::vector<Webhook>* out, const std::string& path,
            const DecodeContext& ctx);

template <typename T>
bool Decode(const Json& raw, std::map<std::string, T>* out, const std::string& path,
            const DecodeContext& ctx) {
  if (raw.is_null()) {
    out->clear();
    return true;
  }
  if (!raw.is_object()) {
    ctx.Fail(path, "expected a map, got " + Describe(raw));
    return false;
  }
  std::map<std::string, T> result;
  bool ok = true;
  for (const auto& [key, value] : raw.items()) {
    T decoded{};
    ok = Decode(value, &decoded, path + "." + key, ctx) && ok;
    result[key] = std::move(decoded);
  }
  if (ok) *out = std::move(result);
  return ok;
}

Json Encode(const std::string& v);
Json Encode(bool v);
Json Encode(int64_t v);
Json Encode(double v);
Json Encode(const StringList& v);
Json Encode(const AwsAccount& v);
Json Encode(const AmiConfig& v);
Json Encode(const RegionNetwork& v);
Json Encode(const Webhook& v);
Json Encode(const std::vector<Webhook>& v);

template <typename T>
Json Encode(const std::map<std::string, T>& v) {
  Json out = Json::object();
  for (const auto& [key, value] : v) out[key] = Encode(value);
  return out;
}

}  // namespace ccm::config::internal
