#pragma once
// The request bodies the routes accept (fields, types, which are required). Referenced by the
// route table, enforced by DecodeBody, rendered into /openapi.json. Immutable; thread-safe.
#include "api/body.hpp"

namespace ccm::api::bodies {

extern const BodySpec kEmpty;  // routes that take no fields: an empty body or {}
extern const BodySpec kCreateWorker;
extern const BodySpec kImportWorkers;
extern const BodySpec kStopWorker;
extern const BodySpec kReplaceTags;
extern const BodySpec kMergeTags;
extern const BodySpec kMonitoring;
extern const BodySpec kRegisterLicense;
extern const BodySpec kSetIdle;
extern const BodySpec kSetAccess;
extern const BodySpec kCreateToken;

}  // namespace ccm::api::bodies
