#include "cml/token_cache.hpp"

#include <algorithm>

#include "core/json.hpp"

namespace ccm::cml {

std::optional<std::string> DecodeBase64Url(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '-' || c == '+') {
      v = 62;
    } else if (c == '_' || c == '/') {
      v = 63;
    } else if (c == '=') {
      break;
    } else {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::optional<JwtClaims> DecodeJwtClaims(std::string_view token) {
  size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  auto payload = DecodeBase64Url(token.substr(first + 1, second - first - 1));
  if (!payload) return std::nullopt;
  auto json = ParseJson(*payload, "JWT payload");
  if (!json || !json->is_object()) return std::nullopt;
  JwtClaims claims;
  if (auto exp = GetNumber(*json, "exp")) claims.expires = FromUnixSeconds(*exp);
  if (auto iat = GetNumber(*json, "iat")) claims.issued = FromUnixSeconds(*iat);
  claims.subject = GetString(*json, "sub").value_or("");
  return claims;
}

TokenCache::TokenCache(const Clock& clock, std::chrono::seconds default_lifetime,
                       std::chrono::seconds refresh_margin)
    : clock_(clock), default_lifetime_(default_lifetime), refresh_margin_(refresh_margin) {}

std::optional<std::string> TokenCache::Get(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || clock_.Now() >= it->second.refresh_at) return std::nullopt;
  return it->second.token;
}

TimePoint TokenCache::Put(const std::string& key, std::string token) {
  TimePoint now = clock_.Now();
  TimePoint expires = now + default_lifetime_;
  std::string subject;
  if (auto claims = DecodeJwtClaims(token)) {
    if (claims->expires) expires = *claims->expires;
    subject = claims->subject;
  }
  // Refresh a margin before expiry, but never more than a fifth of the remaining lifetime early,
  // so short-lived tokens are still reused.
  Duration lifetime = std::max(Duration::zero(), expires - now);
  Duration margin = std::min<Duration>(refresh_margin_, lifetime / 5);
  TimePoint refresh_at = expires - margin;
  std::lock_guard lock(mu_);
  entries_[key] = Entry{std::move(token), refresh_at, std::move(subject)};
  return refresh_at;
}

void TokenCache::Invalidate(const std::string& key, std::string_view token) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.token == token) entries_.erase(it);
}

std::string TokenCache::Subject(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  return it == entries_.end() ? "" : it->second.subject;
}

void TokenCache::ForgetWorker(std::string_view worker_id) {
  std::string prefix = std::string(worker_id) + kKeySeparator;
  std::lock_guard lock(mu_);
  for (auto it = entries_.lower_bound(prefix);
       it != entries_.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
    it = entries_.erase(it);
  }
}

std::mutex& TokenCache::LoginMutex(const std::string& key) {
  std::lock_guard lock(mu_);
  auto& slot = logins_[key];
  if (!slot) slot = std::make_unique<std::mutex>();
  return *slot;
}

size_t TokenCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace ccm::cml
