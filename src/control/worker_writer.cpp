#include "control/worker_writer.hpp"

#include <string>
#include <utility>

#include "core/log.hpp"

namespace ccm::control {

Result<store::Committed> WorkerWriter::Update(std::string_view id, const Change& change) {
  auto loaded = store_.GetWorker(id);
  if (!loaded) return Fail(loaded.error());
  return Update(std::move(*loaded), change);
}

Result<store::Committed> WorkerWriter::Update(domain::Worker loaded, const Change& change) {
  domain::Worker current = std::move(loaded);
  for (int attempt = 1;; ++attempt) {
    if (auto st = change(current); !st) return Fail(st.error());
    auto committed = store_.UpdateWorker(current);
    if (committed) {
      bus_.Publish(committed->events);
      return committed;
    }
    if (committed.error().code != Code::kAborted || attempt >= kMaxAttempts) {
      return Fail(committed.error());
    }
    // Someone else wrote this worker since we read it: apply the change to what they wrote.
    log::Debug("worker write lost a race; retrying",
               {{"worker_id", current.id()}, {"attempt", std::to_string(attempt)}});
    auto fresh = store_.GetWorker(current.id());
    if (!fresh) return Fail(fresh.error());
    current = std::move(*fresh);
  }
}

Result<store::Committed> WorkerWriter::Create(domain::Worker worker) {
  auto committed = store_.CreateWorker(std::move(worker));
  if (!committed) return Fail(committed.error());
  bus_.Publish(committed->events);
  return committed;
}

Result<std::vector<domain::DomainEvent>> WorkerWriter::Purge(std::string_view id,
                                                             const domain::ChangeContext& ctx) {
  for (int attempt = 1;; ++attempt) {
    auto worker = store_.GetWorker(id);
    if (!worker) return Fail(worker.error());
    if (auto st = worker->RequestPurge(ctx); !st) return Fail(st.error());
    auto events = store_.DeleteWorker(std::move(*worker));
    if (events) {
      bus_.Publish(*events);
      return events;
    }
    if (events.error().code != Code::kAborted || attempt >= kMaxAttempts) {
      return Fail(events.error());
    }
  }
}

Result<std::vector<domain::DomainEvent>> WorkerWriter::AppendUnattached(
    std::vector<domain::DomainEvent> events) {
  auto stored = store_.AppendEvents(std::move(events));
  if (!stored) return Fail(stored.error());
  bus_.Publish(*stored);
  return stored;
}

}  // namespace ccm::control
