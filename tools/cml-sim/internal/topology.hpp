#pragma once
// CML topology documents (the YAML of /labs/{id}/download and the body of /import; JSON bodies
// are accepted too since JSON is YAML). Node UUIDs are assigned on parse; topology-local ids
// ("n0", "i0", "l0") are kept so a download round-trips.
#include <string>

#include "core/error.hpp"
#include "tools/cml-sim/model.hpp"

namespace ccm::cmlsim::internal {

std::string TopologyYaml(const Lab& lab);
// Title, description, notes, nodes and links of a topology; errors name the offending field.
Result<Lab> ParseTopology(const std::string& text);

}  // namespace ccm::cmlsim::internal
