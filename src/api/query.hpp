#pragma once
// Query-string parameters, strictly: a value of the wrong shape is a 400 problem naming the
// parameter. Pure; thread-safe.
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "api/problem.hpp"
#include "httpd/server.hpp"

namespace ccm::api {

// Every value of a repeatable parameter, also split on commas, decoded, empty ones dropped
// ("?worker_id=a&worker_id=b,c" -> a, b, c).
std::vector<std::string> QueryValues(std::string_view target, std::string_view name);

// "true"/"false"/"1"/"0"; `fallback` when absent.
tl::expected<bool, Problem> QueryBool(const httpd::Request& request, const std::string& name,
                                      bool fallback);
// An integer in [min, max]; `fallback` when absent.
tl::expected<int64_t, Problem> QueryInt(const httpd::Request& request, const std::string& name,
                                        int64_t fallback, int64_t min, int64_t max);

}  // namespace ccm::api
