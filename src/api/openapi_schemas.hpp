#pragma once
// Component schemas of the API's answers (internal to src/api; used by openapi.cpp).
#include "core/json_fwd.hpp"

namespace ccm::api {

// {"Worker": {...}, "WorkerList": {...}, ..., "Problem": {...}}
Json AnswerSchemas();

}  // namespace ccm::api
