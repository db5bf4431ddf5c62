#pragma once
// Random identifiers. NewUuid() is an RFC 4122 version-4 UUID in lower-case canonical form.
// Thread-safe.
#include <string>
#include <string_view>

namespace ccm {

std::string NewUuid();
bool IsUuid(std::string_view text);
// n random bytes from the OS CSPRNG, as lower-case hex (2n characters).
std::string RandomHex(size_t n_bytes);

}  // namespace ccm
