#pragma once
// The plumbing between handlers and sessions, free of Beast: the session interface, the
// exchange behind a Responder, and the Stream handed to streaming handlers.
#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "httpd/server.hpp"

namespace ccm::httpd::internal {

// What every session offers to the server (all calls are posted onto the session's strand).
class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  virtual void Begin() = 0;
  // Graceful stop: close when idle, finish the current request, end streams.
  virtual void BeginShutdown() = 0;
  virtual void ForceClose() = 0;
  // Delivers a handler's answer (any thread).
  virtual void Deliver(Response response) = 0;
  virtual std::shared_ptr<Stream> OpenStream(int status, HeaderList headers) = 0;
  // Streaming: queue framed bytes / end the stream (any thread; posted to the strand).
  virtual void StreamWrite(std::string framed) = 0;
  virtual void StreamEnd() = 0;
};

// Guards against using the io context after the server is gone: posters hold a shared lock
// while they post, the server's teardown takes it exclusively to flip `alive`.
struct Liveness {
  std::shared_mutex mu;
  bool alive = true;  // guarded by mu
};

// The exchange behind a Responder: one request, answered at most once.
class Exchange {
 public:
  Exchange(std::shared_ptr<SessionBase> session, std::shared_ptr<Liveness> liveness)
      : session_(std::move(session)), liveness_(std::move(liveness)) {}
  ~Exchange();
  void Send(Response response);
  std::shared_ptr<Stream> StartStream(int status, HeaderList headers);
  bool Answered() const { return answered_.load(); }

 private:
  std::shared_ptr<SessionBase> session_;
  std::shared_ptr<Liveness> liveness_;
  std::atomic<bool> answered_{false};
};

class StreamImpl final : public Stream {
 public:
  StreamImpl(std::weak_ptr<SessionBase> session, std::shared_ptr<Liveness> liveness);
  bool Write(std::string data) override;
  void Close() override;
  bool IsOpen() const override;
  size_t BufferedBytes() const override { return buffered_.load(); }
  void OnClose(std::function<void()> callback) override;

  // Session side (on its strand).
  void MarkClosed();
  void AddBuffered(size_t bytes) { buffered_.fetch_add(bytes); }
  void Consumed(size_t bytes) { buffered_.fetch_sub(std::min(bytes, buffered_.load())); }

 private:
  std::weak_ptr<SessionBase> session_;
  std::shared_ptr<Liveness> liveness_;
  mutable std::mutex mu_;
  bool open_ = true;                             // guarded by mu_
  std::vector<std::function<void()>> on_close_;  // guarded by mu_
  std::atomic<size_t> buffered_{0};
};

}  // namespace ccm::httpd::internal
