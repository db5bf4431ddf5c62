#include "config/internal/sources.hpp"

#include <optional>

#include "config/internal/schema.hpp"
#include "config/internal/suggest.hpp"

namespace ccm::config::internal {
namespace {

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

std::optional<Json> ParseJsonText(const std::string& text, const std::string& setting,
                                  const std::string& source, std::vector<std::string>* problems) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // The byte offset, never the text: the value may hold secrets (webhook keys).
    problems->push_back(setting + ": malformed JSON in " + source + " (syntax error at byte " +
                        std::to_string(e.byte) + ")");
    return std::nullopt;
  }
}

Json SplitCommas(const std::string& text) {
  Json out = Json::array();
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = Trim(std::string_view(text).substr(start, comma - start));
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

// The text of an environment variable or flag as a raw value for `def`.
std::optional<Json> ParseText(const SettingDef& def, const std::string& text,
                              const std::string& source, std::vector<std::string>* problems) {
  switch (def.form) {
    case TextForm::kScalar:
      return Json(text);
    case TextForm::kList: {
      std::string trimmed = Trim(text);
      if (!trimmed.empty() && trimmed.front() == '[') {
        return ParseJsonText(trimmed, def.name, source, problems);
      }
      return SplitCommas(trimmed);
    }
    case TextForm::kJson:
      return ParseJsonText(text, def.name, source, problems);
  }
  return std::nullopt;
}

// Keeps the canonical name's value when both it and an alias are given in one layer.
void Put(Layer* layer, const SettingDef& def, const std::string& given_name, RawEntry entry) {
  auto it = layer->entries.find(def.name);
  if (it != layer->entries.end() && given_name != def.name) return;
  layer->entries[def.name] = std::move(entry);
}

}  // namespace

Layer EnvLayer(const std::map<std::string, std::string>& env, std::vector<std::string>* problems) {
  Layer layer{kEnvRank, {}};
  for (const auto& def : Schema()) {
    std::vector<std::string> names = {def.name};
    names.insert(names.end(), def.aliases.begin(), def.aliases.end());
    for (const auto& name : names) {
      auto it = env.find(EnvName(name));
      if (it == env.end() || Trim(it->second).empty()) continue;
      std::string source = "environment variable " + it->first;
      std::optional<Json> raw = ParseText(def, it->second, source, problems);
      if (raw) Put(&layer, def, name, RawEntry{std::move(*raw), "from " + source});
    }
  }
  return layer;
}

Layer FlagLayer(const std::map<std::string, std::string>& flags,
                std::vector<std::string>* problems) {
  Layer layer{kFlagRank, {}};
  for (const auto& [name, text] : flags) {
    const SettingDef* def = FindSetting(name);
    if (def == nullptr) {
      problems->push_back(name + ": unknown setting" + DidYouMean(name, AllSettingNames()) +
                          " (flag)");
      continue;
    }
    std::string source = "flag " + FlagName(name);
    std::optional<Json> raw = ParseText(*def, text, source, problems);
    if (raw) Put(&layer, *def, name, RawEntry{std::move(*raw), "from " + source});
  }
  return layer;
}

}  // namespace ccm::config::internal
