#include "control/automation/reconciler.hpp"

#include <map>
#include <set>

#include "control/observe.hpp"
#include "core/log.hpp"
#include "domain/status.hpp"
#include "domain/transitions.hpp"

namespace ccm::control::automation {
namespace {

constexpr int kPageSize = 500;

std::string Redacted(const Error& e) { return log::Redact(e.message); }

std::string ScopeName(const std::string& account, const std::string& region) {
  return (account.empty() ? std::string("default") : account) + "/" + region;
}

// The endpoint the worker will have once `instance` is applied; the recorded one when the
// resolver fails.
std::string EndpointFor(EndpointResolver& resolver, const domain::WorkerRecord& w,
                        const aws::Instance& instance) {
  domain::WorkerRecord next = w;
  const domain::WorkerStatus observed = domain::WorkerStatusFromEc2(instance.state);
  if (domain::ClassifyObservation(w.status, observed) == domain::ObservationVerdict::kApply) {
    next.status = observed;
  }
  auto endpoint = resolver.Resolve(next, instance.public_ip, instance.private_ip);
  return endpoint ? *endpoint : w.https_endpoint;
}

}  // namespace

void PassReport::Merge(PassReport&& other) {
  for (auto& e : other.events) events.push_back(std::move(e));
  for (auto& e : other.errors) errors.push_back(std::move(e));
  scopes += other.scopes;
  workers += other.workers;
}

Result<std::vector<domain::WorkerRecord>> LoadActiveWorkers(store::Store& store) {
  std::vector<domain::WorkerRecord> out;
  store::PageRequest page{kPageSize, ""};
  for (;;) {
    auto got = store.ListWorkers(store::WorkerFilter{}, page);
    if (!got) return Fail(got.error());
    for (const auto& w : got->workers) out.push_back(w.record());
    if (got->next_cursor.empty()) return out;
    page.cursor = got->next_cursor;
  }
}

domain::ChangeContext Reconciler::Context() const {
  return domain::ChangeContext{std::string(domain::kActorReconciler), deps_.clock->Now(), ""};
}

void Reconciler::Write(const std::string& id, const WorkerWriter::Change& change,
                       PassReport& report) {
  auto committed = deps_.writer->Update(id, change);
  if (!committed) {
    report.errors.push_back("worker " + id + ": " + Redacted(committed.error()));
    return;
  }
  for (auto& e : committed->events) report.events.push_back(std::move(e));
}

PassReport Reconciler::SweepEc2() {
  PassReport report;
  auto workers = LoadActiveWorkers(deps_.writer->store());
  if (!workers) {
    report.errors.push_back("store: " + Redacted(workers.error()));
    return report;
  }
  std::map<Scope, std::vector<domain::WorkerRecord>> by_scope;
  for (const auto& region : deps_.settings.aws_allowed_regions) by_scope[{"", region}];
  for (const auto& [name, account] : deps_.settings.aws_accounts) {
    const auto& regions =
        account.regions.empty() ? deps_.settings.aws_allowed_regions : account.regions;
    for (const auto& region : regions) by_scope[{name, region}];
  }
  for (const auto& w : *workers) by_scope[{w.account, w.region}].push_back(w);
  for (const auto& [scope, list] : by_scope) {
    ++report.scopes;
    report.workers += static_cast<int>(list.size());
    if (auto st = SweepScope(scope, list, report); !st) {
      report.errors.push_back(ScopeName(scope.account, scope.region) + ": " + Redacted(st.error()));
    }
  }
  return report;
}

Status Reconciler::SweepScope(const Scope& scope, const std::vector<domain::WorkerRecord>& workers,
                              PassReport& report) {
  auto ec2 = deps_.clouds->Ec2(scope.account, scope.region);
  if (!ec2) return Fail(ec2.error());
  const aws::AwsScope aws_scope{scope.account, scope.region};
  auto managed =
      (*ec2)->DescribeInstances(aws_scope, {{"tag:" + std::string(aws::kTagManaged), {"true"}}});
  if (!managed) return Fail(managed.error());
  std::map<std::string, aws::Instance> seen;
  for (auto& i : *managed) seen[i.id] = std::move(i);
  std::vector<std::string> unseen;
  for (const auto& w : workers) {
    if (!w.aws_instance_id.empty() && !seen.count(w.aws_instance_id)) {
      unseen.push_back(w.aws_instance_id);
    }
  }
  std::set<std::string> gone;
  if (!unseen.empty()) {
    auto by_id = (*ec2)->DescribeInstancesById(aws_scope, unseen);
    if (!by_id) return Fail(by_id.error());
    for (auto& i : by_id->instances) seen[i.id] = std::move(i);
    gone.insert(by_id->missing_ids.begin(), by_id->missing_ids.end());
  }
  std::map<std::string, aws::InstanceStatus> statuses;
  if (!seen.empty()) {
    std::vector<std::string> ids;
    for (const auto& [id, i] : seen) ids.push_back(id);
    auto report_status = (*ec2)->DescribeInstanceStatus(aws_scope, ids);
    if (!report_status) return Fail(report_status.error());
    for (auto& s : report_status->statuses) statuses[s.instance_id] = std::move(s);
  }
  std::set<std::string> known;
  for (const auto& w : workers) {
    if (w.aws_instance_id.empty()) continue;
    known.insert(w.aws_instance_id);
    auto it = seen.find(w.aws_instance_id);
    if (it == seen.end()) {
      if (!gone.count(w.aws_instance_id)) continue;
      Write(
          w.id,
          [&](domain::Worker& x) {
            x.ObserveGone(Context());
            return Ok();
          },
          report);
      continue;
    }
    const aws::Instance& instance = it->second;
    aws::InstanceStatus status{instance.id, "", instance.state, "", ""};
    if (auto s = statuses.find(instance.id); s != statuses.end()) status = s->second;
    const std::string endpoint = EndpointFor(*deps_.endpoints, w, instance);
    Write(
        w.id,
        [&](domain::Worker& x) {
          ApplyInstance(x, instance, &status, endpoint, Context());
          return Ok();
        },
        report);
  }
  std::vector<std::string> orphans;
  std::vector<std::string> states;
  for (const auto& [id, instance] : seen) {
    if (known.count(id) || instance.state == "terminated" || instance.state == "shutting-down") {
      continue;
    }
    // A worker outside this scope's list (e.g. terminated in the store) still knows it.
    if (deps_.writer->store().FindWorkerByInstanceId(id)) continue;
    orphans.push_back(id);
    states.push_back(instance.state);
  }
  HandleOrphans(scope, orphans, states, report);
  return Ok();
}

void Reconciler::HandleOrphans(const Scope& scope, const std::vector<std::string>& orphan_ids,
                               const std::vector<std::string>& states, PassReport& report) {
  if (orphan_ids.empty()) return;
  if (deps_.settings.auto_import && deps_.service != nullptr) {
    ImportRequest req;
    req.region = scope.region;
    req.account = scope.account;
    req.instance_ids = orphan_ids;
    RequestContext ctx{std::string(domain::kActorReconciler), "", ""};
    auto before = deps_.writer->store().LatestEventId();
    auto imported = deps_.service->Import(ctx, req);
    if (!imported) {
      report.errors.push_back(ScopeName(scope.account, scope.region) +
                              ": import: " + Redacted(imported.error()));
    } else if (before) {
      store::EventFilter f;
      for (const auto& w : imported->imported) f.worker_ids.push_back(w.id);
      auto events = deps_.writer->store().ReadEventsAfter(*before, f, 10000);
      if (events) {
        for (auto& e : *events) report.events.push_back(std::move(e));
      }
    }
    return;
  }
  std::vector<domain::DomainEvent> events;
  std::lock_guard lock(orphans_mu_);
  for (size_t i = 0; i < orphan_ids.size(); ++i) {
    if (!reported_orphans_.insert(orphan_ids[i]).second) continue;
    events.push_back(domain::MakeOrphanFoundEvent(orphan_ids[i], scope.region, scope.account,
                                                  states[i], Context()));
  }
  if (events.empty()) return;
  auto appended = deps_.writer->AppendUnattached(std::move(events));
  if (!appended) {
    report.errors.push_back("orphans: " + Redacted(appended.error()));
    return;
  }
  for (auto& e : *appended) report.events.push_back(std::move(e));
}

}  // namespace ccm::control::automation
