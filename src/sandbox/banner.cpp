#include "sandbox/banner.hpp"

#include <sstream>

namespace ccm::sandbox {

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string TryItBanner(const BannerInfo& info) {
  const std::string api = info.base_url + "/api/v1";
  const std::string auth = "-H \"Authorization: Bearer $CCM_TOKEN\"";
  std::ostringstream out;
  out << "\nccm sandbox is ready: " << info.base_url
      << "  (AWS = local moto, CML = simulated controllers)\n"
      << "Try it in another terminal:\n"
      << "  export CCM_TOKEN=\"$(cat " << ShellQuote(info.token_path) << ")\"\n"
      << "  curl -s " << auth << " -H 'Content-Type: application/json' \\\n"
      << "       -d '{\"name\":\"lab-1\",\"region\":\"" << info.region << "\"}' " << api
      << "/workers\n"
      << "  curl -sN " << auth << " " << api << "/events        # watch it change\n"
      << "  curl -s " << auth << " " << api << "/workers\n"
      << "  curl -s -X POST " << auth << " " << api << "/workers/ID/stop   # then .../start\n"
      << "  curl -s " << auth << " " << api << "/workers/ID/connect\n"
      << "  curl -s -X DELETE " << auth << " " << api << "/workers/ID\n"
      << "Stop with Ctrl-C (the helpers stop with it).\n";
  return out.str();
}

}  // namespace ccm::sandbox
