#include "aws/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <utility>
#include <vector>

namespace ccm::aws::sigv4 {
namespace {

constexpr char kAlgorithm[] = "AWS4-HMAC-SHA256";

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0xf]);
  }
  return out;
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Trims and collapses every run of whitespace (including folded-line breaks) to one space.
std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (unsigned char c : value) {
    if (std::isspace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string DateStamp(TimePoint t) { return AmzDate(t).substr(0, 8); }

}  // namespace

std::string AmzDate(TimePoint t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr);
  return Hex(out, len);
}

std::string PercentDecode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string CanonicalUri(std::string_view path, bool normalize) {
  if (path.empty()) return "/";
  if (!normalize) return http::PercentEncodePath(path);
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(start, end - start);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    start = end + 1;
  }
  std::string out;
  for (auto seg : segments) out += "/" + http::PercentEncode(seg);
  bool trailing = path.back() == '/' || path.ends_with("/.") || path.ends_with("/..");
  if (out.empty() || trailing) out += "/";
  return out;
}

std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view part = query.substr(start, end - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string_view key = part.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? "" : part.substr(eq + 1);
      pairs.emplace_back(http::PercentEncode(PercentDecode(key)),
                         http::PercentEncode(PercentDecode(value)));
    }
    start = end + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

namespace {

struct CanonicalHeaders {
  std::string text;          // "name:value\n" per header, sorted by name
  std::string signed_names;  // "name;name;..."
};

// Headers grouped by lower-case name; repeated headers keep their order, joined by commas.
CanonicalHeaders Canonicalize(const http::Headers& request_headers, const http::Headers& added) {
  std::map<std::string, std::vector<std::string>> grouped;
  for (const auto& [name, value] : request_headers) {
    grouped[Lower(name)].push_back(CanonicalHeaderValue(value));
  }
  for (const auto& [name, value] : added) grouped[Lower(name)].push_back(value);
  CanonicalHeaders out;
  for (const auto& [name, values] : grouped) {
    std::string joined;
    for (const auto& v : values) joined += (joined.empty() ? "" : ",") + v;
    out.text += name + ":" + joined + "\n";
    out.signed_names += (out.signed_names.empty() ? "" : ";") + name;
  }
  return out;
}

std::string SigningKey(const Params& params) {
  std::string key = Hmac("AWS4" + params.secret_access_key, DateStamp(params.time));
  key = Hmac(key, params.region);
  key = Hmac(key, params.service);
  return Hmac(key, "aws4_request");
}

}  // namespace

Signature Sign(const Request& request, const Params& params) {
  Signature sig;
  std::string amz_date = AmzDate(params.time);
  std::string payload_hash = Sha256Hex(request.body);
  sig.headers.emplace_back("X-Amz-Date", amz_date);
  if (params.sign_body) sig.headers.emplace_back("X-Amz-Content-Sha256", payload_hash);
  if (!params.session_token.empty() && !params.omit_session_token) {
    sig.headers.emplace_back("X-Amz-Security-Token", params.session_token);
  }
  CanonicalHeaders headers = Canonicalize(request.headers, sig.headers);
  sig.canonical_request = request.method + "\n" +
                          CanonicalUri(request.path, params.normalize_path) + "\n" +
                          CanonicalQuery(request.query) + "\n" + headers.text + "\n" +
                          headers.signed_names + "\n" + payload_hash;
  std::string scope =
      DateStamp(params.time) + "/" + params.region + "/" + params.service + "/aws4_request";
  sig.string_to_sign = std::string(kAlgorithm) + "\n" + amz_date + "\n" + scope + "\n" +
                       Sha256Hex(sig.canonical_request);
  std::string raw = Hmac(SigningKey(params), sig.string_to_sign);
  sig.signature = Hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  if (!params.session_token.empty() && params.omit_session_token) {
    sig.headers.emplace_back("X-Amz-Security-Token", params.session_token);
  }
  sig.headers.emplace_back("Authorization", std::string(kAlgorithm) +
                                                " Credential=" + params.access_key_id + "/" +
                                                scope + ", SignedHeaders=" + headers.signed_names +
                                                ", Signature=" + sig.signature);
  return sig;
}

}  // namespace ccm::aws::sigv4
