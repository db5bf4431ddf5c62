#pragma once
// Rendering the effective settings for people (ccm config check) and the API (GET /settings):
// every setting in schema order, every secret that is set shown as "***" (unset secrets are ""),
// including webhooks[].secret and the password of a database_url. The YAML form loads back
// (apart from the redacted secrets). Thread-safe.
#include <string>

#include "config/settings.hpp"
#include "core/json_fwd.hpp"

namespace ccm::config {

enum class RenderFormat { kYaml, kJson };

// A JSON object {setting: value}, secrets redacted.
Json SettingsToJson(const Settings& s);

std::string RenderSettings(const Settings& s, RenderFormat format);

}  // namespace ccm::config
