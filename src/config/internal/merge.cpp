#include "config/internal/merge.hpp"

namespace ccm::config::internal {
namespace {

class Merger {
 public:
  Merger(const std::map<std::string, int>& ranks, std::string structured)
      : ranks_(ranks), structured_(std::move(structured)) {}

  template <typename T>
  void Apply(const std::string& flat_name, const T& flat_value, T* target) const {
    if (flat_value.empty()) return;
    if (Rank(flat_name) >= Rank(structured_) || target->empty()) *target = flat_value;
  }

 private:
  int Rank(const std::string& name) const {
    auto it = ranks_.find(name);
    return it == ranks_.end() ? 0 : it->second;
  }

  const std::map<std::string, int>& ranks_;
  std::string structured_;
};

}  // namespace

void MergeFlatSettings(Settings* s, const std::map<std::string, int>& ranks) {
  const Merger ami(ranks, "cml_worker_ami_config");
  for (const auto& [region, id] : s->cml_worker_ami_ids) {
    ami.Apply("cml_worker_ami_ids", id, &s->cml_worker_ami_config[region].ami_id);
  }
  for (const auto& [region, name] : s->cml_worker_ami_names) {
    ami.Apply("cml_worker_ami_names", name, &s->cml_worker_ami_config[region].ami_name);
  }
  const std::string& region = s->aws_default_region;
  if (!s->cml_worker_vpc_id.empty() || !s->cml_worker_subnet_id.empty() ||
      !s->cml_worker_security_group_ids.empty() || !s->cml_worker_security_group_names.empty()) {
    const Merger net(ranks, "cml_worker_network_config");
    RegionNetwork& target = s->cml_worker_network_config[region];
    net.Apply("cml_worker_vpc_id", s->cml_worker_vpc_id, &target.vpc_id);
    net.Apply("cml_worker_subnet_id", s->cml_worker_subnet_id, &target.subnet_id);
    net.Apply("cml_worker_security_group_ids", s->cml_worker_security_group_ids,
              &target.security_group_ids);
    net.Apply("cml_worker_security_group_names", s->cml_worker_security_group_names,
              &target.security_group_names);
  }
  if (!s->cml_worker_key_name.empty()) {
    const Merger keys(ranks, "cml_worker_key_pairs");
    keys.Apply("cml_worker_key_name", s->cml_worker_key_name, &s->cml_worker_key_pairs[region]);
  }
}

bool DeriveDatabaseUrl(Settings* s) {
  if (!s->database_url.empty()) return false;
  std::string dir = s->data_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  s->database_url = "sqlite:" + (dir == "/" ? std::string() : dir) + "/ccm.db";
  return true;
}

}  // namespace ccm::config::internal
