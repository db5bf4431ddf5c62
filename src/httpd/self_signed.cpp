#include "httpd/self_signed.hpp"

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace ccm::httpd {

namespace {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;

bool IsIp(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

bool AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

bool FillCertificate(X509* cert, EVP_PKEY* key, const std::vector<std::string>& names,
                     std::chrono::hours validity) {
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  bool ok = bn != nullptr && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr;
  BN_free(bn);
  ok = ok && X509_set_version(cert, 2) == 1;
  ok = ok && X509_gmtime_adj(X509_getm_notBefore(cert), -3600) != nullptr;
  ok = ok && X509_gmtime_adj(X509_getm_notAfter(cert), validity.count() * 3600L) != nullptr;
  X509_NAME* subject = X509_get_subject_name(cert);
  ok = ok &&
       X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC,
                                  reinterpret_cast<const unsigned char*>("ccm"), -1, -1, 0) == 1;
  ok = ok && X509_NAME_add_entry_by_txt(
                 subject, "CN", MBSTRING_ASC,
                 reinterpret_cast<const unsigned char*>(names.front().c_str()), -1, -1, 0) == 1;
  ok = ok && X509_set_issuer_name(cert, subject) == 1 && X509_set_pubkey(cert, key) == 1;
  std::string san;
  for (const auto& n : names) {
    san += std::string(san.empty() ? "" : ",") + (IsIp(n) ? "IP:" : "DNS:") + n;
  }
  ok = ok && AddExtension(cert, NID_basic_constraints, "critical,CA:TRUE");
  ok = ok && AddExtension(cert, NID_key_usage, "critical,digitalSignature,keyCertSign");
  ok = ok && AddExtension(cert, NID_ext_key_usage, "serverAuth");
  ok = ok && AddExtension(cert, NID_subject_key_identifier, "hash");
  ok = ok && AddExtension(cert, NID_subject_alt_name, san);
  return ok && X509_sign(cert, key, EVP_sha256()) > 0;
}

}  // namespace

Result<CertFiles> GenerateSelfSignedCert(const std::string& dir,
                                         const std::vector<std::string>& names,
                                         const std::string& basename, std::chrono::hours validity) {
  if (names.empty()) return InvalidArgument("names", "at least one host name or IP is needed");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InvalidArgument("dir", "cannot create " + dir + ": " + ec.message());
  KeyPtr key(EVP_EC_gen("P-256"));
  CertPtr cert(X509_new());
  if (!key || !cert || !FillCertificate(cert.get(), key.get(), names, validity)) {
    return MakeError(Code::kInternal, "OpenSSL could not build the self-signed certificate");
  }
  CertFiles files{dir + "/" + basename + ".crt", dir + "/" + basename + ".key"};
  FILE* kf = fopen(files.key_file.c_str(), "w");
  if (kf == nullptr) return InvalidArgument("dir", "cannot write " + files.key_file);
  fchmod(fileno(kf), 0600);
  bool ok = PEM_write_PrivateKey(kf, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  fclose(kf);
  FILE* cf = fopen(files.cert_file.c_str(), "w");
  if (cf == nullptr) return InvalidArgument("dir", "cannot write " + files.cert_file);
  ok = PEM_write_X509(cf, cert.get()) == 1 && ok;
  fclose(cf);
  if (!ok) return MakeError(Code::kInternal, "writing the certificate or key failed");
  return files;
}

}  // namespace ccm::httpd
