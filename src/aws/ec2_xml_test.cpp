// EC2 XML answers (shapes recorded from EC2 and moto) parsed into plain structs.
#include "aws/ec2_xml.hpp"

#include <gtest/gtest.h>

namespace ccm::aws::ec2 {
namespace {

// Two reservations; the first instance has a network interface whose nested groupSet,
// privateIpAddress and association must not leak into the instance.
constexpr char kDescribeInstances[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>8f7724cf-496f-496e-8fe3-example</requestId>
  <reservationSet>
    <item>
      <reservationId>r-1234567890abcdef0</reservationId>
      <ownerId>123456789012</ownerId>
      <groupSet/>
      <instancesSet>
        <item>
          <instanceId>i-1234567890abcdef0</instanceId>
          <imageId>ami-bff32ccc</imageId>
          <instanceState><code>16</code><name>running</name></instanceState>
          <privateDnsName>ip-192-168-1-88.eu-west-1.compute.internal</privateDnsName>
          <dnsName>ec2-54-194-252-215.eu-west-1.compute.amazonaws.com</dnsName>
          <reason/>
          <keyName>my_keypair</keyName>
          <amiLaunchIndex>0</amiLaunchIndex>
          <productCodes/>
          <instanceType>c5.2xlarge</instanceType>
          <launchTime>2018-05-08T16:46:19.000Z</launchTime>
          <placement>
            <availabilityZone>eu-west-1c</availabilityZone>
            <groupName/>
            <tenancy>default</tenancy>
          </placement>
          <monitoring><state>enabled</state></monitoring>
          <subnetId>subnet-56f5f633</subnetId>
          <vpcId>vpc-11112222</vpcId>
          <privateIpAddress>192.168.1.88</privateIpAddress>
          <ipAddress>54.194.252.215</ipAddress>
          <sourceDestCheck>true</sourceDestCheck>
          <groupSet>
            <item><groupId>sg-e4076980</groupId><groupName>SecurityGroup1</groupName></item>
          </groupSet>
          <architecture>x86_64</architecture>
          <rootDeviceType>ebs</rootDeviceType>
          <rootDeviceName>/dev/xvda</rootDeviceName>
          <blockDeviceMapping>
            <item>
              <deviceName>/dev/xvda</deviceName>
              <ebs><volumeId>vol-1234567890abcdef0</volumeId><status>attached</status></ebs>
            </item>
          </blockDeviceMapping>
          <clientToken>ccm-token-1</clientToken>
          <tagSet>
            <item><key>Name</key><value>cml-worker-1</value></item>
            <item><key>ccm:managed</key><value>true</value></item>
          </tagSet>
          <networkInterfaceSet>
            <item>
              <networkInterfaceId>eni-551ba033</networkInterfaceId>
              <subnetId>subnet-other</subnetId>
              <privateIpAddress>10.9.9.9</privateIpAddress>
              <attachment><deviceIndex>0</deviceIndex></attachment>
              <association><publicIp>1.2.3.4</publicIp></association>
              <groupSet>
                <item><groupId>sg-from-eni</groupId><groupName>other</groupName></item>
              </groupSet>
            </item>
          </networkInterfaceSet>
          <metadataOptions><httpTokens>required</httpTokens></metadataOptions>
        </item>
      </instancesSet>
    </item>
    <item>
      <reservationId>r-0000000000000000b</reservationId>
      <instancesSet>
        <item>
          <instanceId>i-0000000000000000b</instanceId>
          <instanceState><code>80</code><name>stopped</name></instanceState>
          <stateReason><code>Client.UserInitiatedShutdown</code>
            <message>Client.UserInitiatedShutdown: User initiated shutdown</message></stateReason>
          <instanceType>t3.micro</instanceType>
        </item>
      </instancesSet>
    </item>
  </reservationSet>
  <nextToken>page-2</nextToken>
</DescribeInstancesResponse>)";

TEST(Ec2XmlTest, DescribeInstancesReadsEveryField) {
  auto page = ParseDescribeInstances(kDescribeInstances);
  ASSERT_TRUE(page.has_value()) << page.error().ToString();
  ASSERT_EQ(page->instances.size(), 2u);
  EXPECT_EQ(page->next_token, "page-2");
  const Instance& a = page->instances[0];
  EXPECT_EQ(a.id, "i-1234567890abcdef0");
  EXPECT_EQ(a.reservation_id, "r-1234567890abcdef0");
  EXPECT_EQ(a.state, "running");
  EXPECT_EQ(a.instance_type, "c5.2xlarge");
  EXPECT_EQ(a.image_id, "ami-bff32ccc");
  ASSERT_TRUE(a.launch_time.has_value());
  EXPECT_EQ(FormatTime(*a.launch_time), "2018-05-08T16:46:19.000Z");
  EXPECT_EQ(a.private_ip, "192.168.1.88");
  EXPECT_EQ(a.public_ip, "54.194.252.215");
  EXPECT_EQ(a.public_dns, "ec2-54-194-252-215.eu-west-1.compute.amazonaws.com");
  EXPECT_EQ(a.private_dns, "ip-192-168-1-88.eu-west-1.compute.internal");
  EXPECT_EQ(a.subnet_id, "subnet-56f5f633");
  EXPECT_EQ(a.vpc_id, "vpc-11112222");
  EXPECT_EQ(a.availability_zone, "eu-west-1c");
  EXPECT_EQ(a.key_name, "my_keypair");
  EXPECT_EQ(a.monitoring_state, "enabled");
  EXPECT_EQ(a.client_token, "ccm-token-1");
  EXPECT_EQ(a.root_device_name, "/dev/xvda");
  EXPECT_EQ(a.architecture, "x86_64");
  EXPECT_EQ(a.http_tokens, "required");
  EXPECT_EQ(a.security_group_ids, std::vector<std::string>{"sg-e4076980"});
  EXPECT_EQ(a.tags, (Tags{{"Name", "cml-worker-1"}, {"ccm:managed", "true"}}));
  EXPECT_EQ(a.Name(), "cml-worker-1");
  const Instance& b = page->instances[1];
  EXPECT_EQ(b.reservation_id, "r-0000000000000000b");
  EXPECT_EQ(b.state, "stopped");
  EXPECT_EQ(b.state_reason, "Client.UserInitiatedShutdown: User initiated shutdown");
  EXPECT_FALSE(b.launch_time.has_value());
  EXPECT_EQ(b.public_ip, "");
  EXPECT_EQ(b.Name(), "");
}

TEST(Ec2XmlTest, RunInstancesTakesGroupsFromThePrimaryInterfaceWhenTheInstanceHasNone) {
  constexpr char kXml[] = R"(<RunInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15">
    <reservationId>r-8fe4fa7c0795c20c8</reservationId><ownerId>123456789012</ownerId><groupSet/>
    <instancesSet><item>
      <clientToken>tok1</clientToken>
      <networkInterfaceSet>
        <item><attachment><deviceIndex>1</deviceIndex></attachment>
          <groupSet><item><groupId>sg-second</groupId></item></groupSet></item>
        <item><attachment><deviceIndex>0</deviceIndex></attachment>
          <groupSet><item><groupId>sg-eb1a9b5d57d4e3e44</groupId></item></groupSet></item>
      </networkInterfaceSet>
      <groupSet/>
      <tagSet><item><key>ccm:worker-id</key><value>w-1</value></item></tagSet>
      <instanceId>i-f6db368526580a13b</instanceId><imageId>ami-03cf127a</imageId>
      <instanceState><code>0</code><name>pending</name></instanceState>
      <instanceType>t3.micro</instanceType><launchTime>2026-11-23T17:36:29.000Z</launchTime>
      <ipAddress>54.214.158.237</ipAddress>
    </item></instancesSet></RunInstancesResponse>)";
  auto r = ParseRunInstances(kXml);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->reservation_id, "r-8fe4fa7c0795c20c8");
  ASSERT_EQ(r->instances.size(), 1u);
  EXPECT_EQ(r->instances[0].id, "i-f6db368526580a13b");
  EXPECT_EQ(r->instances[0].reservation_id, "r-8fe4fa7c0795c20c8");
  EXPECT_EQ(r->instances[0].state, "pending");
  EXPECT_EQ(r->instances[0].security_group_ids, std::vector<std::string>{"sg-eb1a9b5d57d4e3e44"});
  EXPECT_EQ(r->instances[0].tags.at("ccm:worker-id"), "w-1");
  EXPECT_FALSE(r.value().reused);
}

TEST(Ec2XmlTest, RunInstancesWithoutInstancesIsAnError) {
  auto r = ParseRunInstances("<RunInstancesResponse><instancesSet/></RunInstancesResponse>");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Code::kInternal);
}

TEST(Ec2XmlTest, StateChangesOfStopStartTerminate) {
  constexpr char kXml[] =
      R"(<StopInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
    <instancesSet>
      <item><instanceId>i-1</instanceId>
        <currentState><code>64</code><name>stopping</name></currentState>
        <previousState><code>16</code><name>running</name></previousState></item>
      <item><instanceId>i-2</instanceId>
        <currentState><code>80</code><name>stopped</name></currentState>
        <previousState><code>80</code><name>stopped</name></previousState></item>
    </instancesSet></StopInstancesResponse>)";
  auto r = ParseStateChanges(kXml);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].instance_id, "i-1");
  EXPECT_EQ((*r)[0].previous_state, "running");
  EXPECT_EQ((*r)[0].current_state, "stopping");
  EXPECT_EQ((*r)[1].current_state, "stopped");
}

TEST(Ec2XmlTest, InstanceStatusChecks) {
  constexpr char kXml[] =
      R"(<DescribeInstanceStatusResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>3be1508e-c444-4fef-89cc-0b1223c4f02fEXAMPLE</requestId>
    <instanceStatusSet>
      <item><instanceId>i-1</instanceId><availabilityZone>us-east-1d</availabilityZone>
        <instanceState><code>16</code><name>running</name></instanceState>
        <systemStatus><status>impaired</status><details><item><name>reachability</name>
          <status>failed</status></item></details></systemStatus>
        <instanceStatus><status>ok</status><details><item><name>reachability</name>
          <status>passed</status></item></details></instanceStatus>
        <eventsSet/></item>
      <item><instanceId>i-2</instanceId>
        <instanceState><code>80</code><name>stopped</name></instanceState>
        <systemStatus><status>not-applicable</status></systemStatus>
        <instanceStatus><status>not-applicable</status></instanceStatus></item>
    </instanceStatusSet><nextToken>n2</nextToken></DescribeInstanceStatusResponse>)";
  auto r = ParseDescribeInstanceStatus(kXml);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->statuses.size(), 2u);
  EXPECT_EQ(r->statuses[0].instance_id, "i-1");
  EXPECT_EQ(r->statuses[0].availability_zone, "us-east-1d");
  EXPECT_EQ(r->statuses[0].state, "running");
  EXPECT_EQ(r->statuses[0].system_check, "impaired");
  EXPECT_EQ(r->statuses[0].instance_check, "ok");
  EXPECT_EQ(r->statuses[1].state, "stopped");
  EXPECT_EQ(r->statuses[1].instance_check, "not-applicable");
  EXPECT_EQ(r->next_token, "n2");
}

TEST(Ec2XmlTest, ImagesWithRootDeviceAndOwner) {
  constexpr char kXml[] =
      R"(<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15">
    <imagesSet><item>
      <blockDeviceMapping><item><deviceName>/dev/sda1</deviceName>
        <ebs><volumeSize>15</volumeSize></ebs></item></blockDeviceMapping>
      <description>CML 2.9 controller</description>
      <imageOwnerAlias>amazon</imageOwnerAlias>
      <name>cml-2.9.0-x86_64</name>
      <rootDeviceName>/dev/sda1</rootDeviceName>
      <tagSet><item><key>ccm:image</key><value>cml</value></item></tagSet>
      <imageId>ami-03cf127a</imageId><imageState>available</imageState>
      <imageOwnerId>801119661308</imageOwnerId>
      <creationDate>2026-11-23T17:36:24.000Z</creationDate><architecture>x86_64</architecture>
    </item></imagesSet></DescribeImagesResponse>)";
  auto r = ParseDescribeImages(kXml);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->images.size(), 1u);
  const Image& i = r->images[0];
  EXPECT_EQ(i.id, "ami-03cf127a");
  EXPECT_EQ(i.name, "cml-2.9.0-x86_64");
  EXPECT_EQ(i.owner_id, "801119661308");
  EXPECT_EQ(i.owner_alias, "amazon");
  EXPECT_EQ(i.state, "available");
  EXPECT_EQ(i.root_device_name, "/dev/sda1");
  EXPECT_EQ(i.architecture, "x86_64");
  EXPECT_EQ(i.description, "CML 2.9 controller");
  ASSERT_TRUE(i.creation_date.has_value());
  EXPECT_EQ(i.tags.at("ccm:image"), "cml");
  EXPECT_EQ(r->next_token, "");
}

TEST(Ec2XmlTest, MonitoringStates) {
  constexpr char kXml[] =
      R"(<MonitorInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
    <instancesSet>
      <item><instanceId>i-1</instanceId><monitoring><state>pending</state></monitoring></item>
      <item><instanceId>i-2</instanceId><monitoring><state>enabled</state></monitoring></item>
    </instancesSet></MonitorInstancesResponse>)";
  auto r = ParseMonitoring(kXml);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].instance_id, "i-1");
  EXPECT_EQ((*r)[0].monitoring_state, "pending");
  EXPECT_EQ((*r)[1].monitoring_state, "enabled");
}

TEST(Ec2XmlTest, GarbageAndWrongRootAreInternalErrors) {
  auto a = ParseDescribeInstances("<<not xml");
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().code, Code::kInternal);
  auto b = ParseDescribeInstances("<DescribeImagesResponse/>");
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().code, Code::kInternal);
  EXPECT_NE(b.error().message.find("DescribeInstancesResponse"), std::string::npos);
  EXPECT_FALSE(ParseStateChanges("").has_value());
}

TEST(Ec2XmlTest, IdsInNotFoundMessages) {
  EXPECT_EQ(IdsInMessage("The instance ID 'i-0123456789abcdef0' does not exist"),
            std::vector<std::string>{"i-0123456789abcdef0"});
  EXPECT_EQ(IdsInMessage("The instance IDs 'i-1a, i-2b' do not exist"),
            (std::vector<std::string>{"i-1a", "i-2b"}));
  EXPECT_TRUE(IdsInMessage("bi-annual multi-instance failure").empty());
  EXPECT_TRUE(IdsInMessage("").empty());
}

}  // namespace
}  // namespace ccm::aws::ec2
