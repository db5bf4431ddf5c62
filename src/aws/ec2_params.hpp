#pragma once
// Internal to the EC2 client: EC2 Query-protocol form parameters (Version 2016-11-15) built from
// plain structs, and the validation done before anything is sent. Pure functions, thread-safe.
#include <string>
#include <string_view>
#include <vector>

#include "aws/ec2_types.hpp"
#include "aws/query_transport.hpp"
#include "core/error.hpp"

namespace ccm::aws::ec2 {

inline constexpr char kVersion[] = "2016-11-15";

// prefix.1=ids[0], prefix.2=ids[1] ... (e.g. "InstanceId", "ResourceId").
void AddList(Params& params, std::string_view prefix, const std::vector<std::string>& values);
// Filter.N.Name / Filter.N.Value.M.
void AddFilters(Params& params, const std::vector<Filter>& filters);
// prefix.N.Key / prefix.N.Value (e.g. "Tag", "TagSpecification.1.Tag").
void AddTags(Params& params, std::string_view prefix, const Tags& tags);

// Splits ids into consecutive batches of at most batch_size.
std::vector<std::vector<std::string>> Batches(const std::vector<std::string>& ids,
                                              size_t batch_size);

// kInvalidArgument naming field when ids has an empty or non-printable entry or a duplicate.
Status ValidateIds(std::string_view field, const std::vector<std::string>& ids);
// Spec checks: token, worker id, AMI, type, counts, sizes, tag keys and limits.
Status ValidateLaunchSpec(const LaunchSpec& spec);

// The tags every launched instance and volume gets: spec.tags + ccm:worker-id, ccm:managed=true
// and ccm:client-token.
Tags LaunchTags(const LaunchSpec& spec);
// The complete RunInstances parameters. spec must be valid and, when root_volume_gib > 0, carry
// root_device_name.
Params RunInstancesParams(const LaunchSpec& spec);

}  // namespace ccm::aws::ec2
