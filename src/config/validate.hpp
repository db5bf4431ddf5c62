#pragma once
// Validation of a Settings value: every rule, every problem (no stop at the first).
// Each problem is one line "<setting>: <reason>", naming the setting (with a path such as
// cml_worker_ami_config.us-east-1.ami_id for nested values) and the reason. Pure apart from
// checking that cml_tls_ca_file exists. Thread-safe.
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace ccm::config {

std::vector<std::string> Validate(const Settings& s);

}  // namespace ccm::config
