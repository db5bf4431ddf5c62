#pragma once
// One CML REST call as data (method, path, body), its http::Request, and the mapping of its
// failures to Errors that name the worker, the call, the HTTP status and CML's description.
// Shared by the synchronous client and the concurrent probe round. Pure functions.
#include <string>
#include <string_view>

#include "cml/cml_types.hpp"

namespace ccm::cml {
struct CmlClientOptions;
}

namespace ccm::cml::internal {

struct Call {
  std::string method = "GET";
  std::string path;   // after the api base, starting with '/', ids already encoded
  std::string query;  // without '?', already encoded
  std::string route;  // low-cardinality name for metrics, e.g. "GET /labs/{id}"
  std::string body;
  std::string content_type;
  bool auth = true;

  // "GET /labs/<id>" as errors and logs show it (no query: it may carry a title).
  std::string Name() const { return method + " " + path; }
};

Call SystemInformationCall();
Call SystemHealthCall();
Call SystemStatsCall();
Call LabsCall();
Call LabCall(std::string_view lab_id);
Call LabActionCall(std::string_view lab_id, std::string_view action);  // start, stop, wipe
Call DeleteLabCall(std::string_view lab_id);
Call DownloadLabCall(std::string_view lab_id);
Call ImportCall(std::string_view title, std::string_view topology);
Call LicensingCall();
Call RegistrationCall(std::string_view token, bool reregister);
Call DeregistrationCall();
Call ProductLicenseCall(std::string_view product);
Call TelemetryEventsCall();
Call LoginCall(const CmlTarget& target);

// Ids go into URL paths: only UUID-like text ([0-9A-Za-z-], 1..64) is accepted.
Status ValidateLabId(std::string_view lab_id);

http::Request BuildRequest(const CmlTarget& target, const Call& call, const std::string& token,
                           const CmlClientOptions& options);

// 401 -> kUnauthenticated, 403 -> kPermissionDenied, 404 -> kNotFound, 400/422 ->
// kInvalidArgument, 409 -> kFailedPrecondition, 408/504 -> kDeadlineExceeded, 429 ->
// kResourceExhausted, other 5xx -> kUnavailable, other 4xx -> kFailedPrecondition.
Code CodeForStatus(long status);
bool RetryableStatus(long status);

// "worker <id>: <call>"
std::string Where(const CmlTarget& target, const Call& call);
// A non-2xx answer: "worker w: GET /labs: HTTP 403: <CML description>". Redacted.
Error StatusError(const CmlTarget& target, const Call& call, long status, std::string_view body);
// A transport or parse failure, prefixed with the worker and the call. Redacted.
Error WrapError(const CmlTarget& target, const Call& call, Error error);

}  // namespace ccm::cml::internal
