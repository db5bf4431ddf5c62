#include "api/idempotency.hpp"

#include <openssl/evp.h>

#include "core/log.hpp"

namespace ccm::api {
namespace {

constexpr size_t kMaxKeyLength = 255;

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

bool ValidKey(const std::string& key) {
  if (key.empty() || key.size() > kMaxKeyLength) return false;
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

Answer Replay(const store::IdempotencyRecord& record) {
  httpd::Response r;
  r.status = record.status_code;
  auto headers = ParseJson(record.response_headers, "headers");
  if (headers && headers->is_object()) {
    for (const auto& [name, value] : headers->items()) {
      if (value.is_string()) r.headers.emplace_back(name, value.get<std::string>());
    }
  }
  r.headers.emplace_back("Idempotent-Replayed", "true");
  r.body = record.response_body;
  return r;
}

}  // namespace

Answer WithIdempotency(store::IdempotencyStore& store, Clock& clock, const Call& call,
                       const std::function<Answer()>& run) {
  auto key = call.request.Header("idempotency-key");
  if (!key) return run();
  if (!ValidKey(*key)) {
    return Failed(BadRequest("Idempotency-Key", "1-255 printable ASCII characters, no spaces"));
  }
  store::IdempotencyRecord claim;
  claim.subject = call.identity.subject;
  claim.key = *key;
  claim.request_hash =
      Sha256Hex(call.request.method + "\n" + call.request.target + "\n" + call.request.body);
  claim.created_at = clock.Now();
  claim.expires_at = claim.created_at + kIdempotencyTtl;
  auto existing = store.ClaimIdempotencyKey(claim);
  if (!existing) return Failed(existing.error());
  if (*existing) {
    const store::IdempotencyRecord& first = **existing;
    if (first.request_hash != claim.request_hash) {
      return Failed(Unprocessable("IDEMPOTENCY_KEY_REUSED",
                                  "this Idempotency-Key was used for a different request"));
    }
    if (!first.completed) {
      return Failed(Conflict("IDEMPOTENCY_KEY_IN_USE",
                             "the first request with this Idempotency-Key is still running"));
    }
    return Replay(first);
  }
  Answer answer = run();
  if (!answer) {
    if (auto st = store.ReleaseIdempotencyKey(claim.subject, claim.key); !st) {
      log::Warn("idempotency key release failed", {{"error", st.error().ToString()}});
    }
    return answer;
  }
  Json headers = Json::object();
  for (const auto& [name, value] : answer->headers) headers[name] = value;
  if (auto st = store.CompleteIdempotencyKey(claim.subject, claim.key, answer->status,
                                             headers.dump(), answer->body);
      !st) {
    log::Warn("idempotency key completion failed", {{"error", st.error().ToString()}});
  }
  return answer;
}

}  // namespace ccm::api
