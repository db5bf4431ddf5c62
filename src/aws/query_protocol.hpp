#pragma once
// The AWS Query protocol's request body: "Action=..&Version=..&<params>" with RFC 3986
// percent-encoding of everything but unreserved characters (A-Z a-z 0-9 - _ . ~), so '+', '/',
// '=', ' ' and UTF-8 bytes are always %XX (moto and AWS both accept this; '+' for space is not
// used). Pure, thread-safe.
#include <string>
#include <string_view>

#include "aws/query_transport.hpp"

namespace ccm::aws {

inline constexpr char kFormContentType[] = "application/x-www-form-urlencoded; charset=utf-8";

std::string EncodeQueryBody(std::string_view action, std::string_view version,
                            const Params& params);

}  // namespace ccm::aws
