#include "api/router.hpp"

#include <algorithm>
#include <set>

namespace ccm::api {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

std::vector<std::string> SplitPattern(const std::string& pattern) {
  std::vector<std::string> out;
  size_t pos = 1;
  while (pos <= pattern.size()) {
    size_t next = pattern.find('/', pos);
    if (next == std::string::npos) next = pattern.size();
    out.push_back(pattern.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

}  // namespace

Router::Router(const std::vector<RouteSpec>& routes) {
  for (const auto& r : routes) {
    Compiled c{&r, SplitPattern(r.pattern), 0};
    for (const auto& s : c.segments) {
      if (s.empty() || s.front() != '{') c.literals++;
    }
    routes_.push_back(std::move(c));
  }
  // Most literal segments first: "/workers/import" is tried before "/workers/{id}".
  std::stable_sort(routes_.begin(), routes_.end(),
                   [](const Compiled& a, const Compiled& b) { return a.literals > b.literals; });
}

bool Router::SplitTarget(std::string_view target, std::vector<std::string>* segments) {
  std::string_view path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/') return false;
  size_t pos = 1;
  std::string decoded;
  while (pos <= path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    if (!PercentDecode(path.substr(pos, next - pos), &decoded)) return false;
    segments->push_back(decoded);
    pos = next + 1;
  }
  return true;
}

bool Router::MatchSegments(const Compiled& c, const std::vector<std::string>& segments,
                           std::map<std::string, std::string>* params) {
  if (c.segments.size() != segments.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = c.segments[i];
    if (!want.empty() && want.front() == '{') {
      if (segments[i].empty()) return false;
      found[want.substr(1, want.size() - 2)] = segments[i];
    } else if (want != segments[i]) {
      return false;
    }
  }
  *params = std::move(found);
  return true;
}

RouteMatch Router::Match(std::string_view method, std::string_view target) const {
  RouteMatch match;
  std::vector<std::string> segments;
  if (!SplitTarget(target, &segments)) return match;
  std::string want = method == "HEAD" ? "GET" : std::string(method);
  std::set<std::string> allowed;
  for (const auto& c : routes_) {
    std::map<std::string, std::string> params;
    if (!MatchSegments(c, segments, &params)) continue;
    if (c.route->method == want) {
      match.outcome = RouteMatch::Outcome::kMatched;
      match.route = c.route;
      match.params = std::move(params);
      return match;
    }
    allowed.insert(c.route->method);
  }
  if (!allowed.empty()) {
    if (allowed.count("GET")) allowed.insert("HEAD");
    allowed.insert("OPTIONS");
    match.outcome = RouteMatch::Outcome::kMethodNotAllowed;
    match.allowed.assign(allowed.begin(), allowed.end());
  }
  return match;
}

std::vector<std::string> Router::MethodsAt(std::string_view target) const {
  RouteMatch m = Match("\x01", target);  // no route has this method: collects every method
  return m.allowed;
}

}  // namespace ccm::api
