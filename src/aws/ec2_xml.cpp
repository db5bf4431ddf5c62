#include "aws/ec2_xml.hpp"

#include <cctype>
#include <pugixml.hpp>

namespace ccm::aws::ec2 {
namespace {

std::string Text(const pugi::xml_node& node, const char* child) {
  return node.child(child).text().as_string();
}

// The root element, which must be named root unless root is null.
Result<pugi::xml_node> Root(pugi::xml_document& doc, std::string_view xml, const char* root) {
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return MakeError(Code::kInternal,
                     std::string("EC2 answer is not XML: ") + parsed.description());
  }
  pugi::xml_node node = root ? doc.child(root) : doc.document_element();
  if (!node) {
    if (!root) return MakeError(Code::kInternal, "EC2 answer is an empty document");
    return MakeError(Code::kInternal, std::string("EC2 answer has no <") + root + "> element");
  }
  return node;
}

Tags ParseTags(const pugi::xml_node& parent) {
  Tags tags;
  for (auto item : parent.child("tagSet").children("item")) {
    tags[Text(item, "key")] = Text(item, "value");
  }
  return tags;
}

std::vector<std::string> GroupIds(const pugi::xml_node& parent) {
  std::vector<std::string> ids;
  for (auto item : parent.child("groupSet").children("item")) ids.push_back(Text(item, "groupId"));
  return ids;
}

// Groups live on the instance in AWS's answers, but only on the primary interface when the
// instance was launched through a network interface on some endpoints (moto).
std::vector<std::string> InstanceGroupIds(const pugi::xml_node& item) {
  std::vector<std::string> ids = GroupIds(item);
  if (!ids.empty()) return ids;
  for (auto eni : item.child("networkInterfaceSet").children("item")) {
    if (Text(eni.child("attachment"), "deviceIndex") == "0") return GroupIds(eni);
  }
  return ids;
}

Instance ParseInstance(const pugi::xml_node& item, const std::string& reservation_id) {
  Instance in;
  in.id = Text(item, "instanceId");
  in.reservation_id = reservation_id;
  in.state = Text(item.child("instanceState"), "name");
  in.state_reason = Text(item.child("stateReason"), "message");
  if (in.state_reason.empty()) in.state_reason = Text(item, "reason");
  in.instance_type = Text(item, "instanceType");
  in.image_id = Text(item, "imageId");
  in.launch_time = ParseTime(Text(item, "launchTime"));
  in.private_ip = Text(item, "privateIpAddress");
  in.public_ip = Text(item, "ipAddress");
  in.private_dns = Text(item, "privateDnsName");
  in.public_dns = Text(item, "dnsName");
  in.subnet_id = Text(item, "subnetId");
  in.vpc_id = Text(item, "vpcId");
  in.availability_zone = Text(item.child("placement"), "availabilityZone");
  in.key_name = Text(item, "keyName");
  in.monitoring_state = Text(item.child("monitoring"), "state");
  in.client_token = Text(item, "clientToken");
  in.root_device_name = Text(item, "rootDeviceName");
  in.architecture = Text(item, "architecture");
  in.http_tokens = Text(item.child("metadataOptions"), "httpTokens");
  in.security_group_ids = InstanceGroupIds(item);
  in.tags = ParseTags(item);
  return in;
}

void AppendInstances(const pugi::xml_node& holder, const std::string& reservation_id,
                     std::vector<Instance>& out) {
  for (auto item : holder.child("instancesSet").children("item")) {
    out.push_back(ParseInstance(item, reservation_id));
  }
}

}  // namespace

Result<InstancePage> ParseDescribeInstances(std::string_view xml) {
  pugi::xml_document doc;
  auto root = Root(doc, xml, "DescribeInstancesResponse");
  if (!root) return Fail(root.error());
  InstancePage page;
  for (auto reservation : root->child("reservationSet").children("item")) {
    AppendInstances(reservation, Text(reservation, "reservationId"), page.instances);
  }
  page.next_token = Text(*root, "nextToken");
  return page;
}

Result<LaunchResult> ParseRunInstances(std::string_view xml) {
  pugi::xml_document doc;
  auto root = Root(doc, xml, "RunInstancesResponse");
  if (!root) return Fail(root.error());
  LaunchResult result;
  result.reservation_id = Text(*root, "reservationId");
  AppendInstances(*root, result.reservation_id, result.instances);
  if (result.instances.empty()) {
    return MakeError(Code::kInternal, "RunInstances answered without any instance");
  }
  return result;
}

Result<std::vector<StateChange>> ParseStateChanges(std::string_view xml) {
  pugi::xml_document doc;
  // The root is Start-, Stop- or TerminateInstancesResponse; all share the same body.
  auto root = Root(doc, xml, nullptr);
  if (!root) return Fail(root.error());
  std::vector<StateChange> changes;
  for (auto item : root->child("instancesSet").children("item")) {
    changes.push_back({Text(item, "instanceId"), Text(item.child("previousState"), "name"),
                       Text(item.child("currentState"), "name")});
  }
  return changes;
}

Result<StatusPage> ParseDescribeInstanceStatus(std::string_view xml) {
  pugi::xml_document doc;
  auto root = Root(doc, xml, "DescribeInstanceStatusResponse");
  if (!root) return Fail(root.error());
  StatusPage page;
  for (auto item : root->child("instanceStatusSet").children("item")) {
    InstanceStatus s;
    s.instance_id = Text(item, "instanceId");
    s.availability_zone = Text(item, "availabilityZone");
    s.state = Text(item.child("instanceState"), "name");
    s.instance_check = Text(item.child("instanceStatus"), "status");
    s.system_check = Text(item.child("systemStatus"), "status");
    page.statuses.push_back(std::move(s));
  }
  page.next_token = Text(*root, "nextToken");
  return page;
}

Result<ImagePage> ParseDescribeImages(std::string_view xml) {
  pugi::xml_document doc;
  auto root = Root(doc, xml, "DescribeImagesResponse");
  if (!root) return Fail(root.error());
  ImagePage page;
  for (auto item : root->child("imagesSet").children("item")) {
    Image image;
    image.id = Text(item, "imageId");
    image.name = Text(item, "name");
    image.owner_id = Text(item, "imageOwnerId");
    image.owner_alias = Text(item, "imageOwnerAlias");
    image.state = Text(item, "imageState");
    image.architecture = Text(item, "architecture");
    image.root_device_name = Text(item, "rootDeviceName");
    image.description = Text(item, "description");
    image.creation_date = ParseTime(Text(item, "creationDate"));
    image.tags = ParseTags(item);
    page.images.push_back(std::move(image));
  }
  page.next_token = Text(*root, "nextToken");
  return page;
}

Result<std::vector<MonitoringChange>> ParseMonitoring(std::string_view xml) {
  pugi::xml_document doc;
  auto root = Root(doc, xml, nullptr);
  if (!root) return Fail(root.error());
  std::vector<MonitoringChange> changes;
  for (auto item : root->child("instancesSet").children("item")) {
    changes.push_back({Text(item, "instanceId"), Text(item.child("monitoring"), "state")});
  }
  return changes;
}

std::vector<std::string> IdsInMessage(std::string_view message) {
  std::vector<std::string> ids;
  size_t pos = 0;
  while ((pos = message.find("i-", pos)) != std::string_view::npos) {
    // An id starts a word: "i-" inside another token ("bi-annual") is not one.
    bool starts_word =
        pos == 0 || message[pos - 1] == '\'' || message[pos - 1] == ' ' || message[pos - 1] == ',';
    size_t end = pos + 2;
    while (end < message.size() && std::isxdigit(static_cast<unsigned char>(message[end]))) ++end;
    if (starts_word && end > pos + 2) ids.emplace_back(message.substr(pos, end - pos));
    pos = end;
  }
  return ids;
}

}  // namespace ccm::aws::ec2
