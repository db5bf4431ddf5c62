// Exchange (behind Responder) and StreamImpl: hand answers and stream bytes to a session.
#include "httpd/internal/exchange.hpp"

#include <cstdio>

namespace ccm::httpd {
namespace internal {

Exchange::~Exchange() {
  if (!answered_.load()) {
    Send(Response::Json(500, R"({"code":500,"description":"no answer from handler"})"));
  }
}

void Exchange::Send(Response response) {
  if (answered_.exchange(true)) return;
  std::shared_lock<std::shared_mutex> lock(liveness_->mu);
  if (liveness_->alive) session_->Deliver(std::move(response));
}

std::shared_ptr<Stream> Exchange::StartStream(int status, HeaderList headers) {
  if (answered_.exchange(true)) return nullptr;
  std::shared_lock<std::shared_mutex> lock(liveness_->mu);
  if (!liveness_->alive) return nullptr;
  return session_->OpenStream(status, std::move(headers));
}

StreamImpl::StreamImpl(std::weak_ptr<SessionBase> session, std::shared_ptr<Liveness> liveness)
    : session_(std::move(session)), liveness_(std::move(liveness)) {}

bool StreamImpl::Write(std::string data) {
  if (data.empty()) return IsOpen();  // an empty chunk would end the stream
  char size[32];
  int n = snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string framed;
  framed.reserve(static_cast<size_t>(n) + data.size() + 2);
  framed.append(size, static_cast<size_t>(n)).append(data).append("\r\n");
  std::lock_guard<std::mutex> lock(mu_);
  if (!open_) return false;
  std::shared_lock<std::shared_mutex> live(liveness_->mu);
  auto session = session_.lock();
  if (!liveness_->alive || !session) return false;
  buffered_.fetch_add(framed.size());
  session->StreamWrite(std::move(framed));
  return true;
}

void StreamImpl::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!open_) return;
  std::shared_lock<std::shared_mutex> live(liveness_->mu);
  auto session = session_.lock();
  if (liveness_->alive && session) session->StreamEnd();
}

bool StreamImpl::IsOpen() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

void StreamImpl::OnClose(std::function<void()> callback) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (open_) {
      on_close_.push_back(std::move(callback));
      return;
    }
  }
  callback();
}

void StreamImpl::MarkClosed() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!open_) return;
    open_ = false;
    callbacks.swap(on_close_);
  }
  for (auto& cb : callbacks) cb();
}

}  // namespace internal

Responder::Responder(std::shared_ptr<internal::Exchange> exchange)
    : exchange_(std::move(exchange)) {}

void Responder::Send(Response response) const { exchange_->Send(std::move(response)); }

std::shared_ptr<Stream> Responder::StartStream(int status, HeaderList headers) const {
  return exchange_->StartStream(status, std::move(headers));
}

bool Responder::Answered() const { return exchange_->Answered(); }

}  // namespace ccm::httpd
