#include "io/sha1.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace radcore {

std::string sha1_hex(const void* data, std::size_t size) {
  // OpenSSL picks the CPU's SHA instructions where present; the digest is the same FIPS 180-4 SHA-1.
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data, size, digest, &length, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("SHA-1 digest failed in OpenSSL");
  }
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

}  // namespace radcore
