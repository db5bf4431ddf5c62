#pragma once
// AWS error documents and the mapping of AWS error codes to canonical codes.
// Pure functions, thread-safe. Messages are AWS's own text (AWS never echoes secrets there).
//
// Mapping (provider code -> canonical code, retryable):
//   InvalidInstanceID.NotFound                               -> kNotFound
//   InvalidInstanceID.Malformed, InvalidParameterValue, InvalidParameterCombination,
//   MissingParameter, InvalidAMIID.*                         -> kInvalidArgument
//   UnauthorizedOperation, AccessDenied                      -> kPermissionDenied
//   AuthFailure, SignatureDoesNotMatch, InvalidClientTokenId,
//   RequestExpired, ExpiredToken                             -> kUnauthenticated
//   InstanceLimitExceeded, VcpuLimitExceeded                 -> kResourceExhausted (not retryable)
//   InsufficientInstanceCapacity                             -> kUnavailable (retryable later)
//   IncorrectInstanceState                                   -> kFailedPrecondition
//   IdempotentParameterMismatch                              -> kAborted
//   DryRunOperation                                          -> kOk-like: see IsDryRunSuccess
//   throttling codes (IsThrottlingCode)                      -> kUnavailable, retryable
//   transient codes (IsTransientCode)                        -> kUnavailable, retryable
//   anything else                                            -> kUnknown (kUnavailable + retryable
//                                                    when the HTTP status is 500/502/503/504)
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace ccm::aws {

struct ErrorDocument {
  std::string code;
  std::string message;
  std::string request_id;
};

// Parses the EC2 form (<Response><Errors><Error><Code>..</Code><Message>..</Message></Error>
// </Errors><RequestID>..</RequestID></Response>) and the STS/IAM/CloudWatch form
// (<ErrorResponse><Error><Code>..</Code><Message>..</Message></Error><RequestId>..</RequestId>
// </ErrorResponse>). nullopt when the text is not such a document.
std::optional<ErrorDocument> ParseErrorDocument(std::string_view xml);

bool IsThrottlingCode(std::string_view code);
bool IsTransientCode(std::string_view code);
bool IsTransientHttpStatus(long status);  // 500, 502, 503, 504

// The canonical Error for an AWS error code. `message` is AWS's text; the returned message adds
// advice where there is some (e.g. another instance type or zone for capacity errors).
Error MapAwsError(std::string_view provider_code, std::string_view message, long http_status,
                  std::string_view request_id = {});

// An Error for an HTTP error answer without an AWS error document (e.g. a proxy's 502 page).
Error MapHttpStatus(long http_status, std::string_view body_excerpt);

// DryRun=true calls answer DryRunOperation when the caller WOULD be allowed: treat as success.
bool IsDryRunSuccess(const Error& error);

}  // namespace ccm::aws
