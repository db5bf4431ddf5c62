#include "http/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include "http/internal/curl_easy.hpp"

namespace ccm::http {

std::optional<std::string> Response::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return std::nullopt;
}

Result<Response> Perform(const Request& request) {
  internal::EasyCall call(request);
  if (!call.ok()) return Fail(call.setup_error());
  CURLcode rc = curl_easy_perform(call.handle());
  return call.Finish(rc);
}

namespace {
std::string Encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}
}  // namespace

std::string PercentEncode(std::string_view text) { return Encode(text, false); }
std::string PercentEncodePath(std::string_view text) { return Encode(text, true); }

}  // namespace ccm::http
