// AWS error documents and the error mapping table.
#include "aws/errors.hpp"

#include <gtest/gtest.h>

#include "aws/query_protocol.hpp"

namespace ccm::aws {
namespace {

TEST(ErrorDocument, ParsesEc2Form) {
  auto doc = ParseErrorDocument(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code>
<Message>The instance ID 'i-123' does not exist</Message></Error></Errors>
<RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>)");
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(doc->code, "InvalidInstanceID.NotFound");
  EXPECT_EQ(doc->message, "The instance ID 'i-123' does not exist");
  EXPECT_EQ(doc->request_id, "ea966190-f9aa-478e-9ede-example");
}

TEST(ErrorDocument, ParsesStsForm) {
  auto doc = ParseErrorDocument(
      R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized</Message></Error>
  <RequestId>c6104cbe-af31-11e0-8154-example</RequestId></ErrorResponse>)");
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(doc->code, "AccessDenied");
  EXPECT_EQ(doc->message, "not authorized");
  EXPECT_EQ(doc->request_id, "c6104cbe-af31-11e0-8154-example");
}

TEST(ErrorDocument, ParsesMotoWrappedForm) {
  auto doc = ParseErrorDocument(
      "<ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code><Message>bad</Message>"
      "</Error></Errors></ErrorResponse>");
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(doc->code, "InvalidClientTokenId");
  EXPECT_EQ(doc->request_id, "");
}

TEST(ErrorDocument, RejectsOtherText) {
  EXPECT_FALSE(ParseErrorDocument("<html><body>Bad Gateway</body></html>").has_value());
  EXPECT_FALSE(ParseErrorDocument("not xml at all").has_value());
  EXPECT_FALSE(ParseErrorDocument("").has_value());
  EXPECT_FALSE(ParseErrorDocument("<Response><Errors><Error/></Errors></Response>").has_value());
}

struct Row {
  const char* aws_code;
  Code code;
  bool retryable;
};

TEST(ErrorMapping, EveryTableRow) {
  const Row rows[] = {
      {"InvalidInstanceID.NotFound", Code::kNotFound, false},
      {"InvalidInstanceID.Malformed", Code::kInvalidArgument, false},
      {"InvalidParameterValue", Code::kInvalidArgument, false},
      {"InvalidParameterCombination", Code::kInvalidArgument, false},
      {"MissingParameter", Code::kInvalidArgument, false},
      {"InvalidAMIID.NotFound", Code::kInvalidArgument, false},
      {"InvalidAMIID.Malformed", Code::kInvalidArgument, false},
      {"InvalidAMIID.Unavailable", Code::kInvalidArgument, false},
      {"UnauthorizedOperation", Code::kPermissionDenied, false},
      {"AccessDenied", Code::kPermissionDenied, false},
      {"AuthFailure", Code::kUnauthenticated, false},
      {"SignatureDoesNotMatch", Code::kUnauthenticated, false},
      {"InvalidClientTokenId", Code::kUnauthenticated, false},
      {"RequestExpired", Code::kUnauthenticated, false},
      {"ExpiredToken", Code::kUnauthenticated, false},
      {"InstanceLimitExceeded", Code::kResourceExhausted, false},
      {"VcpuLimitExceeded", Code::kResourceExhausted, false},
      {"InsufficientInstanceCapacity", Code::kUnavailable, true},
      {"IncorrectInstanceState", Code::kFailedPrecondition, false},
      {"IdempotentParameterMismatch", Code::kAborted, false},
      {"RequestLimitExceeded", Code::kUnavailable, true},
      {"Throttling", Code::kUnavailable, true},
      {"ThrottlingException", Code::kUnavailable, true},
      {"EC2ThrottledException", Code::kUnavailable, true},
      {"SlowDown", Code::kUnavailable, true},
      {"InternalError", Code::kUnavailable, true},
      {"ServiceUnavailable", Code::kUnavailable, true},
      {"SomethingNobodyKnows", Code::kUnknown, false},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.aws_code);
    Error e = MapAwsError(row.aws_code, "aws says no", 400, "req-1");
    EXPECT_EQ(e.code, row.code);
    EXPECT_EQ(e.retryable, row.retryable);
    EXPECT_EQ(e.provider_code, row.aws_code);
    EXPECT_EQ(e.request_id, "req-1");
  }
}

TEST(ErrorMapping, CapacityMessageSuggestsAlternatives) {
  Error e = MapAwsError("InsufficientInstanceCapacity", "no capacity in us-east-1a", 500);
  EXPECT_NE(e.message.find("no capacity in us-east-1a"), std::string::npos);
  EXPECT_NE(e.message.find("another instance type or availability zone"), std::string::npos);
}

TEST(ErrorMapping, DryRunOperationMeansPermissionGranted) {
  Error e = MapAwsError("DryRunOperation", "Request would have succeeded", 412);
  EXPECT_TRUE(IsDryRunSuccess(e));
  EXPECT_FALSE(e.retryable);
  EXPECT_FALSE(IsDryRunSuccess(MapAwsError("UnauthorizedOperation", "no", 403)));
}

TEST(ErrorMapping, UnknownCodeWithTransientStatusIsRetryable) {
  Error e = MapAwsError("Whatever", "", 503);
  EXPECT_EQ(e.code, Code::kUnavailable);
  EXPECT_TRUE(e.retryable);
  EXPECT_EQ(e.message, "Whatever");
  EXPECT_FALSE(MapAwsError("Whatever", "", 501).retryable);
}

TEST(ErrorMapping, HttpStatusWithoutDocument) {
  EXPECT_EQ(MapHttpStatus(502, "<html>").code, Code::kUnavailable);
  EXPECT_TRUE(MapHttpStatus(502, "").retryable);
  EXPECT_TRUE(MapHttpStatus(429, "").retryable);
  EXPECT_EQ(MapHttpStatus(403, "").code, Code::kPermissionDenied);
  EXPECT_EQ(MapHttpStatus(401, "").code, Code::kUnauthenticated);
  EXPECT_EQ(MapHttpStatus(404, "").code, Code::kNotFound);
  EXPECT_EQ(MapHttpStatus(400, "").code, Code::kInvalidArgument);
  EXPECT_EQ(MapHttpStatus(501, "").code, Code::kInternal);
  EXPECT_FALSE(MapHttpStatus(501, "").retryable);
  EXPECT_EQ(MapHttpStatus(302, "").code, Code::kUnknown);
}

TEST(ErrorMapping, ThrottlingAndTransientCodeLists) {
  for (const char* c :
       {"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
        "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException"}) {
    EXPECT_TRUE(IsThrottlingCode(c)) << c;
  }
  for (const char* c : {"RequestTimeout", "RequestTimeoutException", "InternalError",
                        "InternalFailure", "ServiceUnavailable"}) {
    EXPECT_TRUE(IsTransientCode(c)) << c;
  }
  EXPECT_FALSE(IsThrottlingCode("AccessDenied"));
  for (long s : {500, 502, 503, 504}) EXPECT_TRUE(IsTransientHttpStatus(s));
  for (long s : {400, 403, 404, 501, 505}) EXPECT_FALSE(IsTransientHttpStatus(s));
}

TEST(QueryBody, EncodesEverythingButUnreserved) {
  Params params = {{"Filter.1.Name", "tag:Name"},
                   {"Filter.1.Value.1", "a b+c/d=e&f~g_h-i.j"},
                   {"Description", "caf\xc3\xa9 *"}};
  EXPECT_EQ(EncodeQueryBody("DescribeInstances", "2016-11-15", params),
            "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3AName"
            "&Filter.1.Value.1=a%20b%2Bc%2Fd%3De%26f~g_h-i.j&Description=caf%C3%A9%20%2A");
  EXPECT_EQ(EncodeQueryBody("GetCallerIdentity", "2011-06-15", {}),
            "Action=GetCallerIdentity&Version=2011-06-15");
}

}  // namespace
}  // namespace ccm::aws
