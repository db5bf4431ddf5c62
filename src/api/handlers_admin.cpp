// Events, audit, settings, identity and API token routes.
#include <charconv>

#include "api/handlers.hpp"
#include "api/query.hpp"
#include "api/render.hpp"
#include "auth/api_token.hpp"
#include "config/render.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"

namespace ccm::api {
namespace {

constexpr size_t kMaxTokenName = 64;

tl::expected<std::vector<domain::EventType>, Problem> ParseTypes(const std::string& target) {
  std::vector<domain::EventType> types;
  for (const auto& t : QueryValues(target, "type")) {
    auto type = domain::ParseEventType(t);
    if (!type) return Failed(BadRequest("type", "unknown event type '" + t + "'"));
    types.push_back(*type);
  }
  return types;
}

tl::expected<std::optional<int64_t>, Problem> ParseLastEventId(const httpd::Request& req) {
  std::string field = "Last-Event-ID";
  auto text = req.Header("last-event-id");
  if (!text) {
    field = "last_event_id";
    text = req.Query("last_event_id");
  }
  if (!text) return std::nullopt;
  int64_t id = -1;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), id);
  if (ec != std::errc() || end != text->data() + text->size() || id < 0) {
    return Failed(BadRequest(field, "expected a non-negative event id"));
  }
  return id;
}

tl::expected<std::optional<TimePoint>, Problem> ParseTimeParam(const httpd::Request& req,
                                                               const std::string& name) {
  auto text = req.Query(name);
  if (!text) return std::nullopt;
  auto t = ParseTime(*text);
  if (!t) return Failed(BadRequest(name, "expected an RFC 3339 time"));
  return t;
}

bool ValidTokenName(const std::string& name) {
  if (name.empty() || name.size() > kMaxTokenName) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace

Answer Handlers::Events(Call& call) {
  SseRequest req;
  for (const auto& id : QueryValues(call.request.target, "worker_id")) {
    if (!IsUuid(id)) return Failed(BadRequest("worker_id", "not a worker id (UUID)"));
    req.worker_ids.push_back(id);
  }
  auto types = ParseTypes(call.request.target);
  if (!types) return Failed(types.error());
  req.types = std::move(*types);
  auto last = ParseLastEventId(call.request);
  if (!last) return Failed(last.error());
  req.last_event_id = *last;
  httpd::HeaderList headers = call.headers;
  if (auto st = d_.streams->Open(call.responder, std::move(headers), call.identity, req); !st) {
    return Failed(st.error());
  }
  return httpd::Response{0, {}, {}};
}

Answer Handlers::Audit(Call& call) {
  const auto& req = call.request;
  store::AuditQuery q;
  q.worker_id = req.Query("worker_id").value_or("");
  if (!q.worker_id.empty() && !IsUuid(q.worker_id)) {
    return Failed(BadRequest("worker_id", "not a worker id (UUID)"));
  }
  q.actor = req.Query("actor").value_or("");
  auto types = ParseTypes(req.target);
  if (!types) return Failed(types.error());
  q.types = std::move(*types);
  auto since = ParseTimeParam(req, "since");
  if (!since) return Failed(since.error());
  auto until = ParseTimeParam(req, "until");
  if (!until) return Failed(until.error());
  q.since = *since;
  q.until = *until;
  auto limit = QueryInt(req, "limit", 100, 1, store::kMaxPageSize);
  if (!limit) return Failed(limit.error());
  q.limit = static_cast<int>(*limit);
  q.cursor = req.Query("cursor").value_or("");
  auto page = d_.store->Audit(q);
  if (!page) return Failed(page.error());
  Json items = Json::array();
  for (const auto& e : page->events) items.push_back(EventJson(e));
  return JsonAnswer(
      200, {{"items", items},
            {"next_cursor", page->next_cursor.empty() ? Json(nullptr) : Json(page->next_cursor)},
            {"total", page->total}});
}

Answer Handlers::Settings(Call&) { return JsonAnswer(200, config::SettingsToJson(*d_.settings)); }

Answer Handlers::Me(Call& call) { return JsonAnswer(200, MeJson(call.identity)); }

Answer Handlers::ListTokens(Call&) {
  auto tokens = d_.store->ListApiTokens();
  if (!tokens) return Failed(tokens.error());
  Json items = Json::array();
  for (const auto& t : *tokens) items.push_back(TokenJson(t));
  return JsonAnswer(200, {{"items", items}});
}

Answer Handlers::CreateToken(Call& call) {
  store::ApiTokenRecord rec;
  rec.name = GetString(call.body, "name").value_or("");
  if (!ValidTokenName(rec.name)) {
    return Failed(BadRequest("name", "1-64 characters: letters, digits, '-', '_', '.'"));
  }
  rec.role = GetString(call.body, "role").value_or("");
  if (!auth::ParseRole(rec.role)) {
    return Failed(BadRequest("role", "must be admin, operator or user"));
  }
  rec.subject = GetString(call.body, "subject").value_or("token:" + rec.name);
  if (auto st = domain::ValidateUser(rec.subject, "subject"); !st) return Failed(st.error());
  rec.created_at = domain::TruncateToMillis(d_.clock->Now());
  if (auto e = GetString(call.body, "expires_at")) {
    rec.expires_at = domain::TruncateToMillis(*ParseTime(*e));
    if (*rec.expires_at <= rec.created_at) {
      return Failed(BadRequest("expires_at", "must be in the future"));
    }
  }
  std::string token = auth::GenerateApiToken();
  log::RegisterSecret(token);
  rec.id = NewUuid();
  rec.token_hash = auth::HashApiToken(token);
  if (auto st = d_.store->InsertApiToken(rec); !st) return Failed(st.error());
  log::Info("api token created", {{"token_id", rec.id},
                                  {"name", rec.name},
                                  {"role", rec.role},
                                  {"by", call.identity.subject}});
  Json body = TokenJson(rec);
  body["token"] = token;
  auto answer = JsonAnswer(201, body);
  answer->headers.emplace_back("Location", "/api/v1/tokens/" + rec.id);
  return answer;
}

Answer Handlers::RevokeToken(Call& call) {
  const std::string& id = call.params.at("token_id");
  if (auto st = d_.store->RevokeApiToken(id, d_.clock->Now()); !st) return Failed(st.error());
  log::Info("api token revoked", {{"token_id", id}, {"by", call.identity.subject}});
  return httpd::Response::Empty(204);
}

}  // namespace ccm::api
