#pragma once
// The events table: the append-only domain event log. Callers hold the connection (and the
// transaction when appending). Not thread-safe on its own.
#include <cstdint>
#include <vector>

#include "domain/events.hpp"
#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace ccm::store::sqlite {

inline constexpr int kMaxEventsPerRead = 10000;
inline constexpr size_t kMaxFilterValues = 500;

// Appends in order and fills in each event's id.
Status InsertEvents(Connection& conn, std::vector<domain::DomainEvent>& events);
Result<std::vector<domain::DomainEvent>> SelectEventsAfter(Connection& conn, int64_t after_id,
                                                           const EventFilter& filter, int limit);
Result<EventPage> SelectAudit(Connection& conn, const AuditQuery& query);
Result<int64_t> SelectLatestEventId(Connection& conn);
Result<int64_t> DeleteTelemetryEvents(Connection& conn, TimePoint before);

}  // namespace ccm::store::sqlite
