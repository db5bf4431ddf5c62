#include "tools/cml-sim/simulator.hpp"

#include <cstdlib>

#include "core/json.hpp"
#include "httpd/self_signed.hpp"

namespace ccm::cmlsim {

Simulator::Simulator(SimulatorOptions options, Clock& clock)
    : options_(std::move(options)), clock_(clock), global_latency_ms_(options_.latency.count()) {}

Simulator::~Simulator() { Stop(); }

std::string Simulator::Url(int port) const {
  return std::string(options_.tls ? "https" : "http") + "://" + options_.host + ":" +
         std::to_string(port);
}

Status Simulator::Start() {
  if (server_) return MakeError(Code::kFailedPrecondition, "simulator already started");
  if (!options_.api_base.empty() &&
      (options_.api_base.front() != '/' || options_.api_base.back() == '/')) {
    return InvalidArgument("api_base", "must start with '/' and not end with '/' (or be empty)");
  }
  if (options_.tls) {
    std::string dir = options_.cert_dir;
    if (dir.empty()) {
      char tmpl[] = "/tmp/cml-sim-XXXXXX";
      if (mkdtemp(tmpl) == nullptr) return MakeError(Code::kInternal, "cannot create a temp dir");
      dir = tmpl;
    }
    std::vector<std::string> names{options_.host};
    if (options_.host != "localhost") names.push_back("localhost");
    if (options_.host != "127.0.0.1") names.push_back("127.0.0.1");
    auto files = httpd::GenerateSelfSignedCert(dir, names, "cml-sim");
    if (!files) return Fail(files.error());
    cert_file_ = files->cert_file;
    key_file_ = files->key_file;
  }
  httpd::ServerOptions so;
  so.io_threads = options_.threads;
  so.max_body_bytes = options_.max_body_bytes;
  so.max_connections = 50000;
  so.idle_timeout = std::chrono::seconds(120);
  server_ = std::make_unique<httpd::Server>(
      so, [](httpd::Request, httpd::Responder r) { r.Send(httpd::Response::Empty(404)); });
  httpd::ListenerOptions control;
  control.host = options_.host;
  control.port = options_.control_port;
  control.handler = [this](httpd::Request req, httpd::Responder resp) {
    ServeControl(std::move(req), resp);
  };
  auto control_id = server_->AddListener(control);
  if (!control_id) return Fail(control_id.error());
  control_port_ = server_->Port(*control_id);
  for (int i = 0; i < options_.controllers; ++i) {
    NewControllerOptions n;
    n.port = options_.base_port == 0 ? 0 : options_.base_port + i;
    auto added = AddController(n);
    if (!added) return Fail(added.error());
  }
  return server_->Start();
}

void Simulator::Stop() {
  if (server_) server_->Stop(std::chrono::milliseconds(2000));
}

Result<ControllerInfo> Simulator::AddController(const NewControllerOptions& n) {
  if (!server_) return MakeError(Code::kFailedPrecondition, "simulator not started");
  std::lock_guard<std::mutex> lock(mu_);
  ControllerConfig cfg;
  cfg.id = "c" + std::to_string(next_index_);
  cfg.hostname = "cml-" + cfg.id;
  cfg.admin_user = options_.admin_user;
  cfg.admin_password = options_.admin_password;
  cfg.token_ttl = options_.token_ttl;
  cfg.license_delay = n.license_delay.value_or(options_.license_delay);
  cfg.ready_after = n.ready_after.value_or(options_.ready_after);
  auto controller = std::make_shared<Controller>(cfg, clock_);
  if (n.latency) controller->SetLatency(*n.latency);
  httpd::ListenerOptions lo;
  lo.host = options_.host;
  lo.port = n.port;
  lo.cert_file = cert_file_;
  lo.key_file = key_file_;
  lo.handler = [this, controller](httpd::Request req, httpd::Responder resp) {
    ServeApi(controller, std::move(req), resp);
  };
  auto listener = server_->AddListener(lo);
  if (!listener) return Fail(listener.error());
  next_index_++;
  int port = server_->Port(*listener);
  ControllerInfo info{cfg.id, Url(port), port};
  controllers_.push_back(Entry{controller, info});
  return info;
}

void Simulator::ServeApi(const std::shared_ptr<Controller>& controller, httpd::Request req,
                         const httpd::Responder& responder) {
  const std::string& base = options_.api_base;
  std::string path = req.path;
  bool under_base = path.compare(0, base.size(), base) == 0 &&
                    (path.size() == base.size() || path[base.size()] == '/');
  Answer answer;
  if (!under_base) {
    answer = ErrorAnswer(404, "Not Found");
  } else {
    ApiCall call{req.method, path.substr(base.size()), std::move(req.query),
                 req.Header("Authorization").value_or(""), std::move(req.body)};
    if (call.path.empty()) call.path = "/";
    answer = controller->Handle(call);
  }
  httpd::Response response{answer.status, {}, std::move(answer.body)};
  if (!answer.content_type.empty())
    response.headers.emplace_back("Content-Type", answer.content_type);
  auto delay = controller->Latency() + GlobalLatency();
  if (delay.count() <= 0) return responder.Send(std::move(response));
  server_->RunAfter(
      delay, [responder, r = std::move(response)]() mutable { responder.Send(std::move(r)); });
}

std::string Simulator::control_url() const {
  return "http://" + options_.host + ":" + std::to_string(control_port_);
}

std::vector<ControllerInfo> Simulator::Controllers() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ControllerInfo> out;
  for (const auto& e : controllers_) out.push_back(e.info);
  return out;
}

std::shared_ptr<Controller> Simulator::Find(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& e : controllers_) {
    if (e.info.id == id) return e.controller;
  }
  return nullptr;
}

std::string Simulator::ReadyLine() const {
  Json controllers = Json::array();
  for (const auto& c : Controllers()) controllers.push_back(Json{{"id", c.id}, {"url", c.url}});
  Json line{{"control_url", control_url()},
            {"controllers", controllers},
            {"api_base", options_.api_base}};
  if (options_.tls) line["ca_file"] = cert_file_;
  return line.dump();
}

}  // namespace ccm::cmlsim
