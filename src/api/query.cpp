#include "api/query.hpp"

#include <charconv>

namespace ccm::api {
namespace {

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Decode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out.push_back(' ');
    } else if (in[i] == '%' && i + 2 < in.size() && Hex(in[i + 1]) >= 0 && Hex(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(Hex(in[i + 1]) * 16 + Hex(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> QueryValues(std::string_view target, std::string_view name) {
  std::vector<std::string> out;
  size_t q = target.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    size_t eq = pair.find('=');
    if (Decode(pair.substr(0, eq)) != name || eq == std::string_view::npos) continue;
    std::string value = Decode(pair.substr(eq + 1));
    size_t pos = 0;
    while (pos <= value.size()) {
      size_t comma = value.find(',', pos);
      if (comma == std::string::npos) comma = value.size();
      if (comma > pos) out.push_back(value.substr(pos, comma - pos));
      pos = comma + 1;
    }
  }
  return out;
}

tl::expected<bool, Problem> QueryBool(const httpd::Request& request, const std::string& name,
                                      bool fallback) {
  auto v = request.Query(name);
  if (!v) return fallback;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  return tl::unexpected(BadRequest(name, "expected true or false, got '" + *v + "'"));
}

tl::expected<int64_t, Problem> QueryInt(const httpd::Request& request, const std::string& name,
                                        int64_t fallback, int64_t min, int64_t max) {
  auto v = request.Query(name);
  if (!v) return fallback;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size()) {
    return tl::unexpected(BadRequest(name, "expected an integer, got '" + *v + "'"));
  }
  if (n < min || n > max) {
    return tl::unexpected(
        BadRequest(name, "must be between " + std::to_string(min) + " and " + std::to_string(max)));
  }
  return n;
}

}  // namespace ccm::api
