#pragma once
// Outbound HTTP on libcurl, shared by the AWS and CML adapters.
// Perform() is synchronous and thread-safe (one easy handle per call; connection reuse through a
// shared curl share object). Transport failures become Errors: a timeout is kDeadlineExceeded,
// a refused or reset connection kUnavailable (both retryable), a TLS verification failure
// kUnavailable with a message saying so (not retryable), an answer over max_response_bytes
// kResourceExhausted. An HTTP error status is NOT an Error: callers read HttpResponse::status.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace ccm::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct TlsOptions {
  bool verify = true;           // verify the peer certificate and host name
  std::string ca_file;          // extra CA bundle (PEM); empty = system store
  std::string pinned_pubkey;    // "sha256//BASE64" or a PEM/DER file path; empty = none
};

struct Request {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{30000};
  size_t max_response_bytes = 16 * 1024 * 1024;
  TlsOptions tls;
};

struct Response {
  long status = 0;
  Headers headers;  // names lower-cased
  std::string body;
  double elapsed_seconds = 0;

  // First header with this (lower-case) name, if any.
  std::optional<std::string> Header(std::string_view name) const;
};

Result<Response> Perform(const Request& request);

// RFC 3986 percent-encoding of everything but unreserved characters (A-Z a-z 0-9 - _ . ~).
std::string PercentEncode(std::string_view text);
// Same but keeps '/' (for URI paths).
std::string PercentEncodePath(std::string_view text);

}  // namespace ccm::http
