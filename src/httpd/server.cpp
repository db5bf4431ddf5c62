// Server, listeners, timers, and the Responder/Stream plumbing between handlers and sessions.
#include "httpd/server.hpp"

#include <algorithm>

#include "core/log.hpp"
#include "httpd/internal/core.hpp"
#include "httpd/internal/exchange.hpp"

namespace ccm::httpd {

namespace internal {

ServerCore::ServerCore(ServerOptions opts, Handler handler)
    : options(std::move(opts)),
      default_handler(std::move(handler)),
      ioc(std::make_unique<net::io_context>(std::max(1, options.io_threads))) {}

ServerCore::~ServerCore() {
  {
    std::unique_lock<std::shared_mutex> lock(liveness->mu);
    liveness->alive = false;
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    for (auto& l : listeners) l->acceptor.reset();
  }
  ioc.reset();
}

void ServerCore::StartAccept(Listener* listener) {
  listener->acceptor->async_accept(
      net::make_strand(*ioc), [this, listener](beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !listener->acceptor->is_open()) return;
        if (ec) {
          // Typically EMFILE: back off instead of spinning on a failing accept.
          log::Warn("http accept failed", {{"error", ec.message()}});
          auto timer = std::make_shared<net::steady_timer>(listener->acceptor->get_executor(),
                                                           std::chrono::milliseconds(50));
          timer->async_wait([this, listener, timer](beast::error_code) {
            if (!stopping.load()) StartAccept(listener);
          });
          return;
        }
        if (stopping.load() || connections.load() >= options.max_connections) {
          beast::error_code ignored;
          socket.close(ignored);
        } else {
          LaunchSession(this, listener, std::move(socket));
        }
        StartAccept(listener);
      });
}

uint64_t ServerCore::Register(const std::weak_ptr<SessionBase>& session) {
  std::lock_guard<std::mutex> lock(mu);
  uint64_t id = next_session_id++;
  sessions.emplace(id, session);
  return id;
}

void ServerCore::Unregister(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu);
  sessions.erase(id);
}

std::vector<std::shared_ptr<SessionBase>> ServerCore::LiveSessions() {
  std::vector<std::shared_ptr<SessionBase>> out;
  std::lock_guard<std::mutex> lock(mu);
  for (auto& [id, weak] : sessions) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

namespace {

Result<tcp::endpoint> Resolve(const std::string& host, int port) {
  beast::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, static_cast<uint16_t>(port));
  net::io_context resolver_ioc;
  tcp::resolver resolver(resolver_ioc);
  auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    return InvalidArgument("host", "cannot resolve '" + host + "': " + ec.message());
  }
  return results.begin()->endpoint();
}

Result<std::unique_ptr<ssl::context>> LoadTls(const ListenerOptions& options) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    return InvalidArgument("cert_file", "TLS needs both a certificate and a key file");
  }
  if (options.cert_file.empty()) return std::unique_ptr<ssl::context>();
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  beast::error_code ec;
  ctx->use_certificate_chain_file(options.cert_file, ec);
  if (ec) return InvalidArgument("cert_file", options.cert_file + ": " + ec.message());
  ctx->use_private_key_file(options.key_file, ssl::context::pem, ec);
  if (ec) return InvalidArgument("key_file", options.key_file + ": " + ec.message());
  return ctx;
}

Result<std::unique_ptr<tcp::acceptor>> Listen(net::io_context& ioc, const tcp::endpoint& ep) {
  auto acceptor = std::make_unique<tcp::acceptor>(net::make_strand(ioc));
  beast::error_code ec;
  std::string where = ep.address().to_string() + ":" + std::to_string(ep.port());
  acceptor->open(ep.protocol(), ec);
  if (!ec) acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(ep, ec);
  if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (!ec) return acceptor;
  return MakeError(Code::kUnavailable, "cannot listen on " + where + ": " + ec.message());
}

}  // namespace
}  // namespace internal

using internal::ServerCore;

void Timer::Cancel() const {
  if (!state_) return;
  state_->cancelled.store(true);
  std::shared_lock<std::shared_mutex> lock(state_->liveness->mu);
  if (!state_->liveness->alive) return;
  internal::net::post(state_->timer.get_executor(), [s = state_] { s->timer.cancel(); });
}

Server::Server(ServerOptions options, Handler default_handler)
    : core_(std::make_shared<ServerCore>(std::move(options), std::move(default_handler))) {}

Server::~Server() { Stop(std::chrono::milliseconds(0)); }

Result<int> Server::AddListener(const ListenerOptions& options) {
  if (core_->stopping.load()) return MakeError(Code::kFailedPrecondition, "server is stopping");
  auto endpoint = internal::Resolve(options.host, options.port);
  if (!endpoint) return Fail(endpoint.error());
  auto tls = internal::LoadTls(options);
  if (!tls) return Fail(tls.error());
  auto acceptor = internal::Listen(*core_->ioc, *endpoint);
  if (!acceptor) return Fail(acceptor.error());
  auto listener = std::make_unique<internal::Listener>();
  listener->port = (*acceptor)->local_endpoint().port();
  listener->handler = options.handler;
  listener->acceptor = std::move(*acceptor);
  listener->tls = std::move(*tls);
  std::lock_guard<std::mutex> lock(core_->mu);
  listener->id = static_cast<int>(core_->listeners.size()) + 1;
  internal::Listener* raw = listener.get();
  core_->listeners.push_back(std::move(listener));
  if (core_->started.load()) {
    raw->accepting = true;
    internal::net::post(raw->acceptor->get_executor(),
                        [core = core_.get(), raw] { core->StartAccept(raw); });
  }
  return raw->id;
}

int Server::Port(int listener_id) const {
  std::lock_guard<std::mutex> lock(core_->mu);
  if (listener_id < 1 || listener_id > static_cast<int>(core_->listeners.size())) return 0;
  return core_->listeners[static_cast<size_t>(listener_id - 1)]->port;
}

bool Server::IsTls(int listener_id) const {
  std::lock_guard<std::mutex> lock(core_->mu);
  if (listener_id < 1 || listener_id > static_cast<int>(core_->listeners.size())) return false;
  return core_->listeners[static_cast<size_t>(listener_id - 1)]->tls != nullptr;
}

Status Server::Start() {
  if (core_->stopping.load()) return MakeError(Code::kFailedPrecondition, "server was stopped");
  std::lock_guard<std::mutex> lock(core_->mu);
  if (core_->started.exchange(true)) {
    return MakeError(Code::kFailedPrecondition, "server already started");
  }
  core_->work.emplace(core_->ioc->get_executor());
  for (auto& l : core_->listeners) {
    if (l->accepting) continue;
    l->accepting = true;
    internal::Listener* raw = l.get();
    internal::net::post(raw->acceptor->get_executor(),
                        [core = core_.get(), raw] { core->StartAccept(raw); });
  }
  int n = std::max(1, core_->options.io_threads);
  for (int i = 0; i < n; ++i) {
    core_->threads.emplace_back([core = core_.get()] {
      for (;;) {
        try {
          core->ioc->run();
          return;
        } catch (const std::exception& e) {
          log::Error("http io thread caught an exception", {{"error", e.what()}});
        }
      }
    });
  }
  return Ok();
}

void Server::Stop(std::chrono::milliseconds deadline) {
  auto& core = *core_;
  if (core.stopped.exchange(true)) return;
  core.stopping.store(true);
  if (!core.started.load()) return;
  {
    std::lock_guard<std::mutex> lock(core.mu);
    for (auto& l : core.listeners) {
      internal::net::post(l->acceptor->get_executor(), [raw = l.get()] {
        internal::beast::error_code ignored;
        raw->acceptor->close(ignored);
      });
    }
  }
  for (auto& s : core.LiveSessions()) s->BeginShutdown();
  auto WaitIdle = [&core](std::chrono::milliseconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (core.connections.load() > 0 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  };
  WaitIdle(deadline);
  for (auto& s : core.LiveSessions()) s->ForceClose();
  WaitIdle(std::chrono::milliseconds(500));
  core.work.reset();
  core.ioc->stop();
  for (auto& t : core.threads) {
    if (t.get_id() == std::this_thread::get_id()) {
      t.detach();  // Stop() from an io thread: cannot join ourselves
    } else if (t.joinable()) {
      t.join();
    }
  }
  core.threads.clear();
}

Timer Server::RunAfter(std::chrono::milliseconds delay, std::function<void()> fn) {
  auto state = std::make_shared<internal::TimerState>(*core_->ioc, core_->liveness);
  if (core_->stopped.load()) return Timer(state);
  state->timer.expires_after(delay);
  state->timer.async_wait([state, fn = std::move(fn)](internal::beast::error_code ec) {
    if (ec || state->cancelled.load()) return;
    fn();
  });
  return Timer(state);
}

void Server::Post(std::function<void()> fn) {
  if (core_->stopped.load()) return;
  internal::net::post(*core_->ioc, std::move(fn));
}

size_t Server::ConnectionCount() const { return core_->connections.load(); }

}  // namespace ccm::httpd
