#pragma once
// The sandbox's admin API token: created once, kept in <data_dir>/sandbox-admin.token (mode
// 0600) and, hashed, in the store's API tokens (name "sandbox-admin", role admin).
//
// EnsureSandboxAdminToken reuses the token in the file when the store knows its hash as a live
// admin token; otherwise it revokes any live "sandbox-admin" token, creates a new one and
// (re)writes the file atomically with mode 0600. `created` says whether the token is new: only a
// new token is shown to the person (once). The token is registered as a secret and never logged.
// Errors: the store's errors; kInternal when the file cannot be written. Not thread-safe with
// itself (call once at start).
#include <string>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace ccm::sandbox {

inline constexpr char kSandboxTokenName[] = "sandbox-admin";
inline constexpr char kSandboxTokenFile[] = "sandbox-admin.token";

struct SandboxToken {
  std::string token;  // a secret
  std::string path;   // the file holding it
  bool created = false;
};

Result<SandboxToken> EnsureSandboxAdminToken(store::TokenStore& tokens, const std::string& data_dir,
                                             Clock& clock);

}  // namespace ccm::sandbox
