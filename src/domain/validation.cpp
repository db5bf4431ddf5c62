#include "domain/validation.hpp"

#include <algorithm>

namespace ccm::domain {
namespace {

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsLower(c) || IsDigit(c) || (c >= 'A' && c <= 'Z'); }
bool IsControl(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

std::string Quote(std::string_view text) {
  constexpr size_t kShown = 80;
  std::string shown(text.substr(0, kShown));
  for (char& c : shown) {
    if (IsControl(c)) c = '?';
  }
  return "'" + shown + (text.size() > kShown ? "...'" : "'");
}

// prefix + 8 or 17 lower-case hex digits: the two id lengths EC2 has used.
bool IsEc2Id(std::string_view text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  std::string_view hex = text.substr(prefix.size());
  if (hex.size() != 8 && hex.size() != 17) return false;
  return std::all_of(hex.begin(), hex.end(), IsLowerHex);
}

bool HasControl(std::string_view text) { return std::any_of(text.begin(), text.end(), IsControl); }

}  // namespace

Status ValidateWorkerName(std::string_view name) {
  if (name.empty()) return InvalidArgument("name", "must not be empty");
  if (name.size() > kMaxNameLength) {
    return InvalidArgument("name", "must be at most " + std::to_string(kMaxNameLength) +
                                       " characters (got " + std::to_string(name.size()) + ")");
  }
  if (!IsAlnum(name.front())) {
    return InvalidArgument("name", Quote(name) + " must start with a letter or a digit");
  }
  for (char c : name) {
    if (!IsAlnum(c) && c != ' ' && c != '-' && c != '_' && c != '.') {
      return InvalidArgument(
          "name", Quote(name) + " may only hold letters, digits, spaces, '-', '_' and '.'");
    }
  }
  return Ok();
}

Status ValidateRegion(std::string_view region) {
  // Parts separated by '-': two or more lower-case words, then a number ("us-gov-west-1").
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= region.size()) {
    size_t dash = region.find('-', start);
    if (dash == std::string_view::npos) dash = region.size();
    parts.push_back(region.substr(start, dash - start));
    start = dash + 1;
  }
  bool ok = parts.size() >= 3 && parts.front().size() == 2;
  for (size_t i = 0; ok && i + 1 < parts.size(); ++i) {
    ok = !parts[i].empty() && std::all_of(parts[i].begin(), parts[i].end(), IsLower);
  }
  ok = ok && !parts.back().empty() && parts.back().size() <= 2 &&
       std::all_of(parts.back().begin(), parts.back().end(), IsDigit);
  if (!ok) return InvalidArgument("region", Quote(region) + " is not an AWS region name");
  return Ok();
}

Status ValidateInstanceId(std::string_view instance_id) {
  if (!IsEc2Id(instance_id, "i-")) {
    return InvalidArgument("aws_instance_id",
                           Quote(instance_id) + " is not an EC2 instance id (i- and 8 or 17 hex)");
  }
  return Ok();
}

Status ValidateAmiId(std::string_view ami_id) {
  if (!IsEc2Id(ami_id, "ami-")) {
    return InvalidArgument("ami_id", Quote(ami_id) + " is not an AMI id (ami- and 8 or 17 hex)");
  }
  return Ok();
}

Status ValidateInstanceType(std::string_view instance_type) {
  size_t dot = instance_type.find('.');
  auto good_part = [](std::string_view part) {
    return !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
      return IsLower(c) || IsDigit(c) || c == '-';
    });
  };
  if (instance_type.size() > 32 || dot == std::string_view::npos ||
      !good_part(instance_type.substr(0, dot)) || !good_part(instance_type.substr(dot + 1))) {
    return InvalidArgument("instance_type",
                           Quote(instance_type) + " is not an EC2 instance type (e.g. c5.2xlarge)");
  }
  return Ok();
}

Status ValidateTags(const Tags& tags) {
  if (tags.size() > kMaxTags) {
    return InvalidArgument("tags", "at most " + std::to_string(kMaxTags) + " tags (got " +
                                       std::to_string(tags.size()) + ")");
  }
  for (const auto& [key, value] : tags) {
    std::string field = "tags." + std::string(key.substr(0, kMaxTagKeyLength));
    if (key.empty()) return InvalidArgument("tags", "a tag key must not be empty");
    if (key.size() > kMaxTagKeyLength) {
      return InvalidArgument(field, "key longer than " + std::to_string(kMaxTagKeyLength));
    }
    std::string lower = key.substr(0, 4);
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower == "aws:") return InvalidArgument(field, "keys starting with 'aws:' are reserved");
    if (HasControl(key)) return InvalidArgument(field, "key holds control characters");
    if (value.size() > kMaxTagValueLength) {
      return InvalidArgument(field, "value longer than " + std::to_string(kMaxTagValueLength));
    }
    if (HasControl(value)) return InvalidArgument(field, "value holds control characters");
  }
  return Ok();
}

Status ValidateClientToken(std::string_view token) {
  bool printable =
      std::all_of(token.begin(), token.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  if (token.empty() || token.size() > kMaxClientTokenLength || !printable) {
    return InvalidArgument("client_token", "must be 1.." + std::to_string(kMaxClientTokenLength) +
                                               " printable ASCII characters");
  }
  return Ok();
}

Status ValidateUser(std::string_view user, std::string_view field) {
  if (user.empty() || user.size() > 256 || HasControl(user)) {
    return InvalidArgument(std::string(field),
                           "must be 1..256 characters without control characters");
  }
  return Ok();
}

}  // namespace ccm::domain
