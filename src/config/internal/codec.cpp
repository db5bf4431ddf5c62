#include "config/internal/codec.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>

#include "config/internal/suggest.hpp"

namespace ccm::config::internal {

void DecodeContext::Fail(const std::string& path, const std::string& reason) const {
  if (problems == nullptr) return;
  problems->push_back(path + ": " + reason + (origin.empty() ? "" : " (" + origin + ")"));
}

std::string Describe(const Json& raw) {
  if (raw.is_null()) return "nothing";
  if (raw.is_object()) return "a map";
  if (raw.is_array()) return "a list";
  if (raw.is_boolean()) return raw.get<bool>() ? "true" : "false";
  if (raw.is_number()) return raw.dump();
  std::string text = raw.get<std::string>();
  if (text.size() > 40) text = text.substr(0, 40) + "...";
  return "\"" + text + "\"";
}

namespace {

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

using FieldFn =
    std::function<bool(const std::string& key, const Json& value, const std::string& field_path)>;

// Walks a map whose keys must be among `known`; unknown keys are problems with a hint.
bool DecodeObject(const Json& raw, const std::string& path, const DecodeContext& ctx,
                  const std::vector<std::string>& known, const FieldFn& field) {
  if (!raw.is_object()) {
    ctx.Fail(path, "expected a map, got " + Describe(raw));
    return false;
  }
  bool ok = true;
  for (const auto& [key, value] : raw.items()) {
    std::string field_path = path + "." + key;
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      ctx.Fail(field_path, "unknown key" + DidYouMean(key, known));
      ok = false;
      continue;
    }
    ok = field(key, value, field_path) && ok;
  }
  return ok;
}

}  // namespace

bool Decode(const Json& raw, std::string* out, const std::string& path, const DecodeContext& ctx) {
  if (raw.is_string()) {
    *out = raw.get<std::string>();
  } else if (raw.is_null()) {
    out->clear();
  } else if (raw.is_number() || raw.is_boolean()) {
    *out = raw.dump();  // JSON given in the environment, e.g. {"cml_version": 2.7}
  } else {
    ctx.Fail(path, "expected a string, got " + Describe(raw));
    return false;
  }
  return true;
}

bool Decode(const Json& raw, bool* out, const std::string& path, const DecodeContext& ctx) {
  if (raw.is_boolean()) {
    *out = raw.get<bool>();
    return true;
  }
  if (raw.is_string()) {
    std::string text = Lower(raw.get<std::string>());
    if (text == "true" || text == "yes" || text == "on" || text == "1") {
      *out = true;
      return true;
    }
    if (text == "false" || text == "no" || text == "off" || text == "0") {
      *out = false;
      return true;
    }
  }
  ctx.Fail(path, "expected true or false, got " + Describe(raw));
  return false;
}

bool Decode(const Json& raw, int64_t* out, const std::string& path, const DecodeContext& ctx) {
  if (raw.is_number_integer()) {
    *out = raw.get<int64_t>();
    return true;
  }
  if (raw.is_number_float()) {
    double d = raw.get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9e15) {
      *out = static_cast<int64_t>(d);
      return true;
    }
  }
  if (raw.is_string()) {
    const std::string text = raw.get<std::string>();
    char* end = nullptr;
    errno = 0;
    long long value = std::strtoll(text.c_str(), &end, 10);
    if (!text.empty() && *end == '\0' && errno == 0) {
      *out = value;
      return true;
    }
  }
  ctx.Fail(path, "expected an integer, got " + Describe(raw));
  return false;
}

bool Decode(const Json& raw, double* out, const std::string& path, const DecodeContext& ctx) {
  if (raw.is_number()) {
    *out = raw.get<double>();
    return true;
  }
  if (raw.is_string()) {
    const std::string text = raw.get<std::string>();
    char* end = nullptr;
    errno = 0;
    double value = std::strtod(text.c_str(), &end);
    if (!text.empty() && *end == '\0' && errno == 0 && std::isfinite(value)) {
      *out = value;
      return true;
    }
  }
  ctx.Fail(path, "expected a number, got " + Describe(raw));
  return false;
}

bool Decode(const Json& raw, StringList* out, const std::string& path, const DecodeContext& ctx) {
  if (raw.is_null()) {
    out->clear();
    return true;
  }
  if (!raw.is_array()) {
    ctx.Fail(path, "expected a list, got " + Describe(raw));
    return false;
  }
  StringList result;
  bool ok = true;
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string item;
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    if (raw[i].is_object() || raw[i].is_array() || raw[i].is_null()) {
      ctx.Fail(item_path, "expected a string, got " + Describe(raw[i]));
      ok = false;
      continue;
    }
    ok = Decode(raw[i], &item, item_path, ctx) && ok;
    result.push_back(std::move(item));
  }
  if (ok) *out = std::move(result);
  return ok;
}

bool Decode(const Json& raw, AwsAccount* out, const std::string& path, const DecodeContext& ctx) {
  AwsAccount v;
  bool ok = DecodeObject(raw, path, ctx, {"role_arn", "external_id", "regions"},
                         [&](const std::string& key, const Json& value, const std::string& p) {
                           if (key == "role_arn") return Decode(value, &v.role_arn, p, ctx);
                           if (key == "external_id") return Decode(value, &v.external_id, p, ctx);
                           return Decode(value, &v.regions, p, ctx);
                         });
  if (ok) *out = std::move(v);
  return ok;
}

bool Decode(const Json& raw, AmiConfig* out, const std::string& path, const DecodeContext& ctx) {
  AmiConfig v;
  bool ok = DecodeObject(raw, path, ctx, {"ami_id", "ami_name", "cml_version", "instance_type"},
                         [&](const std::string& key, const Json& value, const std::string& p) {
                           if (key == "ami_id") return Decode(value, &v.ami_id, p, ctx);
                           if (key == "ami_name") return Decode(value, &v.ami_name, p, ctx);
                           if (key == "cml_version") return Decode(value, &v.cml_version, p, ctx);
                           return Decode(value, &v.instance_type, p, ctx);
                         });
  if (ok) *out = std::move(v);
  return ok;
}

bool Decode(const Json& raw, RegionNetwork* out, const std::string& path,
            const DecodeContext& ctx) {
  RegionNetwork v;
  const std::vector<std::string> keys = {"vpc_id", "subnet_id", "security_group_ids",
                                         "security_group_names", "assign_public_ip"};
  bool ok = DecodeObject(raw, path, ctx, keys,
                         [&](const std::string& key, const Json& value, const std::string& p) {
                           if (key == "vpc_id") return Decode(value, &v.vpc_id, p, ctx);
                           if (key == "subnet_id") return Decode(value, &v.subnet_id, p, ctx);
                           if (key == "security_group_ids") {
                             return Decode(value, &v.security_group_ids, p, ctx);
                           }
                           if (key == "security_group_names") {
                             return Decode(value, &v.security_group_names, p, ctx);
                           }
                           return Decode(value, &v.assign_public_ip, p, ctx);
                         });
  if (ok) *out = std::move(v);
  return ok;
}

bool Decode(const Json& raw, Webhook* out, const std::string& path, const DecodeContext& ctx) {
  Webhook v;
  bool ok = DecodeObject(raw, path, ctx, {"url", "events", "secret"},
                         [&](const std::string& key, const Json& value, const std::string& p) {
                           if (key == "url") return Decode(value, &v.url, p, ctx);
                           if (key == "events") return Decode(value, &v.events, p, ctx);
                           return Decode(value, &v.secret, p, ctx);
                         });
  if (ok) *out = std::move(v);
  return ok;
}

bool Decode(const Json& raw, std::vector<Webhook>* out, const std::string& path,
            const DecodeContext& ctx) {
  if (raw.is_null()) {
    out->clear();
    return true;
  }
  if (!raw.is_array()) {
    ctx.Fail(path, "expected a list of {url, events, secret}, got " + Describe(raw));
    return false;
  }
  std::vector<Webhook> result(raw.size());
  bool ok = true;
  for (size_t i = 0; i < raw.size(); ++i) {
    ok = Decode(raw[i], &result[i], path + "[" + std::to_string(i) + "]", ctx) && ok;
  }
  if (ok) *out = std::move(result);
  return ok;
}

Json Encode(const std::string& v) { return v; }
Json Encode(bool v) { return v; }
Json Encode(int64_t v) { return v; }
Json Encode(double v) { return v; }
Json Encode(const StringList& v) { return Json(v); }

Json Encode(const AwsAccount& v) {
  return Json{{"role_arn", v.role_arn}, {"external_id", v.external_id}, {"regions", v.regions}};
}

Json Encode(const AmiConfig& v) {
  return Json{{"ami_id", v.ami_id},
              {"ami_name", v.ami_name},
              {"cml_version", v.cml_version},
              {"instance_type", v.instance_type}};
}

Json Encode(const RegionNetwork& v) {
  return Json{{"vpc_id", v.vpc_id},
              {"subnet_id", v.subnet_id},
              {"security_group_ids", v.security_group_ids},
              {"security_group_names", v.security_group_names},
              {"assign_public_ip", v.assign_public_ip}};
}

Json Encode(const Webhook& v) {
  return Json{{"url", v.url}, {"events", v.events}, {"secret", v.secret}};
}

Json Encode(const std::vector<Webhook>& v) {
  Json out = Json::array();
  for (const auto& w : v) out.push_back(Encode(w));
  return out;
}

}  // namespace ccm::config::internal
