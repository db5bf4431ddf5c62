#include "api/api_server.hpp"

#include <stdexcept>

#include "api/server_impl.hpp"
#include "core/log.hpp"

namespace ccm::api {
namespace {

constexpr char kAllowHeaders[] =
    "Authorization, Content-Type, Idempotency-Key, Last-Event-ID, traceparent";
constexpr char kExposeHeaders[] =
    "traceparent, Location, Retry-After, Idempotent-Replayed, WWW-Authenticate";

struct HostPort {
  std::string host;
  int port = 0;
};

std::optional<HostPort> ParseListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = listen.substr(0, colon);
  if (host.front() == '[') {
    if (host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  }
  std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != port.npos) {
    return std::nullopt;
  }
  int p = std::stoi(port);
  if (p > 65535) return std::nullopt;
  return HostPort{host, p};
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

httpd::ServerOptions ServerOptionsFrom(const config::Settings& s, const ApiServerOptions& o) {
  httpd::ServerOptions out;
  out.max_body_bytes = static_cast<size_t>(s.max_body_bytes);
  out.max_connections = static_cast<size_t>(s.max_connections);
  out.idle_timeout = config::Seconds(s.idle_timeout_seconds);
  out.read_timeout = config::Seconds(s.read_timeout_seconds);
  out.io_threads = o.io_threads;
  return out;
}

SseOptions SseOptionsFrom(const config::Settings& s, const ApiServerOptions& options) {
  SseOptions o;
  o.high_water_bytes = options.sse_high_water_bytes;
  o.max_buffered_bytes = options.sse_max_buffered_bytes;
  o.heartbeat = config::Seconds(s.sse_heartbeat_seconds);
  o.queue_events = static_cast<size_t>(s.sse_client_queue);
  return o;
}

}  // namespace

ApiServer::Impl::Impl(ApiServerDeps d, ApiServerOptions o)
    : deps(std::move(d)),
      options(std::move(o)),
      clock(deps.clock ? deps.clock : &SystemClock::Instance()),
      registry(deps.registry ? deps.registry : &metrics::Registry::Default()),
      router(RouteTable()),
      requests(registry->AddCounter("ccm_http_requests_total",
                                    "HTTP requests answered, by route pattern, method and status",
                                    {"route", "method", "status"})),
      durations(registry->AddHistogram("ccm_http_request_duration_seconds",
                                       "Time from request to answer (stream start for SSE)",
                                       {"route"})),
      sse_gauge(registry->AddGauge("ccm_sse_clients", "Open event streams").Get()) {
  if (!deps.store || !deps.workers || !deps.bus) {
    throw std::invalid_argument("ApiServer needs a store, a worker service and an event bus");
  }
  server = std::make_unique<httpd::Server>(
      ServerOptionsFrom(deps.settings, options),
      [this](httpd::Request req, httpd::Responder r) { OnRequest(std::move(req), r); });
  pool = std::make_unique<TaskPool>(options.handler_threads, options.max_queued);
  authenticator = std::make_unique<Authenticator>(
      AuthOptions{deps.settings.auth_disabled, deps.settings.bootstrap_admin_token}, *deps.store,
      deps.oidc, *clock);
  streams = std::make_unique<EventStreams>(SseOptionsFrom(deps.settings, options), *deps.store,
                                           *deps.bus, *pool, sse_gauge);
  handlers = std::make_unique<Handlers>(HandlerDeps{
      &deps.settings, deps.store, deps.workers, streams.get(), clock, registry, deps.aws_check});
  for (const auto& origin : deps.settings.cors_origins) {
    if (origin == "*") cors_any = true;
    std::string o = origin;
    if (!o.empty() && o.back() == '/') o.pop_back();
    cors_origins.insert(o);
  }
}

ApiServer::Impl::~Impl() = default;

httpd::HeaderList ApiServer::Impl::CommonHeaders(const httpd::Request& request,
                                                 const TraceContext& trace) const {
  httpd::HeaderList h = {{"traceparent", trace.ToTraceparent()},
                         {"X-Content-Type-Options", "nosniff"},
                         {"Cache-Control", "no-store"}};
  if (!cors_origins.empty()) h.emplace_back("Vary", "Origin");
  if (auto origin = AllowedOrigin(request)) {
    h.emplace_back("Access-Control-Allow-Origin", *origin);
    h.emplace_back("Access-Control-Expose-Headers", kExposeHeaders);
  }
  return h;
}

std::optional<std::string> ApiServer::Impl::AllowedOrigin(const httpd::Request& request) const {
  auto origin = request.Header("origin");
  if (!origin || cors_origins.empty()) return std::nullopt;
  if (cors_any || cors_origins.count(*origin)) return origin;
  return std::nullopt;
}

httpd::Response ApiServer::Impl::Preflight(const httpd::Request& request,
                                           const std::vector<std::string>& methods) {
  std::string allow;
  for (const auto& m : methods) allow += (allow.empty() ? "" : ", ") + m;
  httpd::Response r = httpd::Response::Empty(204);
  r.headers.emplace_back("Allow", allow);
  if (AllowedOrigin(request) && request.Header("access-control-request-method")) {
    r.headers.emplace_back("Access-Control-Allow-Methods", allow);
    r.headers.emplace_back("Access-Control-Allow-Headers", kAllowHeaders);
    r.headers.emplace_back("Access-Control-Max-Age", "600");
  }
  return r;
}

void ApiServer::Impl::OnRequest(httpd::Request request, httpd::Responder responder) {
  SteadyTime start = std::chrono::steady_clock::now();
  auto call = std::make_shared<Call>(std::move(request), responder);
  auto caller = ParseTraceparent(call->request.Header("traceparent").value_or(""));
  call->trace = caller ? caller->Child() : NewTrace();
  ScopedTrace scoped(call->trace);
  call->headers = CommonHeaders(call->request, call->trace);
  if (call->request.method == "OPTIONS") {
    auto methods = router.MethodsAt(call->request.target);
    if (!methods.empty()) return Finish(*call, Preflight(call->request, methods), start);
  }
  RouteMatch match = router.Match(call->request.method, call->request.target);
  if (match.outcome == RouteMatch::Outcome::kMethodNotAllowed) {
    return Finish(*call, Failed(MethodNotAllowed(match.allowed)), start);
  }
  if (match.outcome == RouteMatch::Outcome::kNotFound) {
    bool api = call->request.path.rfind("/api/", 0) == 0 || call->request.path == "/api";
    if (api || !deps.fallback) {
      return Finish(*call, Failed(NotFound("no route for " + call->request.path)), start);
    }
  } else {
    call->route = match.route;
    call->params = std::move(match.params);
  }
  bool queued = pool->Submit([this, call, start] {
    ScopedTrace trace(call->trace);
    if (call->route) {
      Process(*call, start);
    } else {
      Fallback(*call, start);
    }
  });
  if (!queued) Finish(*call, Failed(Overloaded("too many requests in progress")), start);
}

void ApiServer::Impl::ScheduleTick() {
  std::lock_guard lock(timer_mu);
  if (stopping.load()) return;
  tick_timer = server->RunAfter(options.sse_tick, [this] {
    streams->Tick();
    ScheduleTick();
  });
}

void ApiServer::Impl::SchedulePoll() {
  std::lock_guard lock(timer_mu);
  if (stopping.load() || options.bus_poll_interval.count() <= 0) return;
  poll_timer = server->RunAfter(options.bus_poll_interval, [this] {
    bool queued = pool->Submit([this] {
      if (auto n = deps.bus->Poll(); !n) {
        log::Warn("event log poll failed", {{"error", n.error().ToString()}});
      }
      SchedulePoll();
    });
    if (!queued) SchedulePoll();
  });
}

void ApiServer::Impl::SchedulePurge() {
  std::lock_guard lock(timer_mu);
  if (stopping.load() || options.idempotency_purge_interval.count() <= 0) return;
  purge_timer = server->RunAfter(options.idempotency_purge_interval, [this] {
    bool queued = pool->Submit([this] {
      auto purged = deps.store->PurgeExpiredIdempotencyKeys(clock->Now());
      if (!purged) {
        log::Warn("idempotency key purge failed", {{"error", purged.error().ToString()}});
      }
      SchedulePurge();
    });
    if (!queued) SchedulePurge();
  });
}

ApiServer::ApiServer(ApiServerDeps deps, ApiServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(deps), std::move(options))) {}

ApiServer::~ApiServer() { Stop(); }

Result<int> ApiServer::Start(const std::string& listen) {
  Impl& m = *impl_;
  auto address = ParseListen(listen);
  if (!address) return InvalidArgument("listen", "not HOST:PORT: '" + listen + "'");
  const config::Settings& s = m.deps.settings;
  if (s.auth_disabled) {
    if (s.environment != "development" || !IsLoopback(address->host)) {
      return MakeError(Code::kFailedPrecondition,
                       "auth_disabled is only allowed in development on a loopback address");
    }
    log::Warn("authentication is DISABLED: every caller is an admin (development only)",
              {{"listen", listen}});
  }
  httpd::ListenerOptions lo;
  lo.host = address->host == "localhost" ? "127.0.0.1" : address->host;
  lo.port = address->port;
  lo.cert_file = m.options.cert_file;
  lo.key_file = m.options.key_file;
  auto id = m.server->AddListener(lo);
  if (!id) return Fail(id.error());
  if (auto st = m.server->Start(); !st) return Fail(st.error());
  m.port = m.server->Port(*id);
  m.started = true;
  m.ScheduleTick();
  m.SchedulePoll();
  m.SchedulePurge();
  log::Info("api listening", {{"host", lo.host},
                              {"port", std::to_string(m.port)},
                              {"tls", m.server->IsTls(*id) ? "true" : "false"}});
  return m.port;
}

void ApiServer::Stop(std::chrono::milliseconds deadline) {
  Impl& m = *impl_;
  if (m.stopping.exchange(true)) return;
  {
    std::lock_guard lock(m.timer_mu);
    m.tick_timer.Cancel();
    m.poll_timer.Cancel();
    m.purge_timer.Cancel();
  }
  m.streams->Shutdown();
  m.server->Stop(deadline);
  m.pool->Stop();
  if (m.started) log::Info("api stopped");
}

int ApiServer::port() const { return impl_->port; }

size_t ApiServer::sse_clients() const { return impl_->streams->size(); }

}  // namespace ccm::api
