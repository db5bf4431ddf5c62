#pragma once
// Self-signed TLS certificate + key for test and sandbox servers (OpenSSL 3, ECDSA P-256).
// The certificate is its own CA (CA:TRUE, keyCertSign), so a client can trust it by passing the
// certificate file as its CA bundle. Thread-safe; writes two files, the key with mode 0600.
#include <chrono>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace ccm::httpd {

struct CertFiles {
  std::string cert_file;  // PEM certificate
  std::string key_file;   // PEM private key (PKCS#8)
};

// names: subjectAltName entries; IP literals become IP entries, others DNS entries. The first
// one is also the subject CN. Files are <dir>/<basename>.crt and <dir>/<basename>.key.
Result<CertFiles> GenerateSelfSignedCert(const std::string& dir,
                                         const std::vector<std::string>& names,
                                         const std::string& basename = "server",
                                         std::chrono::hours validity = std::chrono::hours(24 *
                                                                                          365));

}  // namespace ccm::httpd
