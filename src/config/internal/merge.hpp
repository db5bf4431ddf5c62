#pragma once
// Internal: settings derived after decoding: the flat worker settings merged into the per-region
// maps, and database_url from data_dir.
#include <map>
#include <string>

#include "config/settings.hpp"

namespace ccm::config::internal {

// ranks: setting name -> layer rank of its value (absent = built-in default). A flat value
// replaces the structured one when it comes from the same or a higher layer, or fills it when
// the structured value is empty.
void MergeFlatSettings(Settings* s, const std::map<std::string, int>& ranks);

// True when database_url was derived.
bool DeriveDatabaseUrl(Settings* s);

}  // namespace ccm::config::internal
