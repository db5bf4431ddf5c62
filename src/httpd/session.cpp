// One connection: read a request, hand it to the handler, write the answer (now or later), loop
// while kept alive; or switch to a chunked stream. Every member runs on the connection's strand.
#include <deque>

#include "core/log.hpp"
#include "httpd/internal/core.hpp"
#include "httpd/internal/exchange.hpp"
#include "httpd/internal/target.hpp"

namespace ccm::httpd::internal {

namespace {

constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr auto kLingerTime = std::chrono::seconds(1);

std::string StatusLine(int status) {
  auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
}

template <class S>
class Session final : public SessionBase {
 public:
  static constexpr bool kTls = !std::is_same_v<S, beast::tcp_stream>;

  Session(ServerCore* core, Listener* listener, S stream, std::string remote)
      : core_(core), listener_(listener), stream_(std::move(stream)), remote_(std::move(remote)) {}

  ~Session() override {
    core_->connections.fetch_sub(1);
    if (id_ != 0) core_->Unregister(id_);
  }

  void set_id(uint64_t id) { id_ = id; }

  void Begin() override {
    net::dispatch(Executor(), [self = Self()] { self->DoBegin(); });
  }
  void BeginShutdown() override {
    net::post(Executor(), [self = Self()] { self->OnShutdownRequested(); });
  }
  void ForceClose() override {
    net::post(Executor(), [self = Self()] { self->CloseNow(); });
  }
  void Deliver(Response response) override {
    net::post(Executor(),
              [self = Self(), r = std::move(response)]() mutable { self->Write(std::move(r)); });
  }
  std::shared_ptr<Stream> OpenStream(int status, HeaderList headers) override {
    auto impl = std::make_shared<StreamImpl>(weak_from_this(), core_->liveness);
    net::post(Executor(), [self = Self(), impl, status, h = std::move(headers)]() mutable {
      self->StartStreaming(impl, status, std::move(h));
    });
    return impl;
  }
  void StreamWrite(std::string framed) override {
    net::post(Executor(), [self = Self(), f = std::move(framed)]() mutable {
      self->EnqueueStream(std::move(f));
    });
  }
  void StreamEnd() override {
    net::post(Executor(), [self = Self()] { self->EndStream(); });
  }

 private:
  enum class State { kHandshake, kIdle, kReading, kHandling, kWriting, kStreaming, kClosed };

  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  auto Executor() { return stream_.get_executor(); }
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }
  const ServerOptions& Options() const { return core_->options; }

  void DoBegin() {
    if constexpr (kTls) {
      state_ = State::kHandshake;
      Lowest().expires_after(Options().read_timeout);
      stream_.async_handshake(ssl::stream_base::server, [self = Self()](beast::error_code ec) {
        if (ec) return self->CloseNow();
        self->ReadNext();
      });
    } else {
      ReadNext();
    }
  }

  void ReadNext() {
    if (state_ == State::kClosed) return;
    if (shutdown_requested_ || core_->stopping.load()) return CloseNow();
    state_ = State::kIdle;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(Options().max_header_bytes));
    parser_->body_limit(Options().max_body_bytes);
    if (buffer_.size() > 0) return ReadHeader();
    // The first request gets read_timeout to arrive; later ones may idle for idle_timeout.
    Lowest().expires_after(first_request_ ? Options().read_timeout : Options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096), [self = Self()](beast::error_code ec, size_t n) {
      if (ec) return self->CloseNow();
      self->buffer_.commit(n);
      self->ReadHeader();
    });
  }

  void ReadHeader() {
    state_ = State::kReading;
    Lowest().expires_after(Options().read_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = Self()](beast::error_code ec, size_t) {
                               if (ec) return self->OnReadError(ec);
                               self->AfterHeader();
                             });
  }

  void AfterHeader() {
    const auto& msg = parser_->get();
    bool wants_continue = beast::iequals(msg[bhttp::field::expect], "100-continue");
    if (!wants_continue || parser_->is_done()) return ReadBody();
    net::async_write(stream_, net::buffer(kContinue, sizeof kContinue - 1),
                     [self = Self()](beast::error_code ec, size_t) {
                       if (ec) return self->CloseNow();
                       self->ReadBody();
                     });
  }

  void ReadBody() {
    if (parser_->is_done()) return Dispatch();
    bhttp::async_read(stream_, buffer_, *parser_, [self = Self()](beast::error_code ec, size_t) {
      if (ec) return self->OnReadError(ec);
      self->Dispatch();
    });
  }

  void OnReadError(beast::error_code ec) {
    if (state_ == State::kClosed) return;
    if (ec == bhttp::error::header_limit) return Reject(431, "request header fields too large");
    if (ec == bhttp::error::body_limit) return Reject(413, "request body too large");
    bool parse_error = ec.category() == beast::error_code(bhttp::error::bad_method).category() &&
                       ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
    if (!parse_error) return CloseNow();
    Reject(400, "malformed request: " + ec.message());
  }

  // Answers an unreadable request and closes: the rest of it cannot be trusted.
  void Reject(int status, std::string message) {
    state_ = State::kHandling;
    keep_alive_ = false;
    version_ = 11;
    head_ = false;
    std::string body =
        R"({"code":)" + std::to_string(status) + R"(,"description":")" + message + R"("})";
    Write(Response::Json(status, std::move(body)));
  }

  void Dispatch() {
    state_ = State::kHandling;
    Lowest().expires_never();
    first_request_ = false;
    auto& msg = parser_->get();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    ParseTarget(req.target, &req);
    for (const auto& field : msg) {
      req.headers.Add(std::string(field.name_string()), std::string(field.value()));
    }
    req.body = std::move(msg.body());
    req.remote_address = remote_;
    req.listener_id = listener_->id;
    req.keep_alive = msg.keep_alive();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    head_ = msg.method() == bhttp::verb::head;
    auto exchange = std::make_shared<Exchange>(shared_from_this(), core_->liveness);
    const Handler& handler = listener_->handler ? listener_->handler : core_->default_handler;
    try {
      handler(std::move(req), Responder(exchange));
    } catch (const std::exception& e) {
      log::Error("http handler threw", {{"error", e.what()}});
      exchange->Send(Response::Json(500, R"({"code":500,"description":"internal error"})"));
    }
  }

  void Write(Response r) {
    if (state_ != State::kHandling) return;
    state_ = State::kWriting;
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(version_);
    res->result(static_cast<unsigned>(r.status));
    for (auto& [name, value] : r.headers) res->insert(name, value);
    res->body() = std::move(r.body);
    bool keep = keep_alive_ && !shutdown_requested_ && !core_->stopping.load();
    res->keep_alive(keep);
    res->prepare_payload();
    if (head_) {  // HEAD: the length of the body a GET would get, without the body
      size_t length = res->body().size();
      res->body().clear();
      res->content_length(length);
    }
    Lowest().expires_after(Options().read_timeout);
    bhttp::async_write(stream_, *res, [self = Self(), res, keep](beast::error_code ec, size_t) {
      if (ec) return self->CloseNow();
      if (!keep) return self->CloseAfterAnswer();
      self->ReadNext();
    });
  }

  // Closes without resetting: the client may still be sending (e.g. a refused body) and a
  // reset could destroy the answer before it reads it.
  void CloseAfterAnswer() {
    Lowest().expires_after(kLingerTime);
    if constexpr (kTls) {
      stream_.async_shutdown([self = Self()](beast::error_code) { self->CloseNow(); });
    } else {
      beast::error_code ec;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      Drain();
    }
  }

  void Drain() {
    stream_.async_read_some(net::buffer(scratch_), [self = Self()](beast::error_code ec, size_t) {
      if (ec) return self->CloseNow();
      self->Drain();
    });
  }

  void StartStreaming(const std::shared_ptr<StreamImpl>& impl, int status, HeaderList headers) {
    if (state_ != State::kHandling) return impl->MarkClosed();
    state_ = State::kStreaming;
    stream_impl_ = impl;
    Lowest().expires_never();
    std::string head = StatusLine(status);
    for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
    head += "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    impl->AddBuffered(head.size());
    out_.push_back(std::move(head));
    Pump();
    WatchPeer();
  }

  // Reads (and discards) while streaming, only to learn when the client goes away.
  void WatchPeer() {
    stream_.async_read_some(net::buffer(scratch_), [self = Self()](beast::error_code ec, size_t) {
      if (self->state_ != State::kStreaming) return;
      if (ec) return self->CloseNow();
      self->WatchPeer();
    });
  }

  void EnqueueStream(std::string framed) {
    if (state_ != State::kStreaming || end_requested_) return;
    out_.push_back(std::move(framed));
    Pump();
  }

  void EndStream() {
    if (state_ != State::kStreaming || end_requested_) return;
    end_requested_ = true;
    out_.push_back("0\r\n\r\n");
    if (stream_impl_) stream_impl_->AddBuffered(out_.back().size());
    Pump();
  }

  void Pump() {
    if (writing_ || state_ != State::kStreaming) return;
    if (out_.empty()) {
      if (end_requested_) CloseNow();
      return;
    }
    writing_ = true;
    net::async_write(stream_, net::buffer(out_.front()),
                     [self = Self()](beast::error_code ec, size_t) {
                       self->writing_ = false;
                       if (self->stream_impl_ && !self->out_.empty()) {
                         self->stream_impl_->Consumed(self->out_.front().size());
                       }
                       if (!self->out_.empty()) self->out_.pop_front();
                       if (ec) return self->CloseNow();
                       self->Pump();
                     });
  }

  void OnShutdownRequested() {
    shutdown_requested_ = true;
    switch (state_) {
      case State::kHandshake:
      case State::kIdle:
        CloseNow();
        break;
      case State::kStreaming:
        EndStream();
        break;
      default:
        break;  // in flight: the answer is written, then the connection closes
    }
  }

  void CloseNow() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    if (stream_impl_) stream_impl_->MarkClosed();
    out_.clear();
    beast::error_code ec;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    Lowest().close();
  }

  ServerCore* core_;
  Listener* listener_;
  S stream_;
  std::string remote_;
  uint64_t id_ = 0;
  State state_ = State::kIdle;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bool first_request_ = true;
  bool keep_alive_ = true;
  bool shutdown_requested_ = false;
  unsigned version_ = 11;
  bool head_ = false;
  std::array<char, 1024> scratch_{};
  std::shared_ptr<StreamImpl> stream_impl_;
  std::deque<std::string> out_;
  bool writing_ = false;
  bool end_requested_ = false;
};

std::string RemoteAddress(const tcp::socket& socket) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string() : endpoint.address().to_string();
}

template <class S, class... Args>
void Launch(ServerCore* core, Listener* listener, std::string remote, Args&&... args) {
  auto session = std::make_shared<Session<S>>(core, listener, S(std::forward<Args>(args)...),
                                              std::move(remote));
  session->set_id(core->Register(session));
  session->Begin();
}

}  // namespace

void LaunchSession(ServerCore* core, Listener* listener, tcp::socket socket) {
  core->connections.fetch_add(1);
  std::string remote = RemoteAddress(socket);
  if (listener->tls) {
    Launch<beast::ssl_stream<beast::tcp_stream>>(core, listener, std::move(remote),
                                                 std::move(socket), *listener->tls);
  } else {
    Launch<beast::tcp_stream>(core, listener, std::move(remote), std::move(socket));
  }
}

}  // namespace ccm::httpd::internal
