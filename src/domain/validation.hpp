#pragma once
// Shape checks for worker input. Each returns Ok() or kInvalidArgument with `field` set and a
// message naming the field and the reason ("region: 'mars' is not an AWS region name").
// Policy checks that need the settings (allowed regions, allowed instance types) live in
// control; these are the rules that hold whatever the settings say. Pure; thread-safe.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace ccm::domain {

using Tags = std::map<std::string, std::string>;

inline constexpr size_t kMaxNameLength = 64;
inline constexpr size_t kMaxTags = 50;  // EC2's limit per resource
inline constexpr size_t kMaxTagKeyLength = 128;
inline constexpr size_t kMaxTagValueLength = 256;
inline constexpr size_t kMaxClientTokenLength = 64;  // EC2 RunInstances ClientToken limit

// 1..64 characters: letters, digits, space, '-', '_', '.'; starts with a letter or digit.
Status ValidateWorkerName(std::string_view name);
// "us-east-1", "eu-central-2", "us-gov-west-1", "ap-southeast-4"...
Status ValidateRegion(std::string_view region);
// "i-" followed by 8 or 17 lower-case hex digits.
Status ValidateInstanceId(std::string_view instance_id);
// "ami-" followed by 8 or 17 lower-case hex digits.
Status ValidateAmiId(std::string_view ami_id);
// "family.size", lower-case letters, digits and '-': "c5.2xlarge", "m5zn.metal".
Status ValidateInstanceType(std::string_view instance_type);
// At most 50 tags; keys 1..128 characters, not starting with "aws:"; values up to 256
// characters; no control characters. The field named is "tags.<key>" (or "tags").
Status ValidateTags(const Tags& tags);
// 1..64 printable ASCII characters.
Status ValidateClientToken(std::string_view token);
// A user subject: 1..256 characters, no control characters. `field` names it in errors.
Status ValidateUser(std::string_view user, std::string_view field);

}  // namespace ccm::domain
