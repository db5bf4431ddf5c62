#include "cli/serve_aws.hpp"

#include "core/log.hpp"

namespace ccm::cli {

AwsIdentityCheck::AwsIdentityCheck(aws::QueryTransport& transport, std::string region, Clock& clock,
                                   Duration ok_ttl, Duration error_ttl)
    : sts_(transport, std::move(region)), clock_(clock), ok_ttl_(ok_ttl), error_ttl_(error_ttl) {}

Status AwsIdentityCheck::Check() {
  std::lock_guard lock(mu_);
  const bool first = !checked_at_.has_value();
  if (!first) {
    const Duration ttl = last_ ? ok_ttl_ : error_ttl_;
    if (clock_.Now() - *checked_at_ < ttl) return last_;
  }
  auto who = sts_.GetCallerIdentity();
  checked_at_ = clock_.Now();
  // Logged when the outcome changes, not at every probe.
  if (!who) {
    if (first || last_) log::Warn("AWS identity check failed", {{"error", who.error().ToString()}});
    last_ = Fail(who.error());
    return last_;
  }
  if (first || !last_ || !identity_ || identity_->arn != who->arn) {
    log::Info("AWS identity checked", {{"account", who->account}, {"arn", who->arn}});
  }
  identity_ = *who;
  last_ = Ok();
  return last_;
}

std::optional<aws::CallerIdentity> AwsIdentityCheck::identity() const {
  std::lock_guard lock(mu_);
  return identity_;
}

}  // namespace ccm::cli
