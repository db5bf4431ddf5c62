#include "api/bodies.hpp"

namespace ccm::api::bodies {

using T = FieldType;

const BodySpec kEmpty{"Empty", {}};

const BodySpec kCreateWorker{
    "CreateWorker",
    {{"name", T::kString, true, "1-64 characters: letters, digits, space, - _ ."},
     {"region", T::kString, true, "an allowed AWS region (aws_allowed_regions)"},
     {"instance_type", T::kString, false, "default: the region's, else the configured default"},
     {"ami_id", T::kString, false, "default: ami_name, else the region's configured AMI"},
     {"ami_name", T::kString, false, "image name, resolved to the newest available image"},
     {"account", T::kString, false,
      "a named account of aws_accounts; default credentials if absent"},
     {"owner", T::kString, false, "the subject of the user who owns the worker"},
     {"tags", T::kStringMap, false, "added to the default tags (ccm:* keys refused)"}}};

const BodySpec kImportWorkers{
    "ImportWorkers",
    {{"region", T::kString, true, "where the instances are"},
     {"instance_id", T::kString, false, "one instance"},
     {"instance_ids", T::kStringList, false, "several instances"},
     {"ami_name", T::kString, false, "every instance launched from images with this name"},
     {"tags", T::kStringMap, false, "every instance carrying all these tags"},
     {"account", T::kString, false, "a named account of aws_accounts"},
     {"owner", T::kString, false, "owner of the imported workers"}}};

const BodySpec kStopWorker{
    "StopWorker",
    {{"release_license", T::kBool, false, "release the CML licence first (best effort)"},
     {"hibernate", T::kBool, false, "hibernate instead of stop"}}};

const BodySpec kReplaceTags{"ReplaceTags",
                            {{"tags", T::kStringMap, true, "the complete new tag set"}}};

const BodySpec kMergeTags{"MergeTags",
                          {{"tags", T::kNullableStringMap, true, "a value sets, null deletes"}}};

const BodySpec kMonitoring{"SetMonitoring",
                           {{"enabled", T::kBool, true, "detailed (1-minute) CloudWatch"}}};

const BodySpec kRegisterLicense{
    "RegisterLicense",
    {{"token", T::kString, false, "Smart Licensing token; default cml_license_token"},
     {"reregister", T::kBool, false, "register again when already registered"}}};

const BodySpec kSetIdle{
    "SetIdle",
    {{"enabled", T::kBool, false, "idle detection (warnings and auto-stop) for this worker"},
     {"keep_until", T::kTime, false, "no auto-stop before this time; null clears it"}}};

const BodySpec kSetAccess{
    "SetAccess",
    {{"owner", T::kString, false, "subject of the owning user; \"\" for nobody"},
     {"assigned_users", T::kStringList, false, "subjects of the users who may use the worker"}}};

const BodySpec kCreateToken{
    "CreateToken",
    {{"name", T::kString, true, "unique among live tokens: 1-64 of letters, digits - _ ."},
     {"role", T::kString, true, "admin, operator or user"},
     {"subject", T::kString, false, "the identity the token acts as; default token:<name>"},
     {"expires_at", T::kTime, false, "RFC 3339 time; null or absent: never expires"}}};

}  // namespace ccm::api::bodies
