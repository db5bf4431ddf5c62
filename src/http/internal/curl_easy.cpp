#include "http/internal/curl_easy.hpp"

#include <algorithm>
#include <mutex>

namespace ccm::http::internal {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

// Host of a URL, for error messages (never the query, which may carry signatures).
std::string Where(const std::string& url) {
  size_t q = url.find_first_of("?#");
  return url.substr(0, q);
}

}  // namespace

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

EasyCall::EasyCall(const Request& request) : request_(request) {
  GlobalInit();
  handle_ = curl_easy_init();
  if (!handle_) {
    setup_failed_ = true;
    setup_error_ = Error{Code::kInternal, "curl_easy_init failed", {}, false, {}, {}};
    return;
  }
  CURL* h = handle_;
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &EasyCall::OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &EasyCall::OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
  }
  bool has_expect = false;
  for (const auto& [k, v] : request.headers) {
    header_list_ = curl_slist_append(header_list_, (k + ": " + v).c_str());
    if (Lower(k) == "expect") has_expect = true;
  }
  if (!has_expect) header_list_ = curl_slist_append(header_list_, "Expect:");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list_);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, request.tls.verify ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, request.tls.verify ? 2L : 0L);
  if (!request.tls.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, request.tls.ca_file.c_str());
  if (!request.tls.pinned_pubkey.empty()) {
    curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, request.tls.pinned_pubkey.c_str());
  }
  started_ = std::chrono::steady_clock::now();
}

EasyCall::~EasyCall() {
  if (header_list_) curl_slist_free_all(header_list_);
  if (handle_) curl_easy_cleanup(handle_);
}

size_t EasyCall::OnBody(char* data, size_t size, size_t n, void* self_ptr) {
  auto* self = static_cast<EasyCall*>(self_ptr);
  size_t len = size * n;
  if (self->response_.body.size() + len > self->request_.max_response_bytes) {
    self->too_big_ = true;
    return 0;  // aborts the transfer
  }
  self->response_.body.append(data, len);
  return len;
}

size_t EasyCall::OnHeader(char* data, size_t size, size_t n, void* self_ptr) {
  auto* self = static_cast<EasyCall*>(self_ptr);
  size_t len = size * n;
  std::string line(data, len);
  if (line.rfind("HTTP/", 0) == 0) {
    self->response_.headers.clear();  // a new response (after 100-continue or a redirect)
    return len;
  }
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    self->response_.headers.emplace_back(Lower(Trim(line.substr(0, colon))),
                                         Trim(line.substr(colon + 1)));
  }
  return len;
}

Result<Response> EasyCall::Finish(CURLcode rc) {
  response_.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  std::string where = request_.method + " " + Where(request_.url);
  if (too_big_) {
    return Fail(Error{Code::kResourceExhausted,
                      where + ": answer larger than " +
                          std::to_string(request_.max_response_bytes) + " bytes refused",
                      "ResponseTooLarge", false, {}, {}});
  }
  if (rc != CURLE_OK) {
    Error e{Code::kUnavailable, where + ": " + curl_easy_strerror(rc), "", true, {}, {}};
    switch (rc) {
      case CURLE_OPERATION_TIMEDOUT:
        e.code = Code::kDeadlineExceeded;
        e.provider_code = "Timeout";
        break;
      case CURLE_COULDNT_CONNECT:
      case CURLE_COULDNT_RESOLVE_HOST:
        e.provider_code = "ConnectionRefused";
        break;
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        e.message = where + ": TLS verification failed: " + curl_easy_strerror(rc) +
                    " (set a CA file or a pinned key for this endpoint)";
        e.provider_code = "TlsVerificationFailed";
        e.retryable = false;
        break;
      case CURLE_SSL_CONNECT_ERROR:
        e.provider_code = "TlsHandshakeFailed";
        break;
      default:
        e.provider_code = "ConnectionError";
        break;
    }
    return Fail(std::move(e));
  }
  curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &response_.status);
  return std::move(response_);
}

}  // namespace ccm::http::internal
