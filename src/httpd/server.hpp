#pragma once
// Asynchronous HTTP/1.1 server (Boost.Beast/Asio behind a pimpl; this header pulls in neither).
//
// One Server owns an io context run by `io_threads` threads and any number of listeners
// (host:port, optionally TLS), each with its own handler or the server's default handler.
// Listeners can be added before or after Start(). A handler is called on an io thread with the
// parsed Request and a Responder; it must not block: it answers now, or keeps the Responder and
// answers later from any thread (after a timer from RunAfter(), after work on a pool...), or turns
// the exchange into a stream (Server-Sent Events) and writes chunks over time.
//
// Limits (ServerOptions): a body over max_body_bytes gets 413, headers over max_header_bytes get
// 431 (both close the connection); a request not fully received within read_timeout, or a kept-
// alive connection silent for idle_timeout, is closed; connections beyond max_connections are
// closed as soon as they are accepted. `Expect: 100-continue` is honoured.
//
// Threading: every public method is thread-safe. Stop() blocks and must not be called from an io
// thread (a handler or timer callback). Responders, Streams and Timers must be released before
// the Server is destroyed; after Stop() they are harmless no-ops.
// Errors: AddListener/Start return Result; a handler that throws answers 500; a Responder dropped
// without an answer answers 500 ("no answer from handler").
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace ccm::httpd {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Header fields in arrival order with case-insensitive lookup.
class HeaderMap {
 public:
  void Add(std::string name, std::string value);
  // First value of the field, if present.
  std::optional<std::string> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  const HeaderList& All() const { return fields_; }

 private:
  HeaderList fields_;
};

struct Request {
  std::string method;                        // "GET", "POST", ... as sent
  std::string target;                        // raw request target: "/a%20b?x=1"
  std::string path;                          // percent-decoded path: "/a b"
  std::map<std::string, std::string> query;  // decoded; '+' is a space; last value wins
  HeaderMap headers;
  std::string body;
  std::string remote_address;  // peer IP address
  int listener_id = 0;
  bool keep_alive = true;

  std::optional<std::string> Header(std::string_view name) const { return headers.Get(name); }
  std::optional<std::string> Query(const std::string& name) const;
};

struct Response {
  int status = 200;
  HeaderList headers;  // Content-Length and Connection are set by the server
  std::string body;

  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body, std::string content_type = "text/plain");
  static Response Empty(int status);
};

// The writing side of a streamed answer (chunked transfer encoding), e.g. Server-Sent Events.
class Stream {
 public:
  virtual ~Stream() = default;
  // Queues bytes for the client; false once the stream is closed (by Close or the client).
  virtual bool Write(std::string data) = 0;
  // Ends the answer (final chunk) and closes the connection once the queue has been written.
  virtual void Close() = 0;
  virtual bool IsOpen() const = 0;
  // Bytes queued but not yet written to the socket (for bounded per-client queues).
  virtual size_t BufferedBytes() const = 0;
  // Called once, on an io thread, when the stream ends for any reason (client gone, Close,
  // server stop). Called at once if the stream already ended.
  virtual void OnClose(std::function<void()> callback) = 0;
};

namespace internal {
class Exchange;
class TimerState;
struct ServerCore;
}  // namespace internal

// Completes one request. Copies share the exchange: the first Send/StartStream wins, later
// calls are ignored. Usable from any thread.
class Responder {
 public:
  explicit Responder(std::shared_ptr<internal::Exchange> exchange);
  void Send(Response response) const;
  // Sends the status line and headers and returns the stream to write the body with.
  // Transfer-Encoding: chunked is added; the connection closes when the stream ends.
  std::shared_ptr<Stream> StartStream(int status, HeaderList headers) const;
  bool Answered() const;

 private:
  std::shared_ptr<internal::Exchange> exchange_;
};

using Handler = std::function<void(Request request, Responder responder)>;

struct ListenerOptions {
  std::string host = "127.0.0.1";
  int port = 0;           // 0 = pick a free port (see Server::Port)
  std::string cert_file;  // PEM certificate chain; set both to serve TLS
  std::string key_file;   // PEM private key
  Handler handler;        // empty = the server's default handler
};

struct ServerOptions {
  size_t max_body_bytes = 1024 * 1024;
  size_t max_header_bytes = 16 * 1024;
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds idle_timeout{60000};
  size_t max_connections = 10000;
  int io_threads = 2;
};

// A one-shot timer from RunAfter(); Cancel() stops a callback that has not started yet.
class Timer {
 public:
  Timer() = default;
  explicit Timer(std::shared_ptr<internal::TimerState> state) : state_(std::move(state)) {}
  void Cancel() const;

 private:
  std::shared_ptr<internal::TimerState> state_;
};

class Server {
 public:
  Server(ServerOptions options, Handler default_handler);
  ~Server();  // Stop(0) if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (accepting starts at once if the server runs). Returns the listener id.
  Result<int> AddListener(const ListenerOptions& options);
  // The bound port of a listener; 0 for an unknown id.
  int Port(int listener_id) const;
  bool IsTls(int listener_id) const;

  // Starts the io threads. Fails if already started or stopped.
  Status Start();
  // Graceful stop: stop accepting, close idle connections, let in-flight requests finish until
  // `deadline`, end streams, then close what is left and join the io threads. Idempotent.
  void Stop(std::chrono::milliseconds deadline = std::chrono::milliseconds(5000));

  // Runs fn on an io thread after delay (never blocks a thread while waiting).
  Timer RunAfter(std::chrono::milliseconds delay, std::function<void()> fn);
  // Runs fn on an io thread as soon as possible.
  void Post(std::function<void()> fn);

  size_t ConnectionCount() const;

 private:
  std::shared_ptr<internal::ServerCore> core_;
};

}  // namespace ccm::httpd
