#include "aws/environment.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ccm::aws {

std::string Environment::Get(const std::string& name, const std::string& fallback) const {
  if (!get) return fallback;
  auto v = get(name);
  return v && !v->empty() ? *v : fallback;
}

bool Environment::IsTrue(const std::string& name) const {
  std::string v = Get(name);
  std::transform(v.begin(), v.end(), v.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return v == "true" || v == "1" || v == "yes";
}

Environment Environment::Process() {
  Environment env;
  env.get = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
  env.read_file = [](const std::string& path) -> std::optional<std::string> {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  return env;
}

}  // namespace ccm::aws
