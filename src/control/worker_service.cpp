// WorkerService: construction, queries and the small shared pieces. The use cases live in
// worker_service_*.cpp, the shared machinery in internal/service_core.cpp.
#include "control/worker_service.hpp"

#include <algorithm>
#include <stdexcept>

#include "control/internal/service_core.hpp"

namespace ccm::control {

std::string_view ToString(LabAction action) {
  switch (action) {
    case LabAction::kStart:
      return "start";
    case LabAction::kStop:
      return "stop";
    case LabAction::kWipe:
      return "wipe";
  }
  return "start";
}

std::optional<LabAction> ParseLabAction(std::string_view text) {
  for (LabAction a : {LabAction::kStart, LabAction::kStop, LabAction::kWipe}) {
    if (ToString(a) == text) return a;
  }
  return std::nullopt;
}

namespace {

WorkerServiceDeps Checked(WorkerServiceDeps deps) {
  if (deps.store == nullptr || deps.bus == nullptr || deps.clouds == nullptr ||
      deps.cml == nullptr || deps.endpoints == nullptr || deps.clock == nullptr) {
    throw std::invalid_argument("WorkerService: every dependency must be set");
  }
  return deps;
}

}  // namespace

WorkerService::WorkerService(WorkerServiceDeps deps)
    : deps_(Checked(std::move(deps))),
      writer_(*deps_.store, *deps_.bus),
      executor_(deps_.launch_threads),
      impl_(std::make_unique<Impl>(Impl{deps_, writer_})) {}

WorkerService::~WorkerService() { Shutdown(); }

void WorkerService::Drain() { executor_.Drain(); }

void WorkerService::Shutdown() { executor_.Shutdown(); }

Result<domain::WorkerRecord> WorkerService::Get(const RequestContext& ctx, const std::string& id) {
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  return w->record();
}

Result<WorkerList> WorkerService::List(const RequestContext& ctx, const ListQuery& q) {
  if (q.limit < 1 || q.limit > kMaxListLimit) {
    return InvalidArgument("limit", "must be 1.." + std::to_string(kMaxListLimit));
  }
  if (!q.region.empty()) {
    if (auto st = domain::ValidateRegion(q.region); !st) return Fail(st.error());
  }
  store::WorkerFilter filter;
  filter.region = q.region;
  filter.statuses = q.statuses;
  filter.include_terminated = q.include_terminated;
  filter.user = ctx.visible_to.empty() ? q.owner : ctx.visible_to;
  auto page = deps_.store->ListWorkers(filter, store::PageRequest{q.limit, q.cursor});
  if (!page) return Fail(page.error());
  WorkerList out;
  out.next_cursor = page->next_cursor;
  out.total = page->total;
  // The store filters by one user; a `user` caller narrowing by another person is rare and is
  // filtered here (the total then counts the caller's own workers).
  const bool narrow = !ctx.visible_to.empty() && !q.owner.empty() && q.owner != ctx.visible_to;
  for (auto& w : page->workers) {
    const auto& r = w.record();
    if (narrow && r.owner != q.owner &&
        std::find(r.assigned_users.begin(), r.assigned_users.end(), q.owner) ==
            r.assigned_users.end()) {
      continue;
    }
    out.items.push_back(r);
  }
  return out;
}

}  // namespace ccm::control
