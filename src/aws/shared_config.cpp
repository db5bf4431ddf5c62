#include "aws/shared_config.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace ccm::aws {
namespace {

std::string Trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string HomeFile(const Environment& env, const std::string& var, const std::string& name) {
  std::string path = env.Get(var);
  if (!path.empty()) {
    if (path.starts_with("~/")) path = env.Get("HOME") + path.substr(1);
    return path;
  }
  return env.Get("HOME") + "/.aws/" + name;
}

std::string ReadOrEmpty(const Environment& env, const std::string& path) {
  if (!env.read_file) return "";
  return env.read_file(path).value_or("");
}

}  // namespace

ProfileMap ParseIni(std::string_view text) {
  ProfileMap out;
  std::istringstream in{std::string(text)};
  std::string line;
  std::string section;
  bool in_subsection = false;
  while (std::getline(in, line)) {
    bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = Trim(std::string_view(t).substr(1, t.size() - 2));
      out[section];
      in_subsection = false;
      continue;
    }
    if (section.empty()) continue;
    if (indented && in_subsection) continue;  // sub-settings of a nested key
    size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    std::string key = Lower(Trim(std::string_view(t).substr(0, eq)));
    std::string value = Trim(std::string_view(t).substr(eq + 1));
    in_subsection = value.empty();
    if (!in_subsection) out[section][key] = value;
  }
  return out;
}

ProfileMap LoadSharedProfiles(const Environment& env) {
  ProfileMap merged;
  for (auto& [name, values] :
       ParseIni(ReadOrEmpty(env, HomeFile(env, "AWS_CONFIG_FILE", "config")))) {
    std::string profile = name;
    if (name.starts_with("profile ")) {
      profile = Trim(std::string_view(name).substr(8));
    } else if (name != "default") {
      continue;  // the config file names profiles "[profile x]"; other sections are not profiles
    }
    for (auto& [k, v] : values) merged[profile][k] = v;
  }
  ProfileMap creds =
      ParseIni(ReadOrEmpty(env, HomeFile(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials")));
  for (auto& [name, values] : creds) {
    for (auto& [k, v] : values) merged[name][k] = v;
  }
  return merged;
}

std::string SelectedProfile(const Environment& env, const std::string& explicit_profile) {
  if (!explicit_profile.empty()) return explicit_profile;
  return env.Get("AWS_PROFILE", "default");
}

}  // namespace ccm::aws
