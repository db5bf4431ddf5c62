#pragma once
// The process environment and the filesystem as seen by the AWS credential chain and endpoint
// resolution, injectable so tests never depend on the machine's ~/.aws or variables.
// Process() reads the real environment (getenv) and files. Thread-safe if the functions are.
#include <functional>
#include <optional>
#include <string>

namespace ccm::aws {

struct Environment {
  // The value of an environment variable, nullopt when unset.
  std::function<std::optional<std::string>(const std::string& name)> get;
  // The content of a file, nullopt when it cannot be read.
  std::function<std::optional<std::string>(const std::string& path)> read_file;

  // The variable's value, or `fallback` when unset or empty.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  // "true"/"1"/"yes" (case-insensitive).
  bool IsTrue(const std::string& name) const;

  static Environment Process();
};

}  // namespace ccm::aws
