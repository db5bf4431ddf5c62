#pragma once
// AWS credentials and where they come from. Secret values are registered with the log redactor
// the moment they are loaded, so they can never reach a log line.
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace ccm::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;          // empty for long-term keys
  std::optional<TimePoint> expiration;  // empty for long-term keys
  std::string source;                 // "settings", "environment", "profile:NAME", "imds", ...
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Current credentials, refreshed before they expire. Thread-safe.
  virtual Result<Credentials> Get() = 0;
};

}  // namespace ccm::aws
