#include "api/body.hpp"

#include "core/clock.hpp"
#include "core/json.hpp"

namespace ccm::api {
namespace {

constexpr int kMaxDepth = 32;

const char* TypeName(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kBool:
      return "boolean";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kStringMap:
      return "object of strings";
    case FieldType::kNullableStringMap:
      return "object of strings or nulls";
    case FieldType::kStringList:
      return "array of strings";
    case FieldType::kTime:
      return "RFC 3339 time string or null";
  }
  return "value";
}

const char* JsonTypeName(const Json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "boolean";
  if (value.is_number_integer()) return "integer";
  if (value.is_number()) return "number";
  if (value.is_string()) return "string";
  if (value.is_array()) return "array";
  return "object";
}

// Nesting depth outside strings, so a 1 MiB "[[[[..." is refused before it is parsed.
bool TooDeep(const std::string& text) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

bool AllValues(const Json& object, bool allow_null) {
  for (const auto& [key, v] : object.items()) {
    if (!v.is_string() && !(allow_null && v.is_null())) return false;
  }
  return true;
}

bool Matches(const Json& value, FieldType type) {
  switch (type) {
    case FieldType::kString:
      return value.is_string();
    case FieldType::kBool:
      return value.is_boolean();
    case FieldType::kInteger:
      return value.is_number_integer();
    case FieldType::kStringMap:
      return value.is_object() && AllValues(value, false);
    case FieldType::kNullableStringMap:
      return value.is_object() && AllValues(value, true);
    case FieldType::kStringList:
      if (!value.is_array()) return false;
      for (const auto& v : value) {
        if (!v.is_string()) return false;
      }
      return true;
    case FieldType::kTime:
      return value.is_null() || (value.is_string() && ParseTime(value.get<std::string>()));
  }
  return false;
}

bool IsJsonContentType(const std::string& value) {
  std::string media = value.substr(0, value.find(';'));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  for (auto& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return media == "application/json" || media == "application/merge-patch+json";
}

}  // namespace

tl::expected<Json, Problem> DecodeBody(const httpd::Request& request, const BodySpec& spec) {
  Json body = Json::object();
  if (!request.body.empty()) {
    auto type = request.Header("content-type");
    if (!type || !IsJsonContentType(*type)) {
      return tl::unexpected(UnsupportedMediaType("request bodies must be application/json, got " +
                                                 (type ? "'" + *type + "'" : "none")));
    }
    if (TooDeep(request.body)) {
      return tl::unexpected(
          BadRequest("body", "nested deeper than " + std::to_string(kMaxDepth) + " levels"));
    }
    auto parsed = ParseJson(request.body, "body");
    if (!parsed) return tl::unexpected(ProblemFromError(parsed.error()));
    body = std::move(*parsed);
  }
  if (!body.is_object()) {
    return tl::unexpected(
        BadRequest("body", std::string("expected a JSON object, got ") + JsonTypeName(body)));
  }
  for (const auto& [key, value] : body.items()) {
    const FieldSpec* field = nullptr;
    for (const auto& f : spec.fields) {
      if (f.name == key) field = &f;
    }
    if (!field) return tl::unexpected(BadRequest(key, "unknown field"));
    if (!Matches(value, field->type)) {
      return tl::unexpected(BadRequest(
          key, std::string("expected ") + TypeName(field->type) + ", got " + JsonTypeName(value)));
    }
  }
  for (const auto& f : spec.fields) {
    if (f.required && !body.contains(f.name)) {
      return tl::unexpected(BadRequest(f.name, "required"));
    }
  }
  return body;
}

Json BodySchema(const BodySpec& spec) {
  Json props = Json::object();
  Json required = Json::array();
  for (const auto& f : spec.fields) {
    Json s;
    switch (f.type) {
      case FieldType::kString:
        s = {{"type", "string"}};
        break;
      case FieldType::kBool:
        s = {{"type", "boolean"}};
        break;
      case FieldType::kInteger:
        s = {{"type", "integer"}};
        break;
      case FieldType::kStringMap:
        s = {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}};
        break;
      case FieldType::kNullableStringMap:
        s = {{"type", "object"},
             {"additionalProperties", {{"type", Json::array({"string", "null"})}}}};
        break;
      case FieldType::kStringList:
        s = {{"type", "array"}, {"items", {{"type", "string"}}}};
        break;
      case FieldType::kTime:
        s = {{"type", Json::array({"string", "null"})}, {"format", "date-time"}};
        break;
    }
    if (!f.description.empty()) s["description"] = f.description;
    props[f.name] = std::move(s);
    if (f.required) required.push_back(f.name);
  }
  Json schema = {{"type", "object"}, {"additionalProperties", false}, {"properties", props}};
  if (!required.empty()) schema["required"] = std::move(required);
  return schema;
}

}  // namespace ccm::api
