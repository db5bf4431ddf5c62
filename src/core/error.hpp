#pragma once
// Error model shared by every layer: a canonical code (modelled on absl::StatusCode), a message fit
// for a person, the provider's own code (e.g. "InvalidInstanceID.NotFound"), the request id the
// provider gave, the field a validation error is about, and whether a retry may succeed.
// Boundaries return Result<T> = tl::expected<T, Error>; exceptions are for programmer errors only.
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace ccm {

enum class Code {
  kOk = 0,
  kCancelled,
  kUnknown,
  kInvalidArgument,
  kDeadlineExceeded,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kResourceExhausted,
  kFailedPrecondition,
  kAborted,
  kOutOfRange,
  kUnimplemented,
  kInternal,
  kUnavailable,
  kDataLoss,
  kUnauthenticated,
};

// "INVALID_ARGUMENT", "NOT_FOUND", ... (absl spelling).
std::string_view CodeName(Code code);

struct Error {
  Code code = Code::kUnknown;
  std::string message;
  std::string provider_code;  // e.g. AWS "InvalidInstanceID.NotFound", CML HTTP status text
  bool retryable = false;
  std::string request_id;  // provider request id when known
  std::string field;       // the input field a validation error is about, when known

  // "NOT_FOUND: message (provider_code)" — for logs and CLI output.
  std::string ToString() const;
};

template <typename T>
using Result = tl::expected<T, Error>;

using Status = Result<void>;

inline tl::unexpected<Error> MakeError(Code code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message), {}, false, {}, {}});
}

inline tl::unexpected<Error> InvalidArgument(std::string field, std::string reason) {
  Error e{Code::kInvalidArgument, field + ": " + reason, {}, false, {}, field};
  return tl::unexpected<Error>(std::move(e));
}

inline tl::unexpected<Error> Fail(Error e) { return tl::unexpected<Error>(std::move(e)); }

inline Status Ok() { return {}; }

}  // namespace ccm
