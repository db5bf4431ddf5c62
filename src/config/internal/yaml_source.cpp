// The YAML layer: yaml-cpp nodes become raw JSON values (every scalar as its text, typed later by
// the codec against the setting's type), keyed by canonical setting name.
#include <yaml-cpp/yaml.h>

#include "config/internal/schema.hpp"
#include "config/internal/sources.hpp"
#include "config/internal/suggest.hpp"

namespace ccm::config::internal {
namespace {

std::string Where(const YAML::Mark& mark) {
  return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
}

// Scalars stay text ("30", "true", "ami-..."): whether they are numbers is the setting's business.
Json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return node.Scalar();
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) out.push_back(ToJson(item));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& pair : node) out[pair.first.as<std::string>()] = ToJson(pair.second);
      return out;
    }
    default:
      return nullptr;
  }
}

void AddTopLevel(const YAML::Node& root, const std::string& path, Layer* layer,
                 std::vector<std::string>* problems) {
  const std::string origin = "in " + path;
  for (const auto& pair : root) {
    if (!pair.first.IsScalar()) {
      problems->push_back(path + ": " + Where(pair.first.Mark()) + ": keys must be setting names");
      continue;
    }
    const std::string key = pair.first.Scalar();
    const SettingDef* def = FindSetting(key);
    if (def == nullptr) {
      problems->push_back(key + ": unknown setting" + DidYouMean(key, AllSettingNames()) + " (" +
                          origin + ", " + Where(pair.first.Mark()) + ")");
      continue;
    }
    // "key:" with no value leaves the setting to the layer below.
    if (pair.second.IsNull()) continue;
    if (layer->entries.count(def->name) != 0 && key != def->name) continue;
    layer->entries[def->name] = RawEntry{ToJson(pair.second), origin};
  }
}

}  // namespace

Layer YamlLayer(const std::string& text, const std::string& path,
                std::vector<std::string>* problems) {
  Layer layer{kYamlRank, {}};
  try {
    YAML::Node root = YAML::Load(text);
    if (root.IsNull()) return layer;  // empty file or only comments
    if (!root.IsMap()) {
      problems->push_back(path + ": expected a map of settings at the top level");
      return layer;
    }
    AddTopLevel(root, path, &layer, problems);
  } catch (const YAML::Exception& e) {
    problems->push_back(path + ": YAML syntax error at " + Where(e.mark) + ": " + e.msg);
  }
  return layer;
}

}  // namespace ccm::config::internal
