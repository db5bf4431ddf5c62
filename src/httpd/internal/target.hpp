#pragma once
// Request-target parsing: path percent-decoding and query-string splitting (no Beast here).
#include <string>
#include <string_view>

#include "httpd/server.hpp"

namespace ccm::httpd::internal {

// Fills request->path and request->query from target ("/p%20q?a=1&b=x+y").
void ParseTarget(std::string_view target, Request* request);
// Percent-decodes text; '+' becomes a space when plus_is_space. Malformed escapes stay as is.
std::string PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace ccm::httpd::internal
