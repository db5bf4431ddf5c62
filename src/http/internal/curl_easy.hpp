#pragma once
// One configured curl easy handle for one Request, and the translation of its outcome into a
// Response or an Error. Used by Perform() and by the multi-handle executor.
#include <curl/curl.h>

#include <chrono>

#include "http/http_client.hpp"

namespace ccm::http::internal {

// Initialises libcurl once per process (thread-safe).
void GlobalInit();

class EasyCall {
 public:
  explicit EasyCall(const Request& request);
  ~EasyCall();
  EasyCall(const EasyCall&) = delete;
  EasyCall& operator=(const EasyCall&) = delete;

  bool ok() const { return handle_ != nullptr && !setup_failed_; }
  const Error& setup_error() const { return setup_error_; }
  CURL* handle() { return handle_; }
  // Turns curl's result for this handle into the Response, or an Error.
  Result<Response> Finish(CURLcode rc);

 private:
  static size_t OnBody(char* data, size_t size, size_t n, void* self);
  static size_t OnHeader(char* data, size_t size, size_t n, void* self);

  const Request& request_;
  CURL* handle_ = nullptr;
  curl_slist* header_list_ = nullptr;
  Response response_;
  bool too_big_ = false;
  bool setup_failed_ = false;
  Error setup_error_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace ccm::http::internal
