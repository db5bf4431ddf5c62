#pragma once
// Strict decoding of JSON request bodies. A BodySpec lists the fields a route accepts (name,
// type, required, description); the same spec renders the request schema in /openapi.json, so
// what is documented is what is enforced.
//
// DecodeBody refuses, each with a problem naming the field:
//  - a body with a Content-Type other than application/json -> 415;
//  - malformed JSON -> 400 with the byte offset; nesting deeper than 32 levels -> 400;
//  - a body that is not an object, an unknown field, a wrong type ("expected string, got
//    number"), a missing required field -> 400.
// An empty body counts as {} (so optional-only bodies may be omitted). Pure; thread-safe.
#include <string>
#include <tl/expected.hpp>
#include <vector>

#include "api/problem.hpp"
#include "core/json_fwd.hpp"
#include "httpd/server.hpp"

namespace ccm::api {

enum class FieldType {
  kString,
  kBool,
  kInteger,
  kStringMap,          // object of string values
  kNullableStringMap,  // object of string or null values (null deletes, for merges)
  kStringList,         // array of strings
  kTime,               // RFC 3339 string, or null
};

struct FieldSpec {
  std::string name;
  FieldType type = FieldType::kString;
  bool required = false;
  std::string description;
};

struct BodySpec {
  std::string name;  // schema name in /openapi.json, e.g. "CreateWorker"
  std::vector<FieldSpec> fields;
};

tl::expected<Json, Problem> DecodeBody(const httpd::Request& request, const BodySpec& spec);

// The JSON Schema (2020-12, as OpenAPI 3.1 uses it) of a body spec.
Json BodySchema(const BodySpec& spec);

}  // namespace ccm::api
