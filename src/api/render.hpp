#pragma once
// JSON forms of what the API answers (docs/api.md). Pure functions, thread-safe.
#include "auth/identity.hpp"
#include "cml/cml_types.hpp"
#include "control/worker_service.hpp"
#include "core/json_fwd.hpp"
#include "domain/events.hpp"
#include "domain/worker.hpp"
#include "store/store.hpp"

namespace ccm::api {

// The worker record (domain/worker_json.hpp) plus can_connect, without the EC2 ClientToken.
Json WorkerJson(const domain::WorkerRecord& worker);
Json EventJson(const domain::DomainEvent& event);
Json LabJson(const cml::Lab& lab);
Json LicenseJson(const control::LicenseInfo& license);
Json IdleJson(const control::IdleReport& idle);
Json MetricsJson(const control::WorkerMetrics& metrics);
Json ConnectJson(const control::ConnectAnswer& answer);
Json TokenJson(const store::ApiTokenRecord& token);  // never the token or its hash
Json MeJson(const auth::Identity& identity);

}  // namespace ccm::api
