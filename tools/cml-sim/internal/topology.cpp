#include "tools/cml-sim/internal/topology.hpp"

#include <yaml-cpp/yaml.h>

#include <set>

#include "core/ids.hpp"

namespace ccm::cmlsim::internal {

std::string TopologyYaml(const Lab& lab) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "lab" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "title" << YAML::Value << lab.title;
  out << YAML::Key << "description" << YAML::Value << lab.description;
  out << YAML::Key << "notes" << YAML::Value << lab.notes;
  out << YAML::Key << "version" << YAML::Value << "0.3.0";
  out << YAML::EndMap;
  out << YAML::Key << "nodes" << YAML::Value << YAML::BeginSeq;
  for (const Node& n : lab.nodes) {
    out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << n.topo_id;
    out << YAML::Key << "label" << YAML::Value << n.label;
    out << YAML::Key << "node_definition" << YAML::Value << n.node_definition;
    out << YAML::Key << "x" << YAML::Value << n.x << YAML::Key << "y" << YAML::Value << n.y;
    out << YAML::Key << "cpus" << YAML::Value << n.cpus;
    out << YAML::Key << "ram" << YAML::Value << n.ram;
    out << YAML::Key << "interfaces" << YAML::Value << YAML::BeginSeq;
    for (const Interface& i : n.interfaces) {
      out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << i.id;
      out << YAML::Key << "label" << YAML::Value << i.label;
      out << YAML::Key << "slot" << YAML::Value << i.slot;
      out << YAML::Key << "type" << YAML::Value << i.type << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "links" << YAML::Value << YAML::BeginSeq;
  for (const Link& l : lab.links) {
    out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << l.id;
    out << YAML::Key << "n1" << YAML::Value << l.n1 << YAML::Key << "n2" << YAML::Value << l.n2;
    out << YAML::Key << "i1" << YAML::Value << l.i1 << YAML::Key << "i2" << YAML::Value << l.i2;
    out << YAML::Key << "label" << YAML::Value << l.label << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "annotations" << YAML::Value << YAML::BeginSeq << YAML::EndSeq;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

namespace {

std::string Str(const YAML::Node& node, const char* key) {
  const YAML::Node v = node[key];
  return v && v.IsScalar() ? v.as<std::string>() : std::string();
}

Result<int> Int(const YAML::Node& node, const char* key, int fallback, const std::string& where) {
  const YAML::Node v = node[key];
  if (!v || v.IsNull()) return fallback;
  try {
    return v.as<int>();
  } catch (const YAML::Exception&) {
    return InvalidArgument(where + "." + key, "must be an integer");
  }
}

Result<Node> ParseNode(const YAML::Node& y, size_t index) {
  std::string where = "nodes[" + std::to_string(index) + "]";
  Node n;
  n.id = NewUuid();
  n.topo_id = Str(y, "id");
  n.label = Str(y, "label");
  n.node_definition = Str(y, "node_definition");
  if (n.topo_id.empty()) return InvalidArgument(where + ".id", "is required");
  if (n.label.empty()) return InvalidArgument(where + ".label", "is required");
  if (n.node_definition.empty()) return InvalidArgument(where + ".node_definition", "is required");
  auto x = Int(y, "x", 0, where);
  auto yy = Int(y, "y", 0, where);
  auto cpus = Int(y, "cpus", 1, where);
  auto ram = Int(y, "ram", 512, where);
  for (auto* r : {&x, &yy, &cpus, &ram}) {
    if (!*r) return Fail(r->error());
  }
  n.x = *x, n.y = *yy, n.cpus = *cpus, n.ram = *ram;
  const YAML::Node ifaces = y["interfaces"];
  if (ifaces && ifaces.IsSequence()) {
    for (size_t i = 0; i < ifaces.size(); ++i) {
      Interface itf;
      itf.id = Str(ifaces[i], "id");
      if (itf.id.empty()) {
        return InvalidArgument(where + ".interfaces[" + std::to_string(i) + "].id", "is required");
      }
      itf.label = Str(ifaces[i], "label");
      itf.type = Str(ifaces[i], "type").empty() ? "physical" : Str(ifaces[i], "type");
      auto slot = Int(ifaces[i], "slot", static_cast<int>(i), where);
      if (!slot) return Fail(slot.error());
      itf.slot = *slot;
      n.interfaces.push_back(std::move(itf));
    }
  }
  return n;
}

Status CheckLink(const Link& l, const std::vector<Node>& nodes, const std::string& where) {
  auto has = [&nodes](const std::string& node_id, const std::string& iface_id) {
    for (const Node& n : nodes) {
      if (n.topo_id != node_id) continue;
      for (const Interface& i : n.interfaces) {
        if (i.id == iface_id) return true;
      }
    }
    return false;
  };
  if (!has(l.n1, l.i1))
    return InvalidArgument(where + ".i1", "no interface " + l.i1 + " on " + l.n1);
  if (!has(l.n2, l.i2))
    return InvalidArgument(where + ".i2", "no interface " + l.i2 + " on " + l.n2);
  return Ok();
}

}  // namespace

Result<Lab> ParseTopology(const std::string& text) {
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return InvalidArgument("body", std::string("not a YAML or JSON topology: ") + e.what());
  }
  if (!doc.IsMap()) return InvalidArgument("body", "topology must be an object");
  Lab lab;
  const YAML::Node meta = doc["lab"];
  if (!meta || !meta.IsMap()) return InvalidArgument("lab", "is required");
  lab.title = Str(meta, "title");
  lab.description = Str(meta, "description");
  lab.notes = Str(meta, "notes");
  const YAML::Node nodes = doc["nodes"];
  if (!nodes || !nodes.IsSequence()) return InvalidArgument("nodes", "must be a list");
  std::set<std::string> seen;
  for (size_t i = 0; i < nodes.size(); ++i) {
    auto node = ParseNode(nodes[i], i);
    if (!node) return Fail(node.error());
    if (!seen.insert(node->topo_id).second) {
      return InvalidArgument("nodes[" + std::to_string(i) + "].id", "duplicate " + node->topo_id);
    }
    lab.nodes.push_back(std::move(*node));
  }
  const YAML::Node links = doc["links"];
  if (!links || !links.IsSequence()) return InvalidArgument("links", "must be a list");
  for (size_t i = 0; i < links.size(); ++i) {
    Link l{Str(links[i], "id"), Str(links[i], "n1"), Str(links[i], "n2"),
           Str(links[i], "i1"), Str(links[i], "i2"), Str(links[i], "label")};
    std::string where = "links[" + std::to_string(i) + "]";
    if (l.id.empty()) return InvalidArgument(where + ".id", "is required");
    if (auto st = CheckLink(l, lab.nodes, where); !st) return Fail(st.error());
    lab.links.push_back(std::move(l));
  }
  return lab;
}

}  // namespace ccm::cmlsim::internal
