#include "config/render.hpp"

#include <yaml-cpp/yaml.h>

#include "config/internal/checks.hpp"
#include "config/internal/schema.hpp"
#include "core/json.hpp"

namespace ccm::config {
namespace {

constexpr const char* kRedacted = "***";

std::string RedactPasswords(const std::string& url) {
  std::string out = url;
  auto spans = internal::PasswordSpans(url);
  // Right to left, so earlier offsets stay valid.
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
    out.replace(it->first, it->second, kRedacted);
  }
  return out;
}

void Emit(YAML::Emitter& out, const Json& value) {
  if (value.is_object()) {
    if (value.empty()) {
      out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
      return;
    }
    out << YAML::BeginMap;
    for (const auto& [key, item] : value.items()) {
      out << YAML::Key << key << YAML::Value;
      Emit(out, item);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    if (value.empty()) {
      out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
      return;
    }
    out << YAML::BeginSeq;
    for (const auto& item : value) Emit(out, item);
    out << YAML::EndSeq;
  } else if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (text.empty()) {
      out << YAML::DoubleQuoted << text;
    } else {
      out << text;
    }
  } else if (value.is_null()) {
    out << YAML::Null;
  } else {
    out << value.dump();  // numbers and booleans in their shortest exact form
  }
}

}  // namespace

Json SettingsToJson(const Settings& s) {
  Json out = Json::object();
  for (const auto& def : internal::Schema()) {
    Json value = def.encode(s);
    if (def.secret && value.is_string() && !value.get<std::string>().empty()) value = kRedacted;
    out[def.name] = std::move(value);
  }
  for (auto& hook : out["webhooks"]) {
    if (!hook["secret"].get<std::string>().empty()) hook["secret"] = kRedacted;
  }
  out["database_url"] = RedactPasswords(s.database_url);
  return out;
}

std::string RenderSettings(const Settings& s, RenderFormat format) {
  Json json = SettingsToJson(s);
  if (format == RenderFormat::kJson) return json.dump(2) + "\n";
  YAML::Emitter out;
  Emit(out, json);
  return std::string(out.c_str()) + "\n";
}

}  // namespace ccm::config
