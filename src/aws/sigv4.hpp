#pragma once
// AWS Signature Version 4 for request headers (the Authorization header form), as specified by
// AWS and checked against AWS's official test suite (testdata/aws-sigv4-suite).
// Pure functions: no I/O, no clock reads (the signing time is passed in). Thread-safe.
// Secrets are only hashed; nothing here logs.
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "http/http_client.hpp"

namespace ccm::aws::sigv4 {

struct Request {
  std::string method = "POST";
  std::string path = "/";  // not yet percent-encoded ("/example space/")
  std::string query;       // without '?'; parts may already be percent-encoded
  http::Headers headers;   // as sent; must contain Host. Repeated names are allowed.
  std::string body;
};

struct Params {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty = long-term keys
  std::string region;
  std::string service;
  TimePoint time;
  bool normalize_path = true;       // remove "." / ".." segments and repeated slashes
  bool sign_body = false;           // add and sign x-amz-content-sha256
  bool omit_session_token = false;  // add X-Amz-Security-Token after signing (unsigned)
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // lower-case hex
  // Headers the caller must add to the request: X-Amz-Date, optional X-Amz-Security-Token and
  // X-Amz-Content-Sha256, and Authorization.
  http::Headers headers;
};

Signature Sign(const Request& request, const Params& params);

// Building blocks, exposed for tests.
std::string CanonicalUri(std::string_view path, bool normalize);
std::string CanonicalQuery(std::string_view query);
std::string PercentDecode(std::string_view text);
std::string Sha256Hex(std::string_view data);
// "20150830T123600Z"
std::string AmzDate(TimePoint t);

}  // namespace ccm::aws::sigv4
