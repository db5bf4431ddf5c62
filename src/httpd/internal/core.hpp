#pragma once
// Beast/Asio internals of httpd::Server, shared by server.cpp and session.cpp only.
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "httpd/internal/exchange.hpp"
#include "httpd/server.hpp"

namespace ccm::httpd::internal {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

struct Listener {
  int id = 0;
  int port = 0;
  Handler handler;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<ssl::context> tls;  // null for plain HTTP
  bool accepting = false;
};

struct ServerCore {
  ServerCore(ServerOptions opts, Handler handler);
  // Destroys listeners, then the io context (and with it every pending handler and session)
  // while the registry they unregister from still exists.
  ~ServerCore();

  ServerOptions options;
  Handler default_handler;
  std::shared_ptr<Liveness> liveness = std::make_shared<Liveness>();

  std::atomic<bool> started{false};
  std::atomic<bool> stopping{false};
  std::atomic<bool> stopped{false};
  std::atomic<size_t> connections{0};

  mutable std::mutex mu;
  std::vector<std::unique_ptr<Listener>> listeners;                   // guarded by mu
  std::unordered_map<uint64_t, std::weak_ptr<SessionBase>> sessions;  // guarded by mu
  uint64_t next_session_id = 1;                                       // guarded by mu

  std::unique_ptr<net::io_context> ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> threads;

  void StartAccept(Listener* listener);
  uint64_t Register(const std::weak_ptr<SessionBase>& session);
  void Unregister(uint64_t id);
  std::vector<std::shared_ptr<SessionBase>> LiveSessions();
};

class TimerState {
 public:
  TimerState(net::io_context& ioc, std::shared_ptr<Liveness> live)
      : timer(net::make_strand(ioc)), liveness(std::move(live)) {}
  net::steady_timer timer;  // on its own strand: Cancel() and expiry never race
  std::shared_ptr<Liveness> liveness;
  std::atomic<bool> cancelled{false};
};

// Creates and starts a session on an accepted socket (plain or TLS).
void LaunchSession(ServerCore* core, Listener* listener, tcp::socket socket);

}  // namespace ccm::httpd::internal
