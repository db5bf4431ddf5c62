#include "sandbox/admin_token.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "auth/api_token.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"

namespace ccm::sandbox {
namespace {

std::string ReadTrimmed(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

bool IsLiveAdmin(const store::ApiTokenRecord& r, TimePoint now) {
  return r.role == "admin" && !r.revoked_at && (!r.expires_at || *r.expires_at > now);
}

// Whether the token in the file is one the store accepts as a live admin token.
Result<bool> StoreAccepts(store::TokenStore& tokens, const std::string& token, TimePoint now) {
  if (!auth::LooksLikeApiToken(token)) return false;
  auto found = tokens.FindApiTokenByHash(auth::HashApiToken(token));
  if (!found) {
    if (found.error().code == Code::kNotFound) return false;
    return Fail(found.error());
  }
  return IsLiveAdmin(*found, now);
}

Status RevokeLiveSandboxTokens(store::TokenStore& tokens, TimePoint now) {
  auto all = tokens.ListApiTokens();
  if (!all) return Fail(all.error());
  for (const auto& r : *all) {
    if (r.name != kSandboxTokenName || r.revoked_at) continue;
    if (auto st = tokens.RevokeApiToken(r.id, now); !st) return st;
  }
  return Ok();
}

// Written to a temporary file (mode 0600 from the start) and renamed over the old one, so the
// token is never readable by others, not even for a moment.
Status WriteTokenFile(const std::string& path, const std::string& token) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return MakeError(Code::kInternal, "cannot write " + tmp + ": " + strerror(errno));
  const std::string text = token + "\n";
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return MakeError(Code::kInternal, "cannot write " + path + ": " + strerror(errno));
  }
  return Ok();
}

}  // namespace

Result<SandboxToken> EnsureSandboxAdminToken(store::TokenStore& tokens, const std::string& data_dir,
                                             Clock& clock) {
  SandboxToken out;
  out.path = (std::filesystem::path(data_dir) / kSandboxTokenFile).string();
  const TimePoint now = clock.Now();
  std::string existing = ReadTrimmed(out.path);
  if (!existing.empty()) {
    log::RegisterSecret(existing);
    auto accepted = StoreAccepts(tokens, existing, now);
    if (!accepted) return Fail(accepted.error());
    if (*accepted) {
      ::chmod(out.path.c_str(), 0600);
      out.token = existing;
      return out;
    }
    log::Warn("sandbox: the admin token file does not match the store; making a new token",
              {{"path", out.path}});
  }
  if (auto st = RevokeLiveSandboxTokens(tokens, now); !st) return Fail(st.error());
  out.token = auth::GenerateApiToken();
  log::RegisterSecret(out.token);
  store::ApiTokenRecord record;
  record.id = NewUuid();
  record.name = kSandboxTokenName;
  record.role = "admin";
  record.subject = kSandboxTokenName;
  record.token_hash = auth::HashApiToken(out.token);
  record.created_at = now;
  if (auto st = tokens.InsertApiToken(record); !st) return Fail(st.error());
  if (auto st = WriteTokenFile(out.path, out.token); !st) return Fail(st.error());
  out.created = true;
  return out;
}

}  // namespace ccm::sandbox
