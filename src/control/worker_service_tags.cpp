// Tags: read, replace and merge, written to AWS first and then to the record. ccm:* tags are
// ccm's own (worker id, managed marker, client token): callers can neither set nor remove them.
#include "control/internal/service_core.hpp"

namespace ccm::control {
namespace {

bool IsCcmKey(const std::string& key) { return key.rfind("ccm:", 0) == 0; }
bool IsAwsKey(const std::string& key) { return key.rfind("aws:", 0) == 0; }

Status RefuseCcmKeys(const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    if (IsCcmKey(key)) return InvalidArgument("tags." + key, "ccm:* tags are managed by ccm");
  }
  return Ok();
}

std::vector<std::string> KeysOf(const domain::Tags& tags) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : tags) keys.push_back(k);
  return keys;
}

// Writes `set` and removes `remove` on the worker's instance (nothing when it has none).
Status WriteToAws(WorkerService::Impl& impl, const domain::WorkerRecord& r, const domain::Tags& set,
                  const std::vector<std::string>& remove) {
  if (r.aws_instance_id.empty()) return Ok();
  auto ec2 = impl.Ec2(r);
  if (!ec2) return Fail(ec2.error());
  const auto scope = WorkerService::Impl::Scope(r);
  if (!set.empty()) {
    if (auto st = (*ec2)->CreateTags(scope, {r.aws_instance_id}, set); !st) return st;
  }
  if (!remove.empty()) {
    if (auto st = (*ec2)->DeleteTags(scope, {r.aws_instance_id}, remove); !st) return st;
  }
  return Ok();
}

}  // namespace

Result<domain::Tags> WorkerService::GetTags(const RequestContext& ctx, const std::string& id) {
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  return w->record().tags;
}

Result<domain::WorkerRecord> WorkerService::ReplaceTags(const RequestContext& ctx,
                                                        const std::string& id,
                                                        const domain::Tags& tags) {
  if (auto st = RefuseCcmKeys(KeysOf(tags)); !st) return Fail(st.error());
  if (auto st = domain::ValidateTags(tags); !st) return Fail(st.error());
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  if (auto st = w->Check(domain::WorkerCommand::kUpdateTags); !st) return Fail(st.error());
  domain::Tags next = tags;
  std::vector<std::string> remove;
  for (const auto& [k, v] : w->record().tags) {
    if (IsCcmKey(k)) {
      next[k] = v;  // protected: kept whatever the caller sent
    } else if (!IsAwsKey(k) && tags.count(k) == 0) {
      remove.push_back(k);
    }
  }
  if (next.size() > domain::kMaxTags) {
    return InvalidArgument(
        "tags", "at most " + std::to_string(domain::kMaxTags) + " tags including ccm's own");
  }
  if (auto st = WriteToAws(*impl_, w->record(), tags, remove); !st) return Fail(st.error());
  auto changed = impl_->Update(
      ctx, std::move(*w),
      [&](domain::Worker& x, const domain::ChangeContext& c) { return x.ReplaceTags(next, c); });
  if (!changed) return Fail(changed.error());
  return changed->record();
}

Result<domain::WorkerRecord> WorkerService::MergeTags(const RequestContext& ctx,
                                                      const std::string& id,
                                                      const TagPatch& patch) {
  domain::Tags set;
  std::vector<std::string> remove;
  for (const auto& [k, v] : patch) {
    if (v) {
      set[k] = *v;
    } else {
      remove.push_back(k);
    }
  }
  std::vector<std::string> keys = remove;
  for (const auto& [k, v] : set) keys.push_back(k);
  if (auto st = RefuseCcmKeys(keys); !st) return Fail(st.error());
  if (auto st = domain::ValidateTags(set); !st) return Fail(st.error());
  auto w = impl_->Load(ctx, id);
  if (!w) return Fail(w.error());
  if (auto st = w->Check(domain::WorkerCommand::kUpdateTags); !st) return Fail(st.error());
  std::vector<std::string> present;
  for (const auto& k : remove) {
    if (w->record().tags.count(k) > 0) present.push_back(k);
  }
  if (auto st = WriteToAws(*impl_, w->record(), set, present); !st) return Fail(st.error());
  auto changed =
      impl_->Update(ctx, std::move(*w), [&](domain::Worker& x, const domain::ChangeContext& c) {
        return x.MergeTags(set, remove, c);
      });
  if (!changed) return Fail(changed.error());
  return changed->record();
}

}  // namespace ccm::control
