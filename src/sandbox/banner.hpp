#pragma once
// The "try it" text `ccm serve --sandbox` prints on stdout once it listens: where the API is, and
// curl commands that read the admin token from its file (the token itself is never in it).
// Pure; thread-safe.
#include <string>

namespace ccm::sandbox {

struct BannerInfo {
  std::string base_url;    // "http://127.0.0.1:8080"
  std::string token_path;  // <data_dir>/sandbox-admin.token
  std::string region;      // the region used in the examples
};

std::string TryItBanner(const BannerInfo& info);

// Quotes `text` for a POSIX shell (single quotes).
std::string ShellQuote(const std::string& text);

}  // namespace ccm::sandbox
