#pragma once
// Forward declaration of ccm::Json for headers (see core/json.hpp).
#include <nlohmann/json_fwd.hpp>

namespace ccm {
using Json = nlohmann::ordered_json;
}  // namespace ccm
