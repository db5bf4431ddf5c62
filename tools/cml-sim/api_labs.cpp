// Labs and nodes: listing, state changes (with the telemetry a real controller records),
// download and import of topologies.
#include "core/ids.hpp"
#include "core/json.hpp"
#include "tools/cml-sim/controller.hpp"
#include "tools/cml-sim/internal/call.hpp"
#include "tools/cml-sim/internal/topology.hpp"

namespace ccm::cmlsim {

using internal::JsonAnswer;
using internal::NoContent;

namespace {

Node MakeNode(const std::string& topo_id, const std::string& label, const std::string& def, int x,
              int cpus, int ram, int interfaces) {
  Node n;
  n.id = NewUuid();
  n.topo_id = topo_id;
  n.label = label;
  n.node_definition = def;
  n.x = x;
  n.cpus = cpus;
  n.ram = ram;
  for (int i = 0; i < interfaces; ++i) {
    n.interfaces.push_back(
        Interface{"i" + std::to_string(i), "eth" + std::to_string(i), i, "physical"});
  }
  return n;
}

Lab MakeLab(const std::string& title, const std::string& owner, TimePoint now) {
  Lab lab;
  lab.id = NewUuid();
  lab.title = title;
  lab.description = "Seeded by cml-sim";
  lab.owner_id = owner;
  lab.created = lab.modified = now;
  return lab;
}

Json NodeJson(const Node& n, const Lab& lab, const std::string& compute_id) {
  bool running = n.state == "BOOTED";
  return Json{{"id", n.id},
              {"lab_id", lab.id},
              {"label", n.label},
              {"node_definition", n.node_definition},
              {"x", n.x},
              {"y", n.y},
              {"cpus", n.cpus},
              {"ram", n.ram > 0 ? Json(n.ram) : Json(nullptr)},
              {"cpu_limit", nullptr},
              {"data_volume", nullptr},
              {"boot_disk_size", nullptr},
              {"image_definition", nullptr},
              {"hide_links", false},
              {"tags", Json::array()},
              {"parameters", Json::object()},
              {"state", n.state},
              {"boot_progress", running ? "Booted" : "Not running"},
              {"compute_id", running ? Json(compute_id) : Json(nullptr)},
              {"configuration", nullptr}};
}

}  // namespace

void Controller::SeedLabs(TimePoint now) {
  const std::string& admin = data_.users.at(0).id;
  const std::string& student = data_.users.at(1).id;
  Lab routing = MakeLab("Routing basics", admin, now);
  routing.nodes = {MakeNode("n0", "r1", "iosv", -200, 1, 768, 4),
                   MakeNode("n1", "r2", "iosv", 200, 1, 768, 4)};
  routing.links = {Link{"l0", "n0", "n1", "i0", "i0", "r1-r2"}};
  routing.state = "STOPPED";
  for (Node& n : routing.nodes) n.state = "STOPPED";
  Lab sandbox = MakeLab("Student sandbox", student, now);
  sandbox.nodes = {MakeNode("n0", "alpine-0", "alpine", -150, 1, 512, 2),
                   MakeNode("n1", "switch-0", "unmanaged_switch", 0, 0, 0, 8),
                   MakeNode("n2", "alpine-1", "alpine", 150, 1, 512, 2)};
  sandbox.links = {Link{"l0", "n0", "n1", "i0", "i0", "alpine-0-switch"},
                   Link{"l1", "n2", "n1", "i0", "i1", "alpine-1-switch"}};
  data_.labs.push_back(std::move(routing));
  data_.labs.push_back(std::move(sandbox));
}

Lab* Controller::FindLab(const std::string& lab_id, const User& user) {
  for (Lab& lab : data_.labs) {
    if (lab.id == lab_id) return (user.admin || lab.owner_id == user.id) ? &lab : nullptr;
  }
  return nullptr;
}

Json Controller::LabJson(const Lab& lab, const User& viewer) const {
  const User* owner = UserById(lab.owner_id);
  Json perms = Json::array({"lab_view"});
  if (viewer.admin || viewer.id == lab.owner_id) {
    perms = Json::array({"lab_admin", "lab_edit", "lab_exec", "lab_view"});
  }
  return Json{{"id", lab.id},
              {"created", FormatTime(lab.created)},
              {"modified", FormatTime(lab.modified)},
              {"lab_description", lab.description},
              {"lab_notes", lab.notes},
              {"lab_title", lab.title},
              {"owner", lab.owner_id},
              {"owner_username", owner ? owner->username : "unknown"},
              {"owner_fullname", owner ? owner->fullname : ""},
              {"state", lab.state},
              {"node_count", lab.nodes.size()},
              {"link_count", lab.links.size()},
              {"effective_permissions", perms}};
}

Answer Controller::GetLabs(Call& call) {
  bool all = internal::QueryFlag(call.api.query, "show_all") && call.user->admin;
  Json ids = Json::array();
  for (const Lab& lab : data_.labs) {
    if (all || lab.owner_id == call.user->id) ids.push_back(lab.id);
  }
  return JsonAnswer(200, ids);
}

namespace {
Answer LabNotFound(const std::string& lab_id) {
  return ErrorAnswer(404, "Lab not found: " + lab_id);
}
}  // namespace

Answer Controller::GetLab(Call& call) {
  Lab* lab = FindLab(call.params["lab_id"], *call.user);
  if (lab == nullptr) return LabNotFound(call.params["lab_id"]);
  return JsonAnswer(200, LabJson(*lab, *call.user));
}

Answer Controller::GetLabState(Call& call) {
  Lab* lab = FindLab(call.params["lab_id"], *call.user);
  if (lab == nullptr) return LabNotFound(call.params["lab_id"]);
  return JsonAnswer(200, Json(lab->state));
}

Answer Controller::GetLabNodes(Call& call) {
  Lab* lab = FindLab(call.params["lab_id"], *call.user);
  if (lab == nullptr) return LabNotFound(call.params["lab_id"]);
  bool data = internal::QueryFlag(call.api.query, "data");
  Json out = Json::array();
  for (const Node& n : lab->nodes) {
    out.push_back(data ? NodeJson(n, *lab, data_.compute_id) : Json(n.id));
  }
  return JsonAnswer(200, out);
}

Answer Controller::GetLabNode(Call& call) {
  Lab* lab = FindLab(call.params["lab_id"], *call.user);
  if (lab == nullptr) return LabNotFound(call.params["lab_id"]);
  for (const Node& n : lab->nodes) {
    if (n.id == call.params["node_id"]) return JsonAnswer(200, NodeJson(n, *lab, data_.compute_id));
  }
  return ErrorAnswer(404, "Node not found: " + call.params["node_id"]);
}

Answer Controller::LabAction(Lab& lab, const User& user, const std::string& action) {
  Json who = UserRef(user);
  who["lab_id"] = lab.id;
  auto node_event = [&](const char* category, const Node& n) {
    Json d = who;
    d["node_id"] = n.id;
    d["node_definition"] = n.node_definition;
    AddEvent(category, d);
  };
  if (action == "start") {
    if (lab.state == "STARTED") return NoContent();
    lab.state = "STARTED";
    AddEvent("start_lab", who);
    for (Node& n : lab.nodes) {
      if (n.state == "BOOTED") continue;
      n.state = "BOOTED";
      node_event("start_node", n);
    }
  } else if (action == "stop") {
    if (lab.state != "STARTED") return NoContent();
    lab.state = "STOPPED";
    AddEvent("stop_lab", who);
    for (Node& n : lab.nodes) {
      if (n.state != "BOOTED") continue;
      n.state = "STOPPED";
      node_event("stop_node", n);
    }
  } else {  // wipe
    if (lab.state == "STARTED") return ErrorAnswer(400, "Lab is running; stop it before wiping.");
    lab.state = "DEFINED_ON_CORE";
    for (Node& n : lab.nodes) {
      if (n.state == "DEFINED_ON_CORE") continue;
      n.state = "DEFINED_ON_CORE";
      node_event("wipe_node", n);
    }
  }
  lab.modified = clock_.Now();
  return NoContent();
}

Answer Controller::PutLabStart(Call& call) {
  Lab* lab = FindLab(call.params["lab_id"], *call.user);
  if (lab == nullptr) return LabNotFound(call.params["lab_id"]);
  return LabAction(*lab, *call.user, "start");
}

Answer Controller::PutLabStop(Call& call) {
  Lab* lab = FindLab(call.params["lab_id"], *call.user);
  if (lab == nullptr) return LabNotFound(call.params["lab_id"]);
  return LabAction(*lab, *call.user, "stop");
}

Answer Controller::PutLabWipe(Call& call) {
  Lab* lab = FindLab(call.params["lab_id"], *call.user);
  if (lab == nullptr) return LabNotFound(call.params["lab_id"]);
  return LabAction(*lab, *call.user, "wipe");
}

Answer Controller::NodeAction(Call& call, bool start) {
  Lab* lab = FindLab(call.params["lab_id"], *call.user);
  if (lab == nullptr) return LabNotFound(call.params["lab_id"]);
  for (Node& n : lab->nodes) {
    if (n.id != call.params["node_id"]) continue;
    std::string target = start ? "BOOTED" : "STOPPED";
    if (n.state != target && (start || n.state == "BOOTED")) {
      n.state = target;
      Json d = UserRef(*call.user);
      d["lab_id"] = lab->id;
      d["node_id"] = n.id;
      d["node_definition"] = n.node_definition;
      AddEvent(start ? "start_node" : "stop_node", d);
      bool any_running = false;
      for (const Node& other : lab->nodes) any_running = any_running || other.state == "BOOTED";
      lab->state = any_running ? "STARTED" : "STOPPED";
      lab->modified = call.now;
    }
    return NoContent();
  }
  return ErrorAnswer(404, "Node not found: " + call.params["node_id"]);
}

Answer Controller::PutNodeStart(Call& call) { return NodeAction(call, true); }
Answer Controller::PutNodeStop(Call& call) { return NodeAction(call, false); }

Answer Controller::DeleteLab(Call& call) {
  Lab* lab = FindLab(call.params["lab_id"], *call.user);
  if (lab == nullptr) return LabNotFound(call.params["lab_id"]);
  if (lab->state != "DEFINED_ON_CORE") {
    return ErrorAnswer(400, "Lab must be stopped and wiped before it can be deleted.");
  }
  Json d = UserRef(*call.user);
  d["lab_id"] = lab->id;
  d["activity"] = "delete_lab";
  std::string id = lab->id;
  std::erase_if(data_.labs, [&id](const Lab& l) { return l.id == id; });
  AddEvent("user_activity", d);
  return NoContent();
}

Answer Controller::GetLabDownload(Call& call) {
  Lab* lab = FindLab(call.params["lab_id"], *call.user);
  if (lab == nullptr) return LabNotFound(call.params["lab_id"]);
  Json d = UserRef(*call.user);
  d["lab_id"] = lab->id;
  AddEvent("export_lab", d);
  // The spec declares a JSON string: the YAML topology travels JSON-encoded.
  return JsonAnswer(200, Json(internal::TopologyYaml(*lab)));
}

Answer Controller::PostImport(Call& call) {
  auto parsed = internal::ParseTopology(call.api.body);
  if (!parsed) return ErrorAnswer(400, parsed.error().message);
  Lab lab = std::move(*parsed);
  auto title = call.api.query.find("title");
  if (title != call.api.query.end() && !title->second.empty()) lab.title = title->second;
  if (lab.title.empty()) lab.title = "Imported lab";
  if (lab.title.size() > 64) return ErrorAnswer(400, "title: longer than 64 characters");
  lab.id = NewUuid();
  lab.owner_id = call.user->id;
  lab.created = lab.modified = call.now;
  Json d = UserRef(*call.user);
  d["lab_id"] = lab.id;
  d["node_count"] = lab.nodes.size();
  std::string id = lab.id;
  data_.labs.push_back(std::move(lab));
  AddEvent("import_lab", d);
  return JsonAnswer(200, Json{{"id", id}, {"warnings", Json::array()}});
}

}  // namespace ccm::cmlsim
