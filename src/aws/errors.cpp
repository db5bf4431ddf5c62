#include "aws/errors.hpp"

#include <array>
#include <pugixml.hpp>

namespace ccm::aws {
namespace {

constexpr std::array<std::string_view, 14> kThrottlingCodes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

constexpr std::array<std::string_view, 5> kTransientCodes = {
    "RequestTimeout",  "RequestTimeoutException", "InternalError",
    "InternalFailure", "ServiceUnavailable",
};

struct Rule {
  std::string_view code;
  bool prefix;  // "InvalidAMIID." matches InvalidAMIID.NotFound, .Malformed, ...
  Code canonical;
  bool retryable;
};

constexpr std::array<Rule, 20> kRules = {{
    {"InvalidInstanceID.NotFound", false, Code::kNotFound, false},
    {"InvalidInstanceID.Malformed", false, Code::kInvalidArgument, false},
    {"InvalidParameterValue", false, Code::kInvalidArgument, false},
    {"InvalidParameterCombination", false, Code::kInvalidArgument, false},
    {"MissingParameter", false, Code::kInvalidArgument, false},
    {"InvalidAMIID.", true, Code::kInvalidArgument, false},
    {"UnauthorizedOperation", false, Code::kPermissionDenied, false},
    {"AccessDenied", false, Code::kPermissionDenied, false},
    {"AuthFailure", false, Code::kUnauthenticated, false},
    {"SignatureDoesNotMatch", false, Code::kUnauthenticated, false},
    {"InvalidClientTokenId", false, Code::kUnauthenticated, false},
    {"RequestExpired", false, Code::kUnauthenticated, false},
    {"ExpiredToken", false, Code::kUnauthenticated, false},
    {"InstanceLimitExceeded", false, Code::kResourceExhausted, false},
    {"VcpuLimitExceeded", false, Code::kResourceExhausted, false},
    {"InsufficientInstanceCapacity", false, Code::kUnavailable, true},
    {"IncorrectInstanceState", false, Code::kFailedPrecondition, false},
    {"IdempotentParameterMismatch", false, Code::kAborted, false},
    {"DryRunOperation", false, Code::kOk, false},
    {"OptInRequired", false, Code::kPermissionDenied, false},
}};

const Rule* FindRule(std::string_view code) {
  for (const auto& rule : kRules) {
    if (rule.prefix ? code.starts_with(rule.code) : code == rule.code) return &rule;
  }
  return nullptr;
}

std::string ChildText(const pugi::xml_node& node, const char* name) {
  return node.child(name).text().as_string();
}

}  // namespace

std::optional<ErrorDocument> ParseErrorDocument(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return std::nullopt;
  pugi::xml_node root = doc.document_element();
  pugi::xml_node error;
  std::string root_name = root.name();
  if (root_name == "Response") {
    error = root.child("Errors").child("Error");
  } else if (root_name == "ErrorResponse") {
    error = root.child("Error");
    // moto wraps it like EC2 does: <ErrorResponse><Errors><Error>.
    if (!error) error = root.child("Errors").child("Error");
  } else if (root_name == "Error") {  // S3-style bare documents
    error = root;
  }
  if (!error || error.child("Code").empty()) return std::nullopt;
  ErrorDocument out;
  out.code = ChildText(error, "Code");
  out.message = ChildText(error, "Message");
  out.request_id = ChildText(root, "RequestID");
  if (out.request_id.empty()) out.request_id = ChildText(root, "RequestId");
  if (out.request_id.empty()) out.request_id = ChildText(error, "RequestId");
  return out;
}

bool IsThrottlingCode(std::string_view code) {
  for (auto c : kThrottlingCodes) {
    if (c == code) return true;
  }
  return false;
}

bool IsTransientCode(std::string_view code) {
  for (auto c : kTransientCodes) {
    if (c == code) return true;
  }
  return false;
}

bool IsTransientHttpStatus(long status) {
  return status == 500 || status == 502 || status == 503 || status == 504;
}

Error MapAwsError(std::string_view provider_code, std::string_view message, long http_status,
                  std::string_view request_id) {
  Error e;
  e.provider_code = std::string(provider_code);
  e.request_id = std::string(request_id);
  e.message = message.empty() ? std::string(provider_code) : std::string(message);
  if (const Rule* rule = FindRule(provider_code)) {
    e.code = rule->canonical;
    e.retryable = rule->retryable;
    if (provider_code == "InsufficientInstanceCapacity") {
      e.message += " (try again later, or another instance type or availability zone)";
    } else if (provider_code == "DryRunOperation") {
      e.message = "permission granted (DryRun)";
    }
  } else if (IsThrottlingCode(provider_code) || IsTransientCode(provider_code)) {
    e.code = Code::kUnavailable;
    e.retryable = true;
  } else if (IsTransientHttpStatus(http_status)) {
    e.code = Code::kUnavailable;
    e.retryable = true;
  } else {
    e.code = Code::kUnknown;
  }
  return e;
}

Error MapHttpStatus(long http_status, std::string_view body_excerpt) {
  Error e;
  e.provider_code = "HTTP " + std::to_string(http_status);
  std::string excerpt(body_excerpt.substr(0, 200));
  e.message = "HTTP " + std::to_string(http_status) + " without an AWS error document" +
              (excerpt.empty() ? "" : ": " + excerpt);
  if (IsTransientHttpStatus(http_status) || http_status == 429) {
    e.code = Code::kUnavailable;
    e.retryable = true;
  } else if (http_status >= 500) {
    e.code = Code::kInternal;
  } else if (http_status == 401) {
    e.code = Code::kUnauthenticated;
  } else if (http_status == 403) {
    e.code = Code::kPermissionDenied;
  } else if (http_status == 404) {
    e.code = Code::kNotFound;
  } else if (http_status == 400) {
    e.code = Code::kInvalidArgument;
  } else {
    e.code = Code::kUnknown;
  }
  return e;
}

bool IsDryRunSuccess(const Error& error) { return error.provider_code == "DryRunOperation"; }

}  // namespace ccm::aws
