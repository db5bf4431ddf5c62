// Ec2Client: the read side (DescribeInstances, DescribeInstanceStatus) with pagination and the
// explicit-ids fallback.
#include <algorithm>
#include <functional>
#include <set>

#include "aws/ec2_client.hpp"
#include "aws/ec2_params.hpp"
#include "aws/ec2_xml.hpp"
#include "core/log.hpp"

namespace ccm::aws {
namespace {

constexpr char kNotFound[] = "InvalidInstanceID.NotFound";

bool HasIds(const Params& params) {
  return std::any_of(params.begin(), params.end(),
                     [](const auto& p) { return p.first == "InstanceId.1"; });
}

// Fetches a batch of explicit ids. When EC2 says some do not exist, the ids its message names are
// recorded as missing and the rest is asked again; when it names none, each id is asked alone.
template <typename T>
Status FetchSkippingMissing(
    const std::vector<std::string>& batch,
    const std::function<Result<std::vector<T>>(const std::vector<std::string>&)>& fetch,
    std::vector<T>& out, std::vector<std::string>& missing) {
  std::vector<std::string> remaining = batch;
  while (!remaining.empty()) {
    auto got = fetch(remaining);
    if (got) {
      out.insert(out.end(), got->begin(), got->end());
      return Ok();
    }
    if (got.error().provider_code != kNotFound) return Fail(got.error());
    std::set<std::string> named;
    for (auto& id : ec2::IdsInMessage(got.error().message)) {
      if (std::find(remaining.begin(), remaining.end(), id) != remaining.end()) named.insert(id);
    }
    if (named.empty()) break;
    missing.insert(missing.end(), named.begin(), named.end());
    std::erase_if(remaining, [&](const std::string& id) { return named.count(id) > 0; });
  }
  for (const auto& id : remaining) {
    auto got = fetch({id});
    if (got) {
      out.insert(out.end(), got->begin(), got->end());
    } else if (got.error().provider_code == kNotFound) {
      missing.push_back(id);
    } else {
      return Fail(got.error());
    }
  }
  return Ok();
}

}  // namespace

Result<std::vector<Instance>> Ec2Client::DescribeAllPages(const AwsScope& scope,
                                                          const Params& base) const {
  std::vector<Instance> all;
  std::string token;
  // EC2 refuses MaxResults together with explicit ids.
  bool paged = !HasIds(base);
  do {
    Params params = base;
    if (paged) params.emplace_back("MaxResults", std::to_string(options_.page_size));
    if (!token.empty()) params.emplace_back("NextToken", token);
    auto body = Call(scope, "DescribeInstances", std::move(params));
    if (!body) return Fail(body.error());
    auto page = ec2::ParseDescribeInstances(*body);
    if (!page) return Fail(page.error());
    std::move(page->instances.begin(), page->instances.end(), std::back_inserter(all));
    if (!page->next_token.empty() && page->next_token == token) {
      return MakeError(Code::kInternal, "DescribeInstances returned the same NextToken twice");
    }
    token = std::move(page->next_token);
  } while (!token.empty());
  return all;
}

Result<std::vector<InstanceStatus>> Ec2Client::StatusPages(const AwsScope& scope,
                                                           const Params& base) const {
  std::vector<InstanceStatus> all;
  std::string token;
  bool paged = !HasIds(base);
  do {
    Params params = base;
    params.emplace_back("IncludeAllInstances", "true");
    if (paged) params.emplace_back("MaxResults", std::to_string(options_.page_size));
    if (!token.empty()) params.emplace_back("NextToken", token);
    auto body = Call(scope, "DescribeInstanceStatus", std::move(params));
    if (!body) return Fail(body.error());
    auto page = ec2::ParseDescribeInstanceStatus(*body);
    if (!page) return Fail(page.error());
    std::move(page->statuses.begin(), page->statuses.end(), std::back_inserter(all));
    if (!page->next_token.empty() && page->next_token == token) {
      return MakeError(Code::kInternal, "DescribeInstanceStatus returned the same NextToken twice");
    }
    token = std::move(page->next_token);
  } while (!token.empty());
  return all;
}

Result<std::vector<Instance>> Ec2Client::DescribeInstances(const AwsScope& scope,
                                                           const std::vector<Filter>& filters) {
  for (const auto& f : filters) {
    if (f.name.empty() || f.values.empty()) {
      return InvalidArgument("filters", "each filter needs a name and at least one value");
    }
  }
  Params base;
  ec2::AddFilters(base, filters);
  return DescribeAllPages(scope, base);
}

Result<InstancesById> Ec2Client::DescribeInstancesById(const AwsScope& scope,
                                                       const std::vector<std::string>& ids) {
  if (auto valid = ec2::ValidateIds("instance_ids", ids); !valid) return Fail(valid.error());
  std::function<Result<std::vector<Instance>>(const std::vector<std::string>&)> fetch =
      [&](const std::vector<std::string>& batch) {
        Params params;
        ec2::AddList(params, "InstanceId", batch);
        return DescribeAllPages(scope, params);
      };
  InstancesById result;
  for (const auto& batch : ec2::Batches(ids, options_.batch_size)) {
    auto s = FetchSkippingMissing(batch, fetch, result.instances, result.missing_ids);
    if (!s) return Fail(s.error());
  }
  if (!result.missing_ids.empty()) {
    log::Info("DescribeInstances: some instances no longer exist",
              {{"count", std::to_string(result.missing_ids.size())},
               {"first_missing_id", result.missing_ids.front()}});
  }
  return result;
}

Result<InstanceStatusReport> Ec2Client::DescribeInstanceStatus(
    const AwsScope& scope, const std::vector<std::string>& ids) {
  if (auto valid = ec2::ValidateIds("instance_ids", ids); !valid) return Fail(valid.error());
  InstanceStatusReport report;
  if (ids.empty()) {
    auto all = StatusPages(scope, {});
    if (!all) return Fail(all.error());
    report.statuses = std::move(*all);
    return report;
  }
  std::function<Result<std::vector<InstanceStatus>>(const std::vector<std::string>&)> fetch =
      [&](const std::vector<std::string>& batch) {
        Params params;
        ec2::AddList(params, "InstanceId", batch);
        return StatusPages(scope, params);
      };
  for (const auto& batch : ec2::Batches(ids, options_.status_batch_size)) {
    auto s = FetchSkippingMissing(batch, fetch, report.statuses, report.missing_ids);
    if (!s) return Fail(s.error());
  }
  return report;
}

}  // namespace ccm::aws
