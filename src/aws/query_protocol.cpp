#include "aws/query_protocol.hpp"

#include "http/http_client.hpp"

namespace ccm::aws {

std::string EncodeQueryBody(std::string_view action, std::string_view version,
                            const Params& params) {
  std::string body = "Action=" + http::PercentEncode(action);
  body += "&Version=" + http::PercentEncode(version);
  for (const auto& [key, value] : params) {
    body += "&" + http::PercentEncode(key) + "=" + http::PercentEncode(value);
  }
  return body;
}

}  // namespace ccm::aws
